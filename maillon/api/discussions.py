"""Discussion spaces (« espaces de discussion »): the spaces a person reads, a CPTS's spaces and
its working groups, topics and their messages (with the read state), search, moderation of
messages and people, and the regional groups' public list and sign-ups (docs/api.md).

Who: the rules of maillon/discussions/policies.py, the ones the pages ask too; writes through
maillon/discussions/services.py. A space, topic, message, participant or sign-up the caller
may not read answers 404, as for what does not exist; reading without the right to act, 403.
A refusal of the domain naming a field of the body answers 422 on that field (a message holding
a NIR or an INS included: « Message : … », the refusal counted, the text not kept); a
transition the state does not allow, 409 with the state.

Read state: reading a topic's messages (`GET …/topics/{topic_id}/messages`) marks them read up
to the last one returned; the answer gives what was unread before (`unread`, `last_read_id`).

The public operations (`auth=None`) give no personal data: the groups open to sign-up with
their questions; a sign-up answers 202 and the same sentence whatever happened (no oracle on
an address). A group's sign-ups (names, addresses, answers) go to its pilot team and the
managers of its organisation alone, each one shown journaled (field names only).
"""

import datetime
import uuid
from typing import Annotated, Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import F
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core import throttle
from maillon.core.models import User
from maillon.core.policies import has_cpts_role
from maillon.discussions import policies, services
from maillon.discussions.models import (
    DiscussionSpace,
    Message,
    MessageStatus,
    Participant,
    SignupRequest,
    SignupStatus,
    Topic,
    TopicRead,
)
from maillon.discussions.selectors import journal_signup_reads, search_messages, unread_by, unread_in_topic

from .common import CptsRouter, PageNumber, cpts_or_404, first_or_404, page_of, page_size
from .errors import InvalidField, refusals_as_409
from .presenters import cpts_ref
from .schemas import READ_ERRORS, ConflictOut, CptsRefOut, MessageOut, Text200, ValidationErrorOut

router = CptsRouter(tags=["Espaces de discussion"], read_errors=READ_ERRORS)

PAGE_SIZE = 50
PageSize = page_size(100)
MESSAGES_LIMIT = 50

SPACE_NOT_FOUND = "Espace de discussion introuvable."
TOPIC_NOT_FOUND = "Sujet introuvable."
MESSAGE_NOT_FOUND = "Message introuvable."
PARTICIPANT_NOT_FOUND = "Participant introuvable."
SIGNUP_NOT_FOUND = "Demande d'inscription introuvable."
SIGNUPS_NOT_FOUND = "Inscriptions introuvables : seuls les groupes régionaux en reçoivent."
GROUP_NOT_FOUND = "Groupe introuvable ou fermé aux inscriptions."
COORDINATORS_ONLY = "Groupes de travail : seuls les coordinateurs de cette CPTS en créent."
MUTED = "Message : la modération vous a réduit au silence dans cet espace."
CLOSED = "Message : cet espace n'accepte plus de messages."
NOT_AUTHOR = "Message : seul son auteur le modifie ou le supprime."
NOT_EDITABLE = "Message : il est masqué ou supprimé, il ne se modifie plus."
MODERATORS_ONLY = "Modération : seuls les modérateurs de cet espace masquent un message ou agissent sur une personne."
REVIEWERS_ONLY = "Inscriptions : seules l'équipe pilote du groupe et les gestionnaires de son organisation les voient."
NOT_MODERATED = (
    "Modération : on n'agit ni sur soi-même, ni sur qui accueille l'espace ; "
    "un modérateur n'agit pas sur un autre modérateur."
)
UNKNOWN_PEOPLE = "Participants : compte inconnu."
CLIENT_ID_TAKEN = "Identifiant d'envoi : il a déjà servi pour un message d'un autre sujet."
JSON_ONLY = "Envoyez le corps en JSON (Content-Type: application/json)."
# The count of the public page's form too (www/organisations_views): one budget per address.
THROTTLE_SCOPE = services.SIGNUP_THROTTLE_SCOPE
TOO_MANY = (
    "Trop de demandes d'inscription ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure."
)
SIGNUP_RECEIVED = (
    "Votre demande d'inscription est enregistrée. L'équipe du groupe l'examine ; un message vous dit sa "
    "réponse : vérifiez votre messagerie."
)


SignupStatusCode = Literal[tuple(SignupStatus.values)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
# The domain counts the characters (MAILLON_DISCUSSION_MAX_CHARACTERS) and says so in French;
# this bound only keeps an absurd body out.
Body = Annotated[str, StringConstraints(max_length=200_000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


# --- Schemas -------------------------------------------------------------------------------


class DiscussionOrganisationRefOut(Schema):
    id: int
    name: str
    scope_label: str = Field(description="Le nom de sa région, ou « France entière ».")


class DiscussionPersonRefOut(Schema):
    id: int
    name: str


class DiscussionSpaceOut(Schema):
    id: int
    name: str
    description: str
    kind: str = Field(description="members, mission, working_group ou regional_group.")
    kind_label: str
    mission: int | None
    mission_label: str
    cpts: CptsRefOut | None = Field(description="La CPTS de l'espace ; null pour un groupe régional.")
    organisation: DiscussionOrganisationRefOut | None = Field(description="L'hôte d'un groupe régional.")
    signup_open: bool
    archived: bool
    unread: int = Field(description="Messages non lus (les vôtres exceptés).")
    notify: str | None = Field(description="all, mentions, digest ou none ; null avant votre première visite.")
    muted: bool = Field(description="La modération vous a réduit au silence dans cet espace.")


class DiscussionSpacePageOut(Schema):
    items: list[DiscussionSpaceOut]
    count: int


class DiscussionSpaceDetailOut(DiscussionSpaceOut):
    role: str | None = Field(description="participant, moderator ou pilot ; null sans place dans l'espace.")
    can_post: bool
    can_moderate: bool
    can_manage: bool
    can_review_signups: bool


class DiscussionWorkingGroupIn(Schema):
    name: Name
    description: Description = ""
    user_ids: list[int] = Field(
        default_factory=list,
        max_length=500,
        description="Les comptes des personnes de la CPTS qui y participent (vous y êtes d'office).",
    )


class DiscussionTopicOut(Schema):
    id: int
    space_id: int
    title: str
    created_by: DiscussionPersonRefOut | None
    created_at: datetime.datetime
    last_message_at: datetime.datetime
    message_count: int
    pinned: bool
    pinned_at: datetime.datetime | None
    unread: int


class DiscussionTopicPageOut(Schema):
    items: list[DiscussionTopicOut]
    count: int


class DiscussionAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(description="Octets.")


class DiscussionMessageOut(Schema):
    id: int
    topic_id: int
    space_id: int
    author: DiscussionPersonRefOut | None
    body: str = Field(description="Vide pour un message supprimé, et masqué pour qui ne modère pas l'espace.")
    status: str = Field(description="visible, hidden (masqué par la modération) ou deleted (par son auteur).")
    status_label: str
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    editable_until: datetime.datetime
    can_edit: bool = Field(description="Vous pouvez le modifier ou le supprimer (son auteur, dans le délai).")
    client_id: uuid.UUID | None = Field(description="Votre identifiant d'envoi ; null pour le message d'un autre.")
    attachments: list[DiscussionAttachmentOut]


class DiscussionMessagePageOut(Schema):
    items: list[DiscussionMessageOut]
    count: int = Field(description="Tous les messages du sujet.")
    unread: int = Field(description="Messages du sujet non lus avant cette lecture (les vôtres exceptés).")
    last_read_id: int = Field(description="Le dernier message lu avant cette lecture (0 : aucun).")
    has_older: bool = Field(description="Des messages plus anciens que le premier rendu existent (`before`).")


class DiscussionTopicIn(Schema):
    title: Name
    body: Body
    client_id: uuid.UUID | None = Field(
        None, description="Votre identifiant de l'envoi : renvoyé (une reprise), le même sujet est rendu (200)."
    )


class DiscussionTopicCreatedOut(Schema):
    topic: DiscussionTopicOut
    message: DiscussionMessageOut


class DiscussionMessageIn(Schema):
    body: Body
    client_id: uuid.UUID | None = Field(
        None, description="Votre identifiant de l'envoi : renvoyé (une reprise), le même message est rendu (200)."
    )


class DiscussionMessagePatchIn(Schema):
    body: Body


class DiscussionNoteIn(Schema):
    note: Text200 = Field("", description="Le motif, inscrit au registre de modération.")


class DiscussionTopicRefOut(Schema):
    id: int
    title: str


class DiscussionSpaceRefOut(Schema):
    id: int
    name: str


class DiscussionSearchHitOut(Schema):
    id: int
    topic: DiscussionTopicRefOut
    space: DiscussionSpaceRefOut
    author: DiscussionPersonRefOut | None
    body: str
    created_at: datetime.datetime


class DiscussionSearchPageOut(Schema):
    items: list[DiscussionSearchHitOut]
    count: int


class DiscussionSignupQuestionOut(Schema):
    id: int
    label: str
    required: bool


class DiscussionGroupOut(Schema):
    id: int
    name: str
    description: str
    organisation: DiscussionOrganisationRefOut
    questions: list[DiscussionSignupQuestionOut]


class DiscussionGroupPageOut(Schema):
    items: list[DiscussionGroupOut]
    count: int


class DiscussionSignupIn(Schema):
    first_name: Short
    last_name: Short
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)]
    profession: Short
    rpps: Annotated[str, StringConstraints(strip_whitespace=True, max_length=11)] = ""
    practice_commune: Short = ""
    cpts_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)] = ""
    answers: dict[str, Annotated[str, StringConstraints(max_length=2000)]] = Field(
        default_factory=dict, description="{identifiant de la question (texte) : réponse}."
    )


class DiscussionSignupAnswerOut(Schema):
    question_id: int
    question: str
    answer: str


class DiscussionSignupOut(Schema):
    id: int
    space_id: int
    first_name: str
    last_name: str
    email: str
    profession: str
    rpps: str
    practice_commune: str
    cpts_name: str
    answers: list[DiscussionSignupAnswerOut]
    status: str = Field(description="pending, accepted ou refused.")
    status_label: str
    created_at: datetime.datetime


class DiscussionSignupPageOut(Schema):
    items: list[DiscussionSignupOut]
    count: int


class DiscussionParticipantOut(Schema):
    id: int
    space_id: int
    user: DiscussionPersonRefOut
    role: str = Field(description="participant, moderator ou pilot.")
    role_label: str
    status: str = Field(description="active, muted (réduit au silence) ou removed (retiré).")
    status_label: str
    joined_at: datetime.datetime


class DiscussionParticipantPageOut(Schema):
    items: list[DiscussionParticipantOut]
    count: int


# --- Read state ----------------------------------------------------------------------------


# --- Presenters ----------------------------------------------------------------------------


def person_ref(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or "Personne sans nom"}


def organisation_ref(organisation) -> dict | None:
    if organisation is None:
        return None
    return {"id": organisation.pk, "name": organisation.name, "scope_label": organisation.scope_label}


def space_dict(space, *, unread=0, place=None) -> dict:
    return {
        "id": space.pk,
        "name": space.name,
        "description": space.description,
        "kind": space.kind,
        "kind_label": space.get_kind_display(),
        "mission": space.mission,
        "mission_label": space.get_mission_display() if space.mission else "",
        "cpts": cpts_ref(space.cpts) if space.cpts_id else None,
        "organisation": organisation_ref(space.organisation) if space.organisation_id else None,
        "signup_open": space.signup_open,
        "archived": space.is_archived,
        "unread": unread,
        "notify": place.notify if place else None,
        "muted": place is not None and place.status == "muted",
    }


def space_detail(user, space) -> dict:
    place = policies.place_of(user, space)
    unread = unread_by(user, Message.objects.filter(space=space), "space_id").get(space.pk, 0)
    return {
        **space_dict(space, unread=unread, place=place),
        "role": place.role if place else None,
        "can_post": policies.can_post(user, space),
        "can_moderate": policies.can_moderate(user, space),
        "can_manage": policies.can_manage_space(user, space),
        "can_review_signups": policies.can_review_signups(user, space),
    }


def spaces_page(user, spaces, page, page_size) -> dict:
    shown, count = page_of(spaces.select_related("cpts", "organisation__region"), page, page_size)
    ids = [space.pk for space in shown]
    unread = unread_by(user, Message.objects.filter(space_id__in=ids), "space_id")
    places = {place.space_id: place for place in Participant.objects.filter(user=user, space_id__in=ids)}
    items = [space_dict(space, unread=unread.get(space.pk, 0), place=places.get(space.pk)) for space in shown]
    return {"items": items, "count": count}


def topic_dict(topic, *, unread=0) -> dict:
    return {
        "id": topic.pk,
        "space_id": topic.space_id,
        "title": topic.title,
        "created_by": person_ref(topic.created_by),
        "created_at": topic.created_at,
        "last_message_at": topic.last_message_at,
        "message_count": topic.message_count,
        "pinned": topic.pinned_at is not None,
        "pinned_at": topic.pinned_at,
        "unread": unread,
    }


def message_dict(user, message) -> dict:
    """A hidden message's text and files go to the moderation only, a deleted one's to nobody."""
    shown = policies.can_read_message_content(user, message)
    mine = message.author_id == user.pk
    return {
        "id": message.pk,
        "topic_id": message.topic_id,
        "space_id": message.space_id,
        "author": person_ref(message.author),
        "body": message.body if shown else "",
        "status": message.status,
        "status_label": message.get_status_display(),
        "created_at": message.created_at,
        "edited_at": message.edited_at,
        "editable_until": message.editable_until(),
        "can_edit": policies.can_edit_message(user, message),
        "client_id": message.client_id if mine else None,
        "attachments": [
            {
                "id": attachment.pk,
                "name": attachment.name,
                "content_type": attachment.content_type,
                "size": attachment.size,
            }
            for attachment in (message.attachments.all() if shown else ())
        ],
    }


def message_answer(user, message_id) -> dict:
    message = (
        Message.objects.select_related("author", "space__cpts", "space__organisation")
        .prefetch_related("attachments")
        .get(pk=message_id)
    )
    return message_dict(user, message)


def signup_dict(signup, questions) -> dict:
    answers = signup.answers or {}
    return {
        "id": signup.pk,
        "space_id": signup.space_id,
        "first_name": signup.first_name,
        "last_name": signup.last_name,
        "email": signup.email,
        "profession": signup.profession,
        "rpps": signup.rpps,
        "practice_commune": signup.practice_commune,
        "cpts_name": signup.cpts_name,
        "answers": [
            {"question_id": question.pk, "question": question.label, "answer": answers.get(str(question.pk), "")}
            for question in questions
        ],
        "status": signup.status,
        "status_label": signup.get_status_display(),
        "created_at": signup.created_at,
    }


def record_signups(signups, note):
    journal_signup_reads(signups, note=note)


def participant_dict(participant) -> dict:
    return {
        "id": participant.pk,
        "space_id": participant.space_id,
        "user": person_ref(participant.user),
        "role": participant.role,
        "role_label": participant.get_role_display(),
        "status": participant.status,
        "status_label": participant.get_status_display(),
        "joined_at": participant.joined_at,
    }


# --- Access --------------------------------------------------------------------------------


def readable_space(request, space_id) -> DiscussionSpace:
    """The space; 404, as for one that does not exist, unless the caller reads it."""
    spaces = DiscussionSpace.objects.select_related("cpts", "organisation__region").filter(pk=space_id)
    return first_or_404(spaces, SPACE_NOT_FOUND, request.auth, policies.can_read)


def readable_topic(request, topic_id) -> Topic:
    topic = first_or_404(
        Topic.objects.select_related("space__cpts", "space__organisation__region", "created_by").filter(pk=topic_id),
        TOPIC_NOT_FOUND,
    )
    if not policies.can_read(request.auth, topic.space):
        raise HttpError(404, TOPIC_NOT_FOUND)
    return topic


def readable_message(request, message_id) -> Message:
    message = first_or_404(
        Message.objects.select_related("space__cpts", "space__organisation", "author").filter(pk=message_id),
        MESSAGE_NOT_FOUND,
    )
    if not policies.can_read(request.auth, message.space):
        raise HttpError(404, MESSAGE_NOT_FOUND)
    return message


def ensure_can_post(user, space):
    if not policies.can_post(user, space):
        raise HttpError(403, MUTED if policies.is_muted(user, space) else CLOSED)


def ensure_moderator(user, space):
    if not policies.can_moderate(user, space):
        raise HttpError(403, MODERATORS_ONLY)


def cpts_of(request, cpts_id):
    """The CPTS; 404 without a role in it (its spaces are read by its people alone)."""
    return cpts_or_404(request, cpts_id, has_cpts_role)


# --- Spaces --------------------------------------------------------------------------------


@router.get("/discussions/spaces", response=DiscussionSpacePageOut, summary="Mes espaces de discussion")
def list_my_spaces(request, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Tous les espaces que vous lisez, de toutes vos CPTS et de vos groupes régionaux, avec vos
    messages non lus par espace ; les espaces archivés en dernier."""
    user = request.auth
    spaces = policies.readable_spaces(user).order_by(
        F("archived_at").asc(nulls_first=True), "cpts__name", "kind", "mission", "name", "pk"
    )
    return spaces_page(user, spaces, page, page_size)


@router.get("/discussions/spaces/{int:space_id}", response=DiscussionSpaceDetailOut, summary="Un espace de discussion")
def get_space(request, space_id: int):
    """L'espace, vos non-lus et vos droits (écrire, modérer, gérer, examiner les inscriptions)."""
    return space_detail(request.auth, readable_space(request, space_id))


class DiscussionNotifyIn(Schema):
    notify: Literal["all", "mentions", "digest", "none"] = Field(
        description="all (chaque message), mentions (seulement quand on vous mentionne), digest (un résumé "
        "quotidien par courriel) ou none (rien)."
    )


@router.put(
    "/discussions/spaces/{int:space_id}/notify",
    response=DiscussionSpaceDetailOut,
    summary="Choisir comment être prévenu des messages d'un espace",
)
def set_notify(request, space_id: int, payload: DiscussionNotifyIn):
    """Pour vous seul, dans cet espace ; les canaux (site, courriel) suivent vos préférences."""
    user = request.auth
    space = readable_space(request, space_id)
    with refusals_as_409("notify"):
        services.set_notify_level(space, user, payload.notify)
    policies.forget_place(user, space)
    return space_detail(user, space)


@router.get(
    "/cpts/{int:cpts_id}/discussions/spaces",
    response=DiscussionSpacePageOut,
    summary="Espaces de discussion d'une CPTS",
)
def list_cpts_spaces(request, cpts_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """L'espace de tous les adhérents, un par mission de l'ACI en vigueur (créés à la première
    lecture) et les groupes de travail que vous lisez. Toute personne qui a un rôle dans la CPTS."""
    user = request.auth
    cpts = cpts_of(request, cpts_id)
    services.ensure_cpts_spaces(cpts)
    spaces = (
        policies.readable_spaces(user)
        .filter(cpts=cpts)
        .order_by(F("archived_at").asc(nulls_first=True), "kind", "mission", "name", "pk")
    )
    return spaces_page(user, spaces, page, page_size)


@router.post(
    "/cpts/{int:cpts_id}/discussions/spaces",
    response={201: DiscussionSpaceDetailOut},
    summary="Créer un groupe de travail",
)
def create_working_group(request, cpts_id: int, payload: DiscussionWorkingGroupIn):
    """Un groupe de travail de la CPTS, lu par ses participants (des personnes de la CPTS) et
    les coordinateurs. Coordinateurs."""
    user = request.auth
    cpts = cpts_of(request, cpts_id)
    if not policies.can_create_working_group(user, cpts):
        raise HttpError(403, COORDINATORS_ONLY)
    wanted = set(payload.user_ids)
    users = list(User.objects.filter(pk__in=wanted))
    if len(users) != len(wanted):
        raise InvalidField("user_ids", [UNKNOWN_PEOPLE])
    with refusals_as_409("name", "description", "user_ids", renames={"users": "user_ids"}):
        space = services.create_working_group(
            cpts, name=payload.name, description=payload.description, users=users, by=user
        )
    policies.forget_place(user, space)
    return Status(201, space_detail(user, readable_space(request, space.pk)))


# --- Topics --------------------------------------------------------------------------------


@router.get("/discussions/spaces/{int:space_id}/topics", response=DiscussionTopicPageOut, summary="Sujets d'un espace")
def list_topics(request, space_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Les sujets épinglés d'abord, puis par dernier message ; vos non-lus par sujet."""
    user = request.auth
    space = readable_space(request, space_id)
    topics = Topic.objects.filter(space=space).select_related("created_by").by_activity()
    shown, count = page_of(topics, page, page_size)
    unread = unread_by(user, Message.objects.filter(topic_id__in=[topic.pk for topic in shown]), "topic_id")
    return {"items": [topic_dict(topic, unread=unread.get(topic.pk, 0)) for topic in shown], "count": count}


def created_answer(user, message, status) -> Status:
    topic = Topic.objects.select_related("created_by").get(pk=message.topic_id)
    return Status(status, {"topic": topic_dict(topic), "message": message_answer(user, message.pk)})


@router.post(
    "/discussions/spaces/{int:space_id}/topics",
    response={201: DiscussionTopicCreatedOut, 200: DiscussionTopicCreatedOut},
    summary="Ouvrir un sujet",
)
def create_topic(request, space_id: int, payload: DiscussionTopicIn):
    """Le sujet et son premier message (201). Renvoyé avec le même `client_id`, le même sujet
    est rendu (200), rien n'est écrit deux fois. Un message qui contient un NIR ou un INS est
    refusé (422 sur `body`). Réduit au silence, espace archivé : 403."""
    user = request.auth
    space = readable_space(request, space_id)
    ensure_can_post(user, space)
    if payload.client_id:
        existing = Message.objects.filter(author=user, client_id=payload.client_id).first()
        if existing is not None:
            if existing.space_id != space.pk:
                raise HttpError(409, CLIENT_ID_TAKEN)
            return created_answer(user, existing, 200)
    try:
        with refusals_as_409("title", "body"):
            message = services.start_topic(
                space, title=payload.title, body=payload.body, by=user, client_id=payload.client_id
            )
    except IntegrityError:
        # Sent twice at once: the other request wrote it.
        existing = Message.objects.filter(author=user, client_id=payload.client_id).first()
        if payload.client_id is None or existing is None:
            raise
        return created_answer(user, existing, 200)
    return created_answer(user, message, 201)


# --- Messages ------------------------------------------------------------------------------


@router.get(
    "/discussions/topics/{int:topic_id}/messages",
    response=DiscussionMessagePageOut,
    summary="Messages d'un sujet (et les marquer lus)",
)
def list_messages(
    request,
    topic_id: int,
    after: Annotated[int | None, Query(ge=0, description="Les messages après celui-ci (les nouveaux)")] = None,
    before: Annotated[int | None, Query(ge=0, description="Les messages avant celui-ci (les plus anciens)")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="100 au plus")] = MESSAGES_LIMIT,
):
    """Par ordre d'envoi. Sans paramètre : les `limit` derniers (50). `after` : les premiers
    après ce message (pour attendre les nouveaux) ; `before` : les derniers avant lui (pour
    remonter). Les messages rendus sont marqués lus (sauf si des messages non lus plus anciens
    restent à lire : les demander avec `after=last_read_id`) ; `unread` et `last_read_id` disent
    l'état d'avant cette lecture."""
    user = request.auth
    topic = readable_topic(request, topic_id)
    space = topic.space
    messages = topic.messages.select_related("author").prefetch_related("attachments")
    if after is not None:
        messages = messages.filter(pk__gt=after)
    if before is not None:
        messages = messages.filter(pk__lt=before)
    if after is not None and before is None:
        shown = list(messages.order_by("pk")[:limit])
    else:
        shown = list(messages.order_by("-pk")[:limit])[::-1]
    place = policies.place_of(user, space)
    seen = TopicRead.objects.filter(topic=topic, user=user).values_list("last_read_id", flat=True).first() or 0
    last_read = max(seen, place.read_floor if place else 0)
    unread = unread_in_topic(topic, user, place)
    has_older = bool(shown) and topic.messages.filter(pk__lt=shown[0].pk).exists()
    for message in shown:
        message.space, message.topic = space, topic
    items = [message_dict(user, message) for message in shown]
    # Read up to the last one returned, unless unread ones older than these were skipped.
    skipped = unread["first"] is not None and shown and unread["first"] < shown[0].pk
    if shown and shown[-1].pk > last_read and not skipped:
        services.mark_read(topic, user, shown[-1].pk)
    return {
        "items": items,
        "count": topic.messages.count(),
        "unread": unread["count"],
        "last_read_id": last_read,
        "has_older": has_older,
    }


@router.post(
    "/discussions/topics/{int:topic_id}/messages",
    response={201: DiscussionMessageOut, 200: DiscussionMessageOut},
    summary="Répondre dans un sujet",
)
def post_message(request, topic_id: int, payload: DiscussionMessageIn):
    """Le message (201). Renvoyé avec le même `client_id` (une reprise après une coupure), le
    même message est rendu (200), écrit une seule fois. « @Prénom Nom » mentionne une personne
    qui lit l'espace. Un message qui contient un NIR ou un INS est refusé (422 sur `body`, le
    refus compté, le texte non gardé). Réduit au silence, espace archivé : 403."""
    user = request.auth
    topic = readable_topic(request, topic_id)
    if payload.client_id:
        existing = Message.objects.filter(author=user, client_id=payload.client_id).first()
        if existing is not None:
            if existing.topic_id != topic.pk:
                raise HttpError(409, CLIENT_ID_TAKEN)
            return Status(200, message_answer(user, existing.pk))
    ensure_can_post(user, topic.space)
    with refusals_as_409("body"):
        message = services.post_message(topic, body=payload.body, by=user, client_id=payload.client_id)
    return Status(201, message_answer(user, message.pk))


@router.patch(
    "/discussions/messages/{int:message_id}",
    response={200: DiscussionMessageOut, 409: MessageOut},
    summary="Modifier son message",
)
def edit_message(request, message_id: int, payload: DiscussionMessagePatchIn):
    """Son auteur, dans les minutes qui suivent l'envoi (`editable_until`) ; après : 403. Un
    message masqué ou supprimé : 409."""
    user = request.auth
    message = readable_message(request, message_id)
    if message.author_id != user.pk:
        raise HttpError(403, NOT_AUTHOR)
    if message.status != MessageStatus.VISIBLE:
        raise HttpError(409, NOT_EDITABLE)
    if not policies.can_edit_message(user, message):
        raise HttpError(403, late("modifie"))
    with refusals_as_409("body"):
        services.edit_message(message, body=payload.body, by=user)
    return message_answer(user, message.pk)


def late(verb) -> str:
    minutes = settings.MAILLON_DISCUSSION_EDIT_MINUTES
    return f"Message : il ne se {verb} que dans les {minutes} minutes après son envoi."


@router.delete(
    "/discussions/messages/{int:message_id}",
    response={200: DiscussionMessageOut, 409: ConflictOut},
    summary="Supprimer son message",
)
def delete_message(request, message_id: int):
    """Son auteur, dans le délai : le texte et les pièces jointes sont effacés, sa place dans le
    sujet reste (« message supprimé »). Déjà supprimé ou masqué : 409 avec son état."""
    user = request.auth
    message = readable_message(request, message_id)
    if message.author_id != user.pk:
        raise HttpError(403, NOT_AUTHOR)
    if message.status != MessageStatus.VISIBLE:
        message.workflow.check(message, "delete")  # 409 with the state
    if not policies.can_delete_message(user, message):
        raise HttpError(403, late("supprime"))
    with refusals_as_409():
        services.delete_message(message, by=user)
    return message_answer(user, message.pk)


def moderate_message(request, message_id, act, note):
    user = request.auth
    message = readable_message(request, message_id)
    if not policies.can_hide_message(user, message):
        raise HttpError(403, MODERATORS_ONLY)
    with refusals_as_409():
        act(message, by=user, note=note)
    return message_answer(user, message.pk)


@router.post(
    "/discussions/messages/{int:message_id}/hide",
    response={200: DiscussionMessageOut, 409: ConflictOut},
    summary="Masquer un message (modération)",
)
def hide_message(request, message_id: int, payload: DiscussionNoteIn):
    """Le message n'est plus lu que par la modération ; l'acte et son motif vont au registre.
    Modérateurs de l'espace. Déjà masqué ou supprimé : 409 avec son état."""
    return moderate_message(request, message_id, services.hide_message, payload.note)


@router.post(
    "/discussions/messages/{int:message_id}/unhide",
    response={200: DiscussionMessageOut, 409: ConflictOut},
    summary="Afficher de nouveau un message (modération)",
)
def unhide_message(request, message_id: int, payload: DiscussionNoteIn):
    """Modérateurs de l'espace. Un message qui n'est pas masqué : 409 avec son état."""
    return moderate_message(request, message_id, services.unhide_message, payload.note)


def pin_action(request, topic_id, act):
    user = request.auth
    topic = readable_topic(request, topic_id)
    if not policies.can_pin_topic(user, topic):
        raise HttpError(403, MODERATORS_ONLY)
    act(topic, by=user)
    return topic_dict(topic, unread=unread_in_topic(topic, user, policies.place_of(user, topic.space))["count"])


@router.post("/discussions/topics/{int:topic_id}/pin", response=DiscussionTopicOut, summary="Épingler un sujet")
def pin_topic(request, topic_id: int):
    """En tête de son espace. La modération de l'espace ; les autres lecteurs : 403."""
    return pin_action(request, topic_id, services.pin_topic)


@router.post("/discussions/topics/{int:topic_id}/unpin", response=DiscussionTopicOut, summary="Détacher un sujet")
def unpin_topic(request, topic_id: int):
    """La modération de l'espace ; les autres lecteurs : 403."""
    return pin_action(request, topic_id, services.unpin_topic)


# --- Search --------------------------------------------------------------------------------


@router.get("/discussions/search", response=DiscussionSearchPageOut, summary="Chercher dans les messages")
def search(
    request,
    q: Annotated[str, Query(min_length=2, max_length=200, description="Les mots cherchés (accents ignorés)")],
    space_id: Annotated[int | None, Query(description="Dans cet espace seulement")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les messages visibles des espaces que vous lisez qui contiennent tous les mots cherchés,
    dans n'importe quel ordre, les plus récents d'abord. Un
    `space_id` que vous ne lisez pas : 404."""
    user = request.auth
    if space_id is not None:
        readable_space(request, space_id)  # 404 for a space you do not read
    found = search_messages(user, q, space_id=space_id)
    shown, count = page_of(found, page, page_size)
    items = [
        {
            "id": message.pk,
            "topic": {"id": message.topic_id, "title": message.topic.title},
            "space": {"id": message.space_id, "name": message.space.name},
            "author": person_ref(message.author),
            "body": message.body,
            "created_at": message.created_at,
        }
        for message in shown
    ]
    return {"items": items, "count": count}


# --- People of a space ---------------------------------------------------------------------


@router.get(
    "/discussions/spaces/{int:space_id}/participants",
    response={200: DiscussionParticipantPageOut, 403: MessageOut},
    summary="Participants d'un espace (modération)",
)
def list_participants(request, space_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Les places dans l'espace (rôle, état) : celles sur lesquelles la modération agit.
    Modérateurs de l'espace ; les autres lecteurs : 403."""
    user = request.auth
    space = readable_space(request, space_id)
    ensure_moderator(user, space)
    participants = space.participants.select_related("user").order_by("user__last_name", "user__first_name", "pk")
    shown, count = page_of(participants, page, page_size)
    return {"items": [participant_dict(participant) for participant in shown], "count": count}


def moderate_participant(request, participant_id, act, note):
    user = request.auth
    participant = first_or_404(
        Participant.objects.select_related("space__cpts", "space__organisation", "user").filter(pk=participant_id),
        PARTICIPANT_NOT_FOUND,
    )
    if not policies.can_read(user, participant.space):
        raise HttpError(404, PARTICIPANT_NOT_FOUND)
    ensure_moderator(user, participant.space)
    if not policies.can_moderate_participant(user, participant):
        raise HttpError(403, NOT_MODERATED)
    with refusals_as_409():
        act(participant, by=user, note=note)
    participant.refresh_from_db()
    return participant_dict(participant)


PARTICIPANT_ACTS = {
    "mute": (services.mute, "Réduire au silence", "La personne lit l'espace mais n'y écrit plus. Active seulement."),
    "unmute": (services.unmute, "Rendre la parole", "Réduite au silence seulement."),
    "remove": (
        services.remove,
        "Retirer de l'espace",
        "La personne ne lit plus l'espace. Active ou réduite au silence.",
    ),
    "reinstate": (services.reinstate, "Réintégrer dans l'espace", "Retirée seulement."),
}


def participant_operation(name):
    act, summary, states = PARTICIPANT_ACTS[name]

    def operation(request, participant_id: int, payload: DiscussionNoteIn):
        return moderate_participant(request, participant_id, act, payload.note)

    operation.__name__ = f"{name}_participant"
    operation.__doc__ = (
        f"{states} L'acte et son motif (`note`) vont au registre de modération. Modérateurs de "
        "l'espace ; jamais sur soi-même ni sur qui accueille l'espace. Un état qui ne le permet pas : "
        "409 avec l'état."
    )
    router.post(
        f"/discussions/participants/{{int:participant_id}}/{name}",
        response={200: DiscussionParticipantOut, 409: ConflictOut},
        summary=summary,
    )(operation)


for _name in PARTICIPANT_ACTS:
    participant_operation(_name)


# --- Regional groups: the public face and the sign-ups -------------------------------------


@router.get(
    "/discussions/groups",
    response={200: DiscussionGroupPageOut, 422: ValidationErrorOut},
    auth=None,
    summary="Groupes régionaux ouverts aux inscriptions",
)
def list_groups(request, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Sans connexion : les groupes qui prennent des inscriptions, leur organisation et les
    questions de leur formulaire. Aucune donnée personnelle."""
    groups = (
        policies.signup_spaces()
        .select_related("organisation__region")
        .prefetch_related("signup_questions")
        .order_by("name", "pk")
    )
    shown, count = page_of(groups, page, page_size)
    items = [
        {
            "id": group.pk,
            "name": group.name,
            "description": group.description,
            "organisation": organisation_ref(group.organisation),
            "questions": [
                {"id": question.pk, "label": question.label, "required": question.required}
                for question in group.signup_questions.all()
            ],
        }
        for group in shown
    ]
    return {"items": items, "count": count}


@router.post(
    "/discussions/groups/{int:space_id}/signups",
    response={
        202: MessageOut,
        404: MessageOut,
        409: MessageOut,
        415: MessageOut,
        422: ValidationErrorOut,
        429: MessageOut,
    },
    auth=None,
    summary="Demander à rejoindre un groupe régional",
)
def sign_up(request, space_id: int, payload: DiscussionSignupIn):
    """Sans compte : la demande va à l'équipe pilote du groupe, qui l'accepte ou la refuse (un
    message le dit). La réponse est la même quoi qu'il arrive (202) ; une réponse manquante ou
    invalide : 422 sur son champ (`answers` et l'identifiant de la question) ; trop de demandes
    depuis la même adresse dans l'heure : 429, rien n'est écrit."""
    # A cross-site form can post text/plain without asking first: only JSON, which browsers
    # send to another site after a preflight this API never grants.
    if request.content_type != "application/json":
        raise HttpError(415, JSON_ONLY)
    space = first_or_404(policies.signup_spaces().filter(pk=space_id), GROUP_NOT_FOUND)
    if not throttle.allow(request, THROTTLE_SCOPE):
        raise HttpError(429, TOO_MANY)
    form = services.SignupForm(**payload.model_dump())
    try:
        services.submit_signup(space, form)
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise HttpError(409, " ".join(error.messages)) from error
        fields = error.message_dict
        if "space" in fields:
            raise HttpError(409, " ".join(fields["space"])) from error
        items = []
        for name, messages in fields.items():
            loc = ["body", "payload", "answers", name.removeprefix("question_")]
            if not name.startswith("question_"):
                loc = ["body", "payload", name]
            items += [{"loc": loc, "msg": message} for message in messages]
        return Status(422, {"detail": items})
    return Status(202, {"detail": SIGNUP_RECEIVED})


def reviewed_space(request, space_id) -> DiscussionSpace:
    space = readable_space(request, space_id)
    if not space.is_regional:
        raise HttpError(404, SIGNUPS_NOT_FOUND)
    if not policies.can_review_signups(request.auth, space):
        raise HttpError(403, REVIEWERS_ONLY)
    return space


@router.get(
    "/discussions/spaces/{int:space_id}/signups",
    response={200: DiscussionSignupPageOut, 403: MessageOut},
    summary="Demandes d'inscription à un groupe régional",
)
def list_signups(
    request,
    space_id: int,
    status: Annotated[SignupStatusCode | None, Query(description="pending, accepted, refused")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les plus récentes d'abord, avec les réponses aux questions. L'équipe pilote du groupe et
    les gestionnaires de son organisation (les autres lecteurs : 403) ; chaque demande montrée
    est inscrite au journal."""
    space = reviewed_space(request, space_id)
    signups = space.signup_requests.order_by("-created_at", "-pk")
    if status:
        signups = signups.filter(status=status)
    shown, count = page_of(signups, page, page_size)
    questions = list(space.signup_questions.all())
    record_signups(shown, "demandes d'inscription à un groupe (API)")
    return {"items": [signup_dict(signup, questions) for signup in shown], "count": count}


def decide(request, signup_id, act):
    user = request.auth
    signup = first_or_404(
        SignupRequest.objects.select_related("space__organisation").filter(pk=signup_id),
        SIGNUP_NOT_FOUND,
        user,
        lambda user, signup: policies.can_review_signups(user, signup.space),
    )
    with refusals_as_409():
        act(signup, user)
    signup.refresh_from_db()
    record_signups([signup], "décision sur une demande d'inscription (API)")
    return signup_dict(signup, list(signup.space.signup_questions.all()))


@router.post(
    "/discussions/signups/{int:signup_id}/accept",
    response={200: DiscussionSignupOut, 409: ConflictOut | MessageOut},
    summary="Accepter une demande d'inscription",
)
def accept_signup(request, signup_id: int):
    """La personne rejoint le groupe (son compte est créé sans mot de passe si elle n'en a pas ;
    un message lui donne le lien pour le choisir). L'équipe pilote et les gestionnaires ; les
    autres : 404. Déjà décidée : 409 avec son état ; un compte désactivé : 409."""
    return decide(request, signup_id, lambda signup, user: services.accept_signup(signup, by=user))


@router.post(
    "/discussions/signups/{int:signup_id}/refuse",
    response={200: DiscussionSignupOut, 409: ConflictOut},
    summary="Refuser une demande d'inscription",
)
def refuse_signup(request, signup_id: int, payload: DiscussionNoteIn):
    """Un courriel le dit à la personne, avec `note` s'il est donné (il lui est envoyé tel quel).
    L'équipe pilote et les gestionnaires ; les autres : 404. Déjà décidée : 409 avec son état."""
    return decide(request, signup_id, lambda signup, user: services.refuse_signup(signup, by=user, note=payload.note))
