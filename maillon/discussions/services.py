"""Writes on discussion spaces: the spaces of a CPTS, groups, topics and messages, read state,
moderation, sign-ups. Rights are asked to `policies` by the pages and the API before calling;
these functions keep the domain's rules (a muted person does not write, a message holds no
NIR, a retried sending keeps one message) whoever calls them."""

import dataclasses
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from maillon.contracts.selectors import current_contract
from maillon.core import journal
from maillon.core.identifiers import is_valid_rpps
from maillon.core.missions import SOCLE, Mission, short_label
from maillon.core.models import CptsRole, User
from maillon.core.notifications.sending import on_commit
from maillon.core.uploads import check_document
from maillon.territories.models import normalize_name

from . import health_data, policies, selectors
from .models import (
    CPTS_WIDE_KINDS,
    Attachment,
    DiscussionSpace,
    HealthDataRefusal,
    Mention,
    Message,
    NotifyLevel,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    SignupQuestion,
    SignupRequest,
    SpaceKind,
    Topic,
    TopicRead,
)

MEMBERS_SPACE_NAME = "Tous les adhérents"
# The public sign-up's attempts per address, counted once for the page and the API.
SIGNUP_THROTTLE_SCOPE = "discussions_signup"
MAX_ATTACHMENTS = 5
# Extension → the bytes such a file starts with (Office and OpenDocument files are zip archives).
ATTACHMENT_SIGNATURES = {
    ".pdf": b"%PDF",
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".docx": b"PK\x03\x04",
    ".xlsx": b"PK\x03\x04",
    ".odt": b"PK\x03\x04",
    ".ods": b"PK\x03\x04",
}
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
ATTACHMENT_FORMATS = "seuls les fichiers PDF, PNG, JPEG, DOCX, XLSX, ODT et ODS sont acceptés."


def searchable(text: str) -> str:
    return normalize_name(text or "")


# --- Spaces ---


def missions_run_by(cpts) -> list[int]:
    """The missions of the ACI in force (before any contract, the four socle missions)."""
    contract = current_contract(cpts)
    if contract is None:
        return list(SOCLE)
    return contract.state_on(timezone.localdate()).mission_numbers or list(SOCLE)


@transaction.atomic
def ensure_cpts_spaces(cpts) -> None:
    """The space of all members and one per mission the CPTS runs, created once (a mission
    later removed from the contract keeps its space and history)."""
    if cpts.is_dissolved:
        return
    existing = set(
        DiscussionSpace.objects.for_cpts(cpts).filter(kind__in=CPTS_WIDE_KINDS).values_list("kind", "mission")
    )
    wanted = [(SpaceKind.MEMBERS, None, MEMBERS_SPACE_NAME, "Les échanges de toute la CPTS.")]
    wanted += [
        (SpaceKind.MISSION, mission, short_label(mission), f"Les échanges de la mission {Mission(mission).label}.")
        for mission in missions_run_by(cpts)
    ]
    for kind, mission, name, description in wanted:
        if (kind, mission) not in existing:
            try:
                with transaction.atomic():
                    DiscussionSpace.objects.create(
                        cpts=cpts, kind=kind, mission=mission, name=name, description=description
                    )
            except IntegrityError:
                pass  # created meanwhile by another request


def one_line(text: str) -> str:
    """A name or a title on one line (it goes into e-mail subjects, where a line break is refused)."""
    return " ".join((text or "").split())


def _check_name(name: str) -> str:
    name = one_line(name)
    if not name:
        raise ValidationError({"name": "Nom : indiquez le nom de l'espace."})
    return name


@transaction.atomic
def create_working_group(cpts, *, name, description="", users=(), by) -> DiscussionSpace:
    space = DiscussionSpace.objects.create(
        cpts=cpts,
        kind=SpaceKind.WORKING_GROUP,
        name=_check_name(name),
        description=description or "",
        created_by=by,
    )
    set_working_group_people(space, users=[by, *users], by=by)
    return space


def set_working_group_people(space, *, users, by) -> None:
    """The working group's participants are exactly `users` (people with a role in its CPTS):
    newcomers join, the others leave (their row removed, a coordinator's kept; their messages stay)."""
    allowed = set(CptsRole.objects.for_cpts(space.cpts).values_list("user_id", flat=True))
    wanted = {user.pk for user in users if user is not None}
    strangers = wanted - allowed
    if strangers:
        raise ValidationError({"users": "Participants : seules les personnes de la CPTS peuvent rejoindre le groupe."})
    current = set(space.participants.filter(is_member=True).values_list("user_id", flat=True))
    with journal.acting_as(by):
        for user_id in wanted - current:
            join(space, User.objects.get(pk=user_id), notify=NotifyLevel.ALL)
        # A coordinator reads the group as a host: their row (their choice of messages) stays,
        # no longer a place in the group.
        coordinators = CptsRole.objects.for_cpts(space.cpts).filter(role="coordinator").values("user_id")
        leaving = space.participants.filter(user_id__in=current - wanted)
        leaving.filter(user_id__in=coordinators).update(is_member=False)
        for participant in leaving.exclude(user_id__in=coordinators):
            participant.delete()


@transaction.atomic
def create_regional_group(organisation, *, name, description="", questions=(), by) -> DiscussionSpace:
    """A group the organisation hosts; its creator (a manager) joins as its first pilot.
    `questions`: (label, required) pairs of the public sign-up form."""
    space = DiscussionSpace.objects.create(
        organisation=organisation,
        kind=SpaceKind.REGIONAL_GROUP,
        name=_check_name(name),
        description=description or "",
        created_by=by,
        signup_open=True,
    )
    set_signup_questions(space, questions)
    join(space, by, role=ParticipantRole.PILOT, notify=NotifyLevel.ALL)
    return space


@transaction.atomic
def update_space(space, *, name, description, by, signup_open=None, questions=None, users=None) -> DiscussionSpace:
    """The settings page's one write: name and description; a regional group's sign-up
    (questions rewritten only when they change: pending answers keep their questions); a
    working group's people."""
    with journal.acting_as(by):
        space.name, space.description = _check_name(name), description or ""
        fields = ["name", "description"]
        if space.is_regional and signup_open is not None:
            space.signup_open = signup_open
            fields.append("signup_open")
        space.save(update_fields=fields)
    if space.is_regional and questions is not None:
        current = [(question.label, question.required) for question in space.signup_questions.all()]
        if list(questions) != current:
            set_signup_questions(space, questions)
    if space.kind == SpaceKind.WORKING_GROUP and users is not None:
        set_working_group_people(space, users=users, by=by)
    return space


@transaction.atomic
def set_visio(space, *, by, **series_fields):
    """The group's recurring visio created or changed, and attached to the space, in one transaction."""
    from maillon.meetings import services as meeting_services

    saved = meeting_services.save_series(space.visio, by=by, **series_fields)
    if space.visio_id != saved.pk:
        with journal.acting_as(by):
            space.visio = saved
            space.save(update_fields=["visio"])
    return saved


def set_signup_questions(space, questions) -> None:
    space.signup_questions.all().delete()
    SignupQuestion.objects.bulk_create(
        SignupQuestion(space=space, label=label.strip()[:300], required=bool(required), position=index)
        for index, (label, required) in enumerate(questions)
        if label and label.strip()
    )


def _last_message_id(space) -> int:
    return space.messages.aggregate(last=Max("id"))["last"] or 0


def join(space, user, *, role=ParticipantRole.PARTICIPANT, notify=None, member=True) -> Participant:
    """The user's row in the space, created on first need; what was written before counts as read.

    In a working or regional group a row is a place in the group unless made with `member=False`:
    a host's own row (they wrote, chose how to be told: `_write`, `set_notify_level`, the
    unsubscribe link) keeps their read state and choice, never their access once they stop
    being a host. A row is never lowered from member by this function."""
    default = selectors.default_level(space)
    is_member = member or space.kind in CPTS_WIDE_KINDS
    try:
        with transaction.atomic():
            place, created = Participant.objects.get_or_create(
                space=space,
                user=user,
                defaults={
                    "role": role,
                    "notify": notify or default,
                    "read_floor": _last_message_id(space),
                    "is_member": is_member,
                },
            )
    except IntegrityError:  # joined meanwhile
        place, created = Participant.objects.get(space=space, user=user), False
    changed = []
    if not created and role != ParticipantRole.PARTICIPANT and place.role != role:
        place.role = role
        changed.append("role")
    if not created and is_member and not place.is_member:
        place.is_member = True
        changed.append("is_member")
    if changed:
        place.save(update_fields=changed)
    policies.forget_place(user, space)
    return place


def set_role(participant, *, role, by) -> Participant:
    if role not in ParticipantRole.values:
        raise ValidationError({"role": "Rôle : rôle inconnu."})
    with journal.acting_as(by):
        participant.role = role
        participant.save(update_fields=["role"])
    return participant


def set_notify_level(space, user, level) -> Participant:
    if level not in NotifyLevel.values:
        raise ValidationError({"notify": "Me prévenir : choix inconnu."})
    if not policies.can_read(user, space):
        # A row in a group is a place in it: never created for someone who does not read it.
        raise ValidationError({"notify": "Me prévenir : vous ne lisez pas cet espace."})
    place = join(space, user, member=False)  # a host without a row gets one, not a place
    place.notify = level
    place.save(update_fields=["notify"])
    return place


@transaction.atomic
def archive(space, *, by) -> None:
    with journal.acting_as(by):
        DiscussionSpace.objects.filter(pk=space.pk, archived_at__isnull=True).update(archived_at=timezone.now())
        journal.record(journal.Action.UPDATE, space, fields=["archived_at"], actor=by)
    space.refresh_from_db()


# --- Messages ---


def readers(space):
    """The accounts that read the space (for mentions and notifications)."""
    removed = space.participants.filter(status=ParticipantStatus.REMOVED).values("user_id")
    if space.kind in CPTS_WIDE_KINDS:
        users = User.objects.filter(cpts_roles__cpts=space.cpts_id)
    elif space.cpts_id:
        # Its participants still in the CPTS, and the coordinators (one filter: one role row).
        users = User.objects.filter(
            Q(cpts_roles__cpts=space.cpts_id)
            & (Q(discussion_places__space=space, discussion_places__is_member=True) | Q(cpts_roles__role="coordinator"))
        )
    else:
        users = User.objects.filter(
            Q(discussion_places__space=space, discussion_places__is_member=True)
            | Q(organisations__organisation=space.organisation_id, organisations__role="manager")
        )
    return users.filter(is_active=True).exclude(pk__in=removed).distinct()


_MENTION = re.compile(r"@([^\s@,;:!?()]+(?:[ \u00a0][^\s@,;:!?()]+){0,3})")


def mentioned_in(body: str, space) -> list[int]:
    """The readers named « @Prénom Nom » in the text (accents and case ignored)."""
    if "@" not in body:
        return []
    # Each « @… » read on its own: « @Anne @Martin » names neither Anne Martin nor anyone else.
    written = [f" {_words(match.group(1))} " for match in _MENTION.finditer(body)]
    found = []
    for user_id, first, last in readers(space).values_list("pk", "first_name", "last_name"):
        name = _words(f"{first} {last}")
        if name and any(f" {name} " in words for words in written):
            found.append(user_id)
    return found


def _words(text: str) -> str:
    """The words of a name, without accents, case or punctuation (« @Paul Martin. » names Paul Martin)."""
    return " ".join(re.sub(r"[^\w]+", " ", searchable(text)).split())


def check_body(body: str, space, by) -> str:
    """The text, stripped; refuses an empty or too long one, and one holding a NIR or an INS
    (the refusal counted and journaled, the text never kept)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Message : écrivez votre message."})
    limit = settings.MAILLON_DISCUSSION_MAX_CHARACTERS
    if len(body) > limit:
        raise ValidationError({"body": f"Message : {limit} caractères au plus (il en a {len(body)})."})
    refuse_patient_identifier(body, space, by)
    return body


def refuse_patient_identifier(text: str, space, by, *, field="body", label="Message") -> None:
    """Refuses a text holding a NIR or an INS (a topic's title, a file's name: `field`, `label`);
    the refusal counted and journaled, the text never kept. Call it outside a transaction that
    the refusal rolls back (the services check before theirs): the count is kept."""
    if not health_data.holds_patient_identifier(text):
        return
    with transaction.atomic():
        refusal = HealthDataRefusal.objects.create(space=space, user=by)
        journal.record(journal.Action.CREATE, refusal, actor=by, cpts_id=space.cpts_id, note="identifiant de patient")
    raise ValidationError({field: f"{label} : {health_data.REASON}"})


def check_attachments(files, space=None, by=None) -> list:
    """Their number, type, size and content; with `space`, a name holding a NIR or an INS is
    refused (the name is shown in the thread)."""
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": f"Pièces jointes : {MAX_ATTACHMENTS} fichiers au plus."})
    for index, upload in enumerate(files, start=1):
        if space is not None:
            # Named by its rank, not its name: the refusal must not show the number back.
            refuse_patient_identifier(upload.name, space, by, field="files", label=f"Pièce jointe n° {index}")
        check_document(
            upload,
            label=f"Pièce jointe « {upload.name} »",
            signatures=ATTACHMENT_SIGNATURES,
            formats=ATTACHMENT_FORMATS,
            max_bytes=settings.MAILLON_IMPORT_MAX_BYTES,
        )
    return files


def _check_can_write(space, by) -> None:
    if not policies.can_post(by, space):
        if policies.is_muted(by, space):
            raise ValidationError({"body": "Message : la modération vous a réduit au silence dans cet espace."})
        raise ValidationError({"body": "Message : cet espace n'accepte plus de messages."})


def start_topic(space, *, title, body, by, files=(), client_id=None) -> Message:
    """A new topic and its first message. (Checked before the transaction: a refused text's
    count is kept.) Sent twice with the same `client_id` (a retry), one topic is opened: the
    second call returns the first message."""
    if client_id:
        existing = Message.objects.filter(author=by, client_id=client_id).first()
        if existing is not None:
            return existing
    title = one_line(title)
    if not title:
        raise ValidationError({"title": "Sujet : indiquez le sujet."})
    _check_can_write(space, by)
    refuse_patient_identifier(title, space, by, field="title", label="Sujet")
    body = check_body(body, space, by)
    files = check_attachments(files, space, by)
    try:
        with transaction.atomic():
            topic = Topic.objects.create(space=space, title=title[:120], created_by=by)
            return _write(topic, body, by, files, client_id)
    except IntegrityError:
        # Sent twice at once: the other request opened the topic (this one's is rolled back).
        existing = Message.objects.filter(author=by, client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return existing


def post_message(topic, *, body, by, files=(), client_id=None) -> Message:
    """A reply. Sent twice with the same `client_id` (a retry), it is written once: the second
    call returns the first message."""
    if client_id:
        existing = Message.objects.filter(author=by, client_id=client_id).first()
        if existing is not None:
            return existing
    _check_can_write(topic.space, by)
    body = check_body(body, topic.space, by)
    files = check_attachments(files, topic.space, by)
    try:
        with transaction.atomic():
            return _write(topic, body, by, files, client_id)
    except IntegrityError:
        existing = Message.objects.filter(author=by, client_id=client_id).first() if client_id else None
        if existing is None:
            raise
        return existing


def _write(topic, body, by, files, client_id) -> Message:
    space = topic.space
    fields = {"client_id": client_id} if client_id else {}
    # Writers queue on the topic's row first, then read the clock: the last to write holds the
    # latest time, so `last_message_at` is always the newest message's (no older time written last).
    list(Topic.objects.select_for_update().filter(pk=topic.pk).values_list("pk", flat=True))
    now = timezone.now()
    message = Message.objects.create(
        topic=topic, space=space, author=by, body=body, search_text=searchable(body), created_at=now, **fields
    )
    # One conditional UPDATE: concurrent writers serialise on the topic's row, none is lost.
    Topic.objects.filter(pk=topic.pk).update(last_message_at=now, message_count=F("message_count") + 1)
    for upload in files:
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower()
        Attachment.objects.create(
            message=message,
            file=upload,
            name=upload.name[:200],
            content_type=ATTACHMENT_TYPES[suffix],
            size=upload.size,
        )
    Mention.objects.bulk_create(
        [Mention(message=message, user_id=user_id) for user_id in mentioned_in(body, space) if user_id != by.pk],
        ignore_conflicts=True,
    )
    join(space, by, member=False)  # a writer without a row is a host: a row, not a place
    mark_read(topic, by, message.pk)
    from . import notifications  # it reads this module's readers()

    on_commit(notifications.send_message, message.pk)
    return message


def _late(verb: str) -> str:
    minutes = settings.MAILLON_DISCUSSION_EDIT_MINUTES
    return f"Message : il ne se {verb} que par son auteur, dans les {minutes} minutes après son envoi."


def edit_message(message, *, body, by) -> Message:
    if not policies.can_edit_message(by, message):
        raise ValidationError({"body": _late("modifie")})
    body = check_body(body, message.space, by)
    with transaction.atomic():
        return _rewrite(message, body, by)


def _rewrite(message, body, by) -> Message:
    message.body = body
    message.search_text = searchable(body)
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "search_text", "edited_at"])
    # A name added by the edit is a mention (counted on the home page); no second e-mail.
    Mention.objects.bulk_create(
        [
            Mention(message=message, user_id=user_id)
            for user_id in mentioned_in(body, message.space)
            if user_id != by.pk
        ],
        ignore_conflicts=True,
    )
    return message


@transaction.atomic
def delete_message(message, *, by) -> Message:
    """The author takes their message back: its text and files are erased, its place in the
    thread says « message supprimé »."""
    if not policies.can_delete_message(by, message):
        raise ValidationError({"status": _late("supprime")})
    files = [attachment.file.name for attachment in message.attachments.all()]
    message.attachments.all().delete()
    # The files go once the deletion is committed: a refused transition keeps them with their rows.
    storage = Attachment._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
    message.mentions.all().delete()
    message.workflow.run(message, "delete", by=by, changes={"body": "", "search_text": ""})
    return message


@transaction.atomic
def hide_message(message, *, by, note="") -> Message:
    message.workflow.run(message, "hide", by=by, note=note)
    return message


@transaction.atomic
def unhide_message(message, *, by, note="") -> Message:
    message.workflow.run(message, "unhide", by=by, note=note)
    return message


def pin_topic(topic, *, by) -> Topic:
    with journal.acting_as(by):
        topic.pinned_at, topic.pinned_by = timezone.now(), by
        topic.save(update_fields=["pinned_at", "pinned_by"])
    return topic


def unpin_topic(topic, *, by) -> Topic:
    with journal.acting_as(by):
        topic.pinned_at, topic.pinned_by = None, None
        topic.save(update_fields=["pinned_at", "pinned_by"])
    return topic


# --- Read state ---


def mark_read(topic, user, up_to: int) -> None:
    """The user read the topic up to message `up_to`: never backwards; their mentions there are read."""
    updated = TopicRead.objects.filter(topic=topic, user=user, last_read_id__lt=up_to).update(last_read_id=up_to)
    if not updated and not TopicRead.objects.filter(topic=topic, user=user).exists():
        try:
            with transaction.atomic():
                TopicRead.objects.create(topic=topic, user=user, last_read_id=up_to)
        except IntegrityError:
            TopicRead.objects.filter(topic=topic, user=user, last_read_id__lt=up_to).update(last_read_id=up_to)
    Mention.objects.filter(user=user, read_at__isnull=True, message__topic=topic, message_id__lte=up_to).update(
        read_at=timezone.now()
    )


# --- Moderation of people ---


def _moderate(participant, transition, *, by, note):
    with transaction.atomic():
        participant.workflow.run(participant, transition, by=by, note=note)
    policies.forget_place(participant.user, participant.space)
    return participant


def mute(participant, *, by, note=""):
    return _moderate(participant, "mute", by=by, note=note)


def unmute(participant, *, by, note=""):
    return _moderate(participant, "unmute", by=by, note=note)


def remove(participant, *, by, note=""):
    return _moderate(participant, "remove", by=by, note=note)


def reinstate(participant, *, by, note=""):
    return _moderate(participant, "reinstate", by=by, note=note)


def place_for_moderation(space, user) -> Participant:
    """The row a moderator acts on (a member of a CPTS-wide space may have none yet)."""
    return join(space, user)


# --- Sign-ups to a regional group ---


@dataclasses.dataclass
class SignupForm:
    first_name: str
    last_name: str
    email: str
    profession: str
    rpps: str = ""
    practice_commune: str = ""
    cpts_name: str = ""
    answers: dict = dataclasses.field(default_factory=dict)


def submit_signup(space, form: SignupForm) -> SignupRequest:
    """The public form's request. While a request from the same address waits, a second one
    changes nothing (whoever typed someone else's address cannot rewrite their request) and the
    sender is told the same thing either way."""
    if not space.is_regional or not space.signup_open or space.is_archived:
        raise ValidationError({"space": "Ce groupe ne prend pas d'inscriptions."})
    rpps = "".join((form.rpps or "").split())
    if rpps and not is_valid_rpps(rpps):
        raise ValidationError({"rpps": "Numéro RPPS : 11 chiffres dont le dernier est une clé de contrôle."})
    answers = {}
    for question in space.signup_questions.all():
        answer = (form.answers.get(str(question.pk)) or "").strip()
        if question.required and not answer:
            raise ValidationError({f"question_{question.pk}": f"{question.label} : répondez à cette question."})
        refuse_patient_identifier(answer, space, None, field=f"question_{question.pk}", label=question.label)
        answers[str(question.pk)] = answer[:2000]
    values = {field.name: getattr(form, field.name) for field in dataclasses.fields(form) if field.name != "answers"}
    values["email"] = User.objects.normalize_email(values["email"]).strip().lower()
    values["rpps"] = rpps
    with transaction.atomic():
        waiting = (
            SignupRequest.objects.select_for_update()
            .filter(space=space, email__iexact=values["email"], status="pending")
            .first()
        )
        if waiting is not None:
            return waiting
        request = SignupRequest(space=space, answers=answers, **values)
        request.full_clean(exclude=["space", "user", "status"])
        try:
            with transaction.atomic():
                request.save()
        except IntegrityError:  # the same address sent at the same moment: the first one stands
            return SignupRequest.objects.get(space=space, email__iexact=values["email"], status="pending")
    from . import notifications

    on_commit(notifications.send_signup_received, request.pk)
    return request


@transaction.atomic
def accept_signup(request: SignupRequest, *, by) -> Participant:
    """The person joins the group: their account (created without a password when they have
    none, with a link to set it), their row in the space."""
    request.workflow.check(request, "accept")
    user = User.objects.select_for_update().filter(email__iexact=request.email).first()
    created = user is None
    if created:
        user = User.objects.create_user(request.email, first_name=request.first_name, last_name=request.last_name)
    elif not user.is_active:
        raise ValidationError({"email": "Ce compte est désactivé : contactez l'administration de la plateforme."})
    request.workflow.run(request, "accept", by=by, changes={"user": user})
    place = join(request.space, user, notify=NotifyLevel.ALL)
    if place.status == ParticipantStatus.REMOVED:
        reinstate(place, by=by, note="inscription acceptée")
    from . import notifications

    on_commit(notifications.send_signup_accepted, request.pk, not user.has_usable_password())
    return place


@transaction.atomic
def refuse_signup(request: SignupRequest, *, by, note="") -> SignupRequest:
    request.workflow.run(request, "refuse", by=by, note=note)
    from . import notifications

    on_commit(notifications.send_signup_refused, request.pk)
    return request


@transaction.atomic
def add_participant(space, *, email, role=ParticipantRole.PARTICIPANT, by) -> Participant:
    """A manager adds someone with an account (a pilot, a moderator…) without the form."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"email": "Adresse électronique : aucun compte actif n'a cette adresse."})
    place = join(space, user, role=role)
    if place.status == ParticipantStatus.REMOVED:
        reinstate(place, by=by, note="ajouté par la gestion du groupe")
    return place
