"""Discussion spaces (« espaces de discussion ») — the CPTS's communication platform, after
Zulip's streams and topics.

A `DiscussionSpace` belongs either to a CPTS — the space of all its members, one per mission
it runs, the working groups its coordinators create — or to an `Organisation` that hosts a
regional group open to professionals of several CPTS, members or not (« Sages-femmes
libérales et CPTS »). A space holds topics (`Topic`, the threads), a topic its messages.

People in a space are `Participant`s: created when they join a working or regional group,
or when they first open a CPTS-wide space (everything written before is then read). A
participant chooses how they are told (`NotifyLevel`) and may be muted or removed by the
space's moderators:

    participant: active ⇄ muted, active | muted → removed → active (reinstated)
    message:     visible ⇄ hidden (moderation), visible → deleted (by its author)
    sign-up:     pending → accepted | refused

Messages never hold a patient's NIR or INS (`health_data.py`): such a message is refused, the
refusal counted (`HealthDataRefusal`, without the text). Read state is one row per person and
topic (`TopicRead`, the last message read); mentions are rows (`Mention`) read with their topic.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillon.core.missions import Mission
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.meetings.models import MeetingSeries
from maillon.organisations.models import Organisation


class SpaceKind(models.TextChoices):
    MEMBERS = "members", "Tous les adhérents"
    MISSION = "mission", "Mission"
    WORKING_GROUP = "working_group", "Groupe de travail"
    REGIONAL_GROUP = "regional_group", "Groupe régional"


CPTS_KINDS = (SpaceKind.MEMBERS, SpaceKind.MISSION, SpaceKind.WORKING_GROUP)
# Spaces whose readers are the people with a role in the CPTS (no list to keep).
CPTS_WIDE_KINDS = (SpaceKind.MEMBERS, SpaceKind.MISSION)
# Spaces whose readers are their participants.
MEMBERSHIP_KINDS = (SpaceKind.WORKING_GROUP, SpaceKind.REGIONAL_GROUP)


class SpaceQuerySet(CptsOwnedQuerySet):
    def open(self):
        return self.filter(archived_at__isnull=True)


class DiscussionSpace(JournaledModel):
    cpts = models.ForeignKey(
        Cpts, on_delete=models.CASCADE, null=True, blank=True, related_name="discussion_spaces", verbose_name="CPTS"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discussion_spaces",
        verbose_name="organisation hôte",
    )
    kind = models.CharField("type", max_length=20, choices=SpaceKind.choices)
    mission = models.PositiveSmallIntegerField("mission", choices=Mission.choices, null=True, blank=True)
    name = models.CharField("nom", max_length=120)
    description = models.TextField("description", max_length=2000, blank=True)
    # A regional group's public sign-up form (its questions: `SignupQuestion`).
    signup_open = models.BooleanField("inscriptions ouvertes", default=False)
    visio = models.OneToOneField(
        MeetingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="space",
        verbose_name="visio récurrente",
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créé par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    archived_at = models.DateTimeField("archivé le", null=True, blank=True)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = "espace de discussion"
        verbose_name_plural = "espaces de discussion"
        ordering = ["kind", "mission", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(cpts__isnull=False, organisation__isnull=True, kind__in=CPTS_KINDS)
                    | Q(cpts__isnull=True, organisation__isnull=False, kind=SpaceKind.REGIONAL_GROUP)
                ),
                name="space_of_a_cpts_or_hosted_by_an_organisation",
            ),
            models.CheckConstraint(
                condition=Q(kind=SpaceKind.MISSION, mission__isnull=False) | (~Q(kind=SpaceKind.MISSION)),
                name="mission_space_names_its_mission",
            ),
            models.UniqueConstraint(
                fields=["cpts"], condition=Q(kind=SpaceKind.MEMBERS), name="one_members_space_per_cpts"
            ),
            models.UniqueConstraint(
                fields=["cpts", "mission"], condition=Q(kind=SpaceKind.MISSION), name="one_space_per_cpts_mission"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_regional(self) -> bool:
        return self.kind == SpaceKind.REGIONAL_GROUP

    @property
    def is_cpts_wide(self) -> bool:
        return self.kind in CPTS_WIDE_KINDS

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def host_label(self) -> str:
        return str(self.cpts if self.cpts_id else self.organisation)


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", "Participant"
    MODERATOR = "moderator", "Modération"
    PILOT = "pilot", "Équipe pilote"


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", "Actif"
    MUTED = "muted", "Réduit au silence"
    REMOVED = "removed", "Retiré de l'espace"


class NotifyLevel(models.TextChoices):
    ALL = "all", "Chaque message"
    MENTIONS = "mentions", "Seulement quand on me mentionne"
    DIGEST = "digest", "Un résumé quotidien par courriel"
    NONE = "none", "Rien"


class ParticipantQuerySet(models.QuerySet):
    def present(self):
        """Members reading the space: active or muted (a muted participant reads, never writes)."""
        return self.filter(status__in=[ParticipantStatus.ACTIVE, ParticipantStatus.MUTED], is_member=True)


class Participant(JournaledModel):
    space = models.ForeignKey(
        DiscussionSpace, on_delete=models.CASCADE, related_name="participants", verbose_name="espace"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="discussion_places", verbose_name="personne")
    role = models.CharField("rôle", max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT)
    status = models.CharField(
        "état", max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE
    )
    notify = models.CharField("me prévenir", max_length=10, choices=NotifyLevel.choices, default=NotifyLevel.MENTIONS)
    # False for the row of a host (a CPTS's coordinator in a working group, a manager in a
    # regional group) who only wrote or chose how to be told: it keeps their read state and
    # choice, never a place in the group once they stop being a host.
    is_member = models.BooleanField("membre du groupe", default=True)
    # Messages up to this id were written before the person joined: they count as read.
    read_floor = models.PositiveBigIntegerField("lu jusqu'au message", default=0)
    # The daily digest covered messages up to this id.
    digest_through = models.PositiveBigIntegerField("résumé envoyé jusqu'au message", default=0)
    joined_at = models.DateTimeField("arrivé le", default=timezone.now)

    objects = ParticipantQuerySet.as_manager()

    workflow = Workflow(
        log="discussions.ParticipantEvent",
        subject="Cette personne",
        transitions=[
            Transition("mute", source=ParticipantStatus.ACTIVE, target=ParticipantStatus.MUTED),
            Transition("unmute", source=ParticipantStatus.MUTED, target=ParticipantStatus.ACTIVE),
            Transition(
                "remove", source=[ParticipantStatus.ACTIVE, ParticipantStatus.MUTED], target=ParticipantStatus.REMOVED
            ),
            Transition("reinstate", source=ParticipantStatus.REMOVED, target=ParticipantStatus.ACTIVE),
        ],
    )

    class Meta:
        verbose_name = "participant d'un espace"
        verbose_name_plural = "participants des espaces"
        ordering = ["space", "user__last_name", "user__first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["space", "user"], name="one_place_per_person_and_space")]

    def __str__(self):
        return f"{self.user} — {self.space}"

    @property
    def can_write(self) -> bool:
        return self.status == ParticipantStatus.ACTIVE

    @property
    def leads(self) -> bool:
        """Moderator or pilot team: moderates the space."""
        return self.role in (ParticipantRole.MODERATOR, ParticipantRole.PILOT)


# The moderation register of people: mute, unmute, remove, reinstate (with the reason in `note`).
ParticipantEvent = transition_log(
    Participant, "acte de modération sur une personne", "actes de modération sur les personnes"
)


class TopicQuerySet(models.QuerySet):
    def by_activity(self):
        return self.order_by(models.F("pinned_at").desc(nulls_last=True), "-last_message_at", "-pk")


class Topic(JournaledModel):
    space = models.ForeignKey(DiscussionSpace, on_delete=models.CASCADE, related_name="topics", verbose_name="espace")
    title = models.CharField("sujet", max_length=120)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="ouvert par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    # Kept by the message writes (one conditional UPDATE each): the list needs no count.
    last_message_at = models.DateTimeField("dernier message", default=timezone.now)
    message_count = models.PositiveIntegerField("messages", default=0)
    pinned_at = models.DateTimeField("épinglé le", null=True, blank=True)
    pinned_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="épinglé par"
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = "sujet"
        verbose_name_plural = "sujets"
        ordering = ["space", "-last_message_at", "-pk"]
        indexes = [models.Index(fields=["space", "last_message_at"], name="topic_space_activity")]

    def __str__(self):
        return self.title


class MessageStatus(models.TextChoices):
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Masqué par la modération"
    DELETED = "deleted", "Supprimé par son auteur"


class MessageQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(status=MessageStatus.VISIBLE)


class Message(JournaledModel):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="messages", verbose_name="sujet")
    # The topic's space, kept here for the space's unread counts and search.
    space = models.ForeignKey(DiscussionSpace, on_delete=models.CASCADE, related_name="messages", verbose_name="espace")
    author = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_messages",
        verbose_name="auteur",
    )
    body = models.TextField("message", max_length=settings.MAILLON_DISCUSSION_MAX_CHARACTERS)
    # Lower case, without accents: what search reads (a trigram index on PostgreSQL).
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    status = models.CharField("état", max_length=10, choices=MessageStatus.choices, default=MessageStatus.VISIBLE)
    # The writer's own id for this message: sending it twice (a retry) keeps one message.
    client_id = models.UUIDField("identifiant d'envoi", default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField("envoyé le", default=timezone.now)
    edited_at = models.DateTimeField("modifié le", null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    workflow = Workflow(
        log="discussions.MessageEvent",
        subject="Ce message",
        final=[MessageStatus.DELETED],
        transitions=[
            Transition("hide", source=MessageStatus.VISIBLE, target=MessageStatus.HIDDEN),
            Transition("unhide", source=MessageStatus.HIDDEN, target=MessageStatus.VISIBLE),
            Transition("delete", source=MessageStatus.VISIBLE, target=MessageStatus.DELETED),
        ],
    )

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["topic", "pk"]
        indexes = [
            models.Index(fields=["topic", "id"], name="message_topic_order"),
            models.Index(fields=["space", "id"], name="message_space_order"),
        ]
        constraints = [models.UniqueConstraint(fields=["author", "client_id"], name="one_message_per_sending")]

    def __str__(self):
        return f"Message n° {self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.status == MessageStatus.VISIBLE

    def editable_until(self):
        return self.created_at + timezone.timedelta(minutes=settings.MAILLON_DISCUSSION_EDIT_MINUTES)

    def within_edit_delay(self, now=None) -> bool:
        return (now or timezone.now()) <= self.editable_until()


# Hidden, shown again, deleted: the moderation register of messages (the reason in `note`).
MessageEvent = transition_log(Message, "changement d'état d'un message", "changements d'état des messages")


class Mention(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions", verbose_name="message")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentions", verbose_name="personne")
    read_at = models.DateTimeField("lue le", null=True, blank=True)

    class Meta:
        verbose_name = "mention"
        verbose_name_plural = "mentions"
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="one_mention_per_person_and_message")]
        indexes = [models.Index(fields=["user", "read_at"], name="mention_unread")]

    def __str__(self):
        return f"Mention n° {self.pk}"


class TopicRead(models.Model):
    """How far a person has read a topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="reads", verbose_name="sujet")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="topic_reads", verbose_name="personne")
    last_read_id = models.PositiveBigIntegerField("dernier message lu", default=0)

    class Meta:
        verbose_name = "lecture d'un sujet"
        verbose_name_plural = "lectures des sujets"
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="one_read_state_per_person_and_topic")]

    def __str__(self):
        return f"{self.user_id} — {self.topic_id} ({self.last_read_id})"


def attachment_path(instance, filename):
    # Never the uploaded name in the path: it may name a person.
    return f"discussions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(JournaledModel):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments", verbose_name="message")
    file = models.FileField("fichier", upload_to=attachment_path)
    name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["message", "pk"]

    def __str__(self):
        return self.name


class HealthDataRefusal(models.Model):
    """A message refused because it held a NIR or an INS: counted, its text never kept."""

    space = models.ForeignKey(
        DiscussionSpace, on_delete=models.CASCADE, related_name="health_data_refusals", verbose_name="espace"
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "message refusé (donnée de santé)"
        verbose_name_plural = "messages refusés (données de santé)"
        ordering = ["-at"]

    def __str__(self):
        return f"Refus n° {self.pk}"


class SignupQuestion(models.Model):
    space = models.ForeignKey(
        DiscussionSpace, on_delete=models.CASCADE, related_name="signup_questions", verbose_name="groupe"
    )
    label = models.CharField("question", max_length=300)
    required = models.BooleanField("réponse obligatoire", default=False)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "question d'inscription"
        verbose_name_plural = "questions d'inscription"
        ordering = ["space", "position", "pk"]

    def __str__(self):
        return self.label


class SignupStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"


class SignupRequest(JournaledModel):
    """A professional's request to join a regional group, from its public form."""

    space = models.ForeignKey(
        DiscussionSpace, on_delete=models.CASCADE, related_name="signup_requests", verbose_name="groupe"
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse électronique")
    profession = models.CharField("profession", max_length=100)
    rpps = models.CharField("RPPS", max_length=11, blank=True)
    practice_commune = models.CharField("commune d'exercice", max_length=100, blank=True)
    cpts_name = models.CharField("CPTS d'exercice", max_length=150, blank=True)
    # {question id (text): answer}
    answers = models.JSONField("réponses", default=dict, blank=True)
    status = models.CharField("état", max_length=10, choices=SignupStatus.choices, default=SignupStatus.PENDING)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="compte"
    )
    created_at = models.DateTimeField("reçue le", default=timezone.now)

    workflow = Workflow(
        log="discussions.SignupEvent",
        subject="Cette demande d'inscription",
        final=[SignupStatus.ACCEPTED, SignupStatus.REFUSED],
        transitions=[
            Transition("accept", source=SignupStatus.PENDING, target=SignupStatus.ACCEPTED),
            Transition("refuse", source=SignupStatus.PENDING, target=SignupStatus.REFUSED),
        ],
    )

    class Meta:
        verbose_name = "demande d'inscription à un groupe"
        verbose_name_plural = "demandes d'inscription aux groupes"
        ordering = ["space", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "email"],
                condition=Q(status=SignupStatus.PENDING),
                name="one_pending_signup_per_address_and_group",
            )
        ]

    def __str__(self):
        return f"Demande n° {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


SignupEvent = transition_log(
    SignupRequest, "décision sur une demande d'inscription", "décisions sur les demandes d'inscription"
)
