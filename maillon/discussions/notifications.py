"""Telling people about the discussion spaces, through the one notification mechanism
(`maillon.core.notifications.sending`): queued on commit by `services`, sent by the worker,
once per (message, recipient, channel) whatever the number of runs.

- **A new message** (`send_message`): each reader of the space but its author, by the level
  they chose in the space (`Participant.notify`; without a row, the level `services.join` would
  give: mentions only in a CPTS-wide space, every message in a group). Every message: told;
  mentions only: told when named; a mention reaches everyone who did not choose « rien »
  (a daily digest included). One e-mail per (message, person) even when both apply: the
  ledger's message is the Maillon message (`discussions.message:<pk>`), never the enqueue's id.
  A message hidden or deleted before the worker reads it is not sent. The e-mail holds the text
  (its recipients read the space anyway), the link to the topic, why it came and a one-click
  unsubscribe link for this space (also in the List-Unsubscribe headers, RFC 8058).
- **The daily digest** (`queue_digests`, run by the scheduler at 7 h): ONE TASK PER PERSON.
  `queue_digests` finds, in one query, the people with a space set to « résumé quotidien »
  holding something new for them, and enqueues `send_digest(user, day, since)` for each. That
  task (a `notification_task`: the ledger can run it again) reads the person's spaces and their
  messages in a constant number of queries, sends one e-mail grouping every space (ledger
  message `discussions.digest:<user>:<local date>`: a rerun the same day sends nothing twice),
  then advances each space's `digest_through` with one conditional UPDATE (never backwards).
  A message is covered once: newer than `digest_through`, visible, not the person's own, at most
  24 hours old, and not already told to them (a mention's e-mail: the ledger says so). When the
  send failed, or the day's digest already left (a rerun with newer messages), nothing advances:
  the retry, or the next day's digest, takes them.
- **Sign-ups to a regional group**: the pilot team and the host's managers are told a request
  arrived (name and profession only, the answers stay on the page); the applicant is welcomed
  (with the link to choose a password when their account has none: the `account` kind, e-mail
  only, built here in the worker) or told politely of a refusal (to the address of the request).

Unsubscribing: the link carries a signed token (`django.core.signing`, no expiry: it stays
valid in every e-mail ever sent) naming the space and the person, so a reader who never had a
row in the space (a CPTS member mentioned in the space of all members, a coordinator reading a
working group) can stop the e-mails too: `participant_of_token` then gives their row unsaved,
and `unsubscribe` creates it (`services.join`) set to « rien ». No row is written in the worker.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import User
from maillon.core.notifications import kinds, sending
from maillon.core.notifications.models import Delivery, DeliveryStatus
from maillon.core.services import invitation_token_generator, uid_token_path
from maillon.organisations.models import OrganisationPerson, OrganisationRole

from . import policies, services
from .models import (
    DiscussionSpace,
    Mention,
    Message,
    MessageStatus,
    NotifyLevel,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    SignupRequest,
    SignupStatus,
)
from .selectors import default_level

UNSUBSCRIBE_SALT = "maillon.discussions.unsubscribe"
DIGEST_WINDOW = datetime.timedelta(hours=24)
# A digest lists at most this many messages per space, then says how many more wait on the site.
DIGEST_MESSAGES_PER_SPACE = 30
DIGEST_EXCERPT = 300


# --- Links -------------------------------------------------------------------------------


def topic_url(topic) -> str:
    return sending.absolute(reverse("discussions_topic", args=[topic.pk]))


def space_url(space) -> str:
    return sending.absolute(reverse("discussions_space", args=[space.pk]))


# --- Unsubscribe -------------------------------------------------------------------------


def _token(space_id: int, user_id: int) -> str:
    return signing.dumps({"s": space_id, "u": user_id}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(participant) -> str:
    """Signed and opaque, without expiry. It names the space and the person (not the row's id):
    a row created, or removed and created again, later keeps the links already sent working."""
    return _token(participant.space_id, participant.user_id)


def participant_of_token(token: str) -> Participant | None:
    """The person's row in the space named by `token` (unsaved when they read the space without
    one: `unsubscribe` creates it); None for a tampered token, or a person who no longer reads
    the space and has no row."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    space_id = payload.get("s") if isinstance(payload, dict) else None
    user_id = payload.get("u") if isinstance(payload, dict) else None
    if not isinstance(space_id, int) or not isinstance(user_id, int):
        return None
    place = Participant.objects.select_related("space", "user").filter(space_id=space_id, user_id=user_id).first()
    if place is not None:
        return place
    space = DiscussionSpace.objects.filter(pk=space_id).first()
    user = services.readers(space).filter(pk=user_id).first() if space is not None else None
    if user is None:
        return None
    return Participant(space=space, user=user, notify=default_level(space))


def unsubscribe_url(participant) -> str:
    return sending.absolute(reverse("discussions_unsubscribe", args=[unsubscribe_token(participant)]))


def unsubscribe(participant) -> bool:
    """No more messages from this space (level « rien »); False if it already was (nothing written)."""
    if participant.pk is None:
        participant = services.join(participant.space, participant.user, member=False)
    if participant.notify == NotifyLevel.NONE:
        return False
    participant.notify = NotifyLevel.NONE
    participant.save(update_fields=["notify"])
    return True


def _unsubscribe_headers(url: str) -> dict:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- A new message -----------------------------------------------------------------------


def author_name(message) -> str:
    return (message.author.get_full_name() or "Une personne") if message.author_id else "Une personne"


def _attachments_line(count: int) -> str:
    if not count:
        return ""
    return f"\n\n({count} pièce{'s' if count > 1 else ''} jointe{'s' if count > 1 else ''}, à ouvrir sur le site.)"


def message_content(message, user, *, mentioned: bool, attachments: int = 0) -> sending.Content:
    space, topic = message.space, message.topic
    author = author_name(message)
    subject = f"{space.name} — {topic.title}"
    if mentioned:
        subject = f"Vous êtes mentionné(e) — {subject}"
        why = f"parce que {author} vous a mentionné(e) dans l'espace « {space.name} »"
    else:
        why = f"parce que vous suivez chaque message de l'espace « {space.name} »"
    link = topic_url(topic)
    text = f"{author} a écrit dans « {topic.title} » ({space.name}) :\n\n{message.body}"
    text += _attachments_line(attachments)
    unsubscribe_link = unsubscribe_url(Participant(space=space, user=user))
    body = sending.letter(text, space.host_label, link=link, link_label="Lire et répondre :")
    body += (
        f"\n-- \nVous recevez ce message {why}.\n"
        f"Pour ne plus recevoir de message de cet espace : {unsubscribe_link}\n"
        f"Pour être prévenu(e) autrement (mentions seulement, résumé quotidien) : {space_url(space)}\n"
    )
    return sending.Content(
        subject=subject,
        body=body,
        url=reverse("discussions_topic", args=[topic.pk]),
        headers=_unsubscribe_headers(unsubscribe_link),
    )


def message_recipients(message) -> list[tuple[User, bool]]:
    """(reader, mentioned) for each reader to tell now, by their level in the space."""
    space = message.space
    readers = list(services.readers(space).exclude(pk=message.author_id).only("pk", "email", "first_name", "last_name"))
    levels = dict(Participant.objects.filter(space=space).values_list("user_id", "notify"))
    mentioned = set(Mention.objects.filter(message=message).values_list("user_id", flat=True))
    default = default_level(space)
    told = []
    for user in readers:
        level = levels.get(user.pk, default)
        named = user.pk in mentioned
        if level == NotifyLevel.ALL or (named and level != NotifyLevel.NONE):
            told.append((user, named))
    return told


@sending.notification_task()
def send_message(message_pk: int, message_id: str = "") -> int:
    """The new message to the readers who want it now; how many were told (on some channel)."""
    message = (
        Message.objects.select_related("topic", "space__cpts", "space__organisation", "author")
        .filter(pk=message_pk)
        .first()
    )
    if message is None or message.status != MessageStatus.VISIBLE:
        return 0  # hidden or deleted before the worker came to it
    attachments = message.attachments.count()
    items = [
        (sending.Recipient.user(user), message_content(message, user, mentioned=named, attachments=attachments))
        for user, named in message_recipients(message)
    ]
    if not items:
        return 0
    key = sending.message_key(kinds.DISCUSSIONS_MESSAGE, message.pk)
    outcomes = sending.notify_many(kinds.DISCUSSIONS_MESSAGE, key, items)
    return sum(1 for outcome in outcomes.values() if sending.sent_any(outcome))


# --- The daily digest --------------------------------------------------------------------


def _digest_places():
    return Participant.objects.present().filter(notify=NotifyLevel.DIGEST, user__is_active=True, user__email__gt="")


def queue_digests(now) -> int:
    """Enqueue the day's digest of each person with something new in a space set to « résumé
    quotidien »; how many people. One query, whatever the number of people and messages."""
    since = now - DIGEST_WINDOW
    news = Message.objects.filter(
        space=OuterRef("space_id"),
        id__gt=OuterRef("digest_through"),
        status=MessageStatus.VISIBLE,
        created_at__gte=since,
    ).exclude(author=OuterRef("user_id"))
    people = list(
        _digest_places().filter(Exists(news)).order_by("user_id").values_list("user_id", flat=True).distinct()
    )
    day = timezone.localdate(now).isoformat()
    for user_id in people:
        sending.on_commit(send_digest, user_id, day, since.isoformat())
    return len(people)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DIGEST_EXCERPT else text[: DIGEST_EXCERPT - 1].rstrip() + "…"


def _digest_section(place, messages) -> str:
    space = place.space
    count = len(messages)
    lines = [f"« {space.name} » ({space.host_label}) — {count} message{'s' if count > 1 else ''}"]
    topic_id = None
    for message in messages[:DIGEST_MESSAGES_PER_SPACE]:
        if message.topic_id != topic_id:
            topic_id = message.topic_id
            lines += ["", f"  Sujet : {message.topic.title}", f"  {topic_url(message.topic)}"]
        at = timezone.localtime(message.created_at)
        lines.append(f"  - {author_name(message)}, le {at:%d/%m} à {at:%H} h {at:%M} : {_excerpt(message.body)}")
    more = count - DIGEST_MESSAGES_PER_SPACE
    if more > 0:
        lines += [
            "",
            f"  … et {more} autre{'s' if more > 1 else ''} message{'s' if more > 1 else ''} : {space_url(space)}",
        ]
    return "\n".join(lines)


def digest_content(places_with_messages) -> sending.Content:
    """One e-mail for every space of the person: a section per space, a link per topic, and an
    unsubscribe link per space (the List-Unsubscribe headers when there is one space only: a
    one-click stop must stop what it names)."""
    total = sum(len(messages) for _, messages in places_with_messages)
    sections = "\n\n".join(_digest_section(place, messages) for place, messages in places_with_messages)
    plural = "s" if total > 1 else ""
    text = (
        f"Voici le{plural} {total} nouveau{'x' if total > 1 else ''} message{plural} des espaces de discussion "
        f"pour lesquels vous avez choisi un résumé quotidien.\n\n{sections}"
    )
    links = {place.space.name: unsubscribe_url(place) for place, _ in places_with_messages}
    footer = "\n-- \nVous recevez ce résumé parce que vous l'avez choisi dans ces espaces.\n"
    footer += "\n".join(f"Pour ne plus recevoir de message de « {name} » : {url}" for name, url in links.items())
    body = sending.letter(text, "Maillon") + footer + "\n"
    headers = _unsubscribe_headers(next(iter(links.values()))) if len(links) == 1 else {}
    return sending.Content(
        subject=f"Espaces de discussion — résumé du jour : {total} nouveau{'x' if total > 1 else ''} message{plural}",
        body=body,
        url=reverse("discussions_index"),
        headers=headers,
    )


@sending.notification_task()
def send_digest(user_pk: int, day: str, since: str, message_id: str = "") -> bool:
    """One person's digest of `day` (local date, ISO) — messages newer than `since` (ISO) and
    than each space's `digest_through`. Whether it went out now."""
    user = User.objects.filter(pk=user_pk, is_active=True).first()
    if user is None:
        return False
    places = list(
        _digest_places()
        .filter(user=user, space__in=policies.readable_spaces(user))
        .select_related("space__cpts", "space__organisation")
        .order_by("space__name", "space_id")
    )
    if not places:
        return False
    newer = Q()
    for place in places:
        newer |= Q(space_id=place.space_id, id__gt=place.digest_through)
    messages = list(
        Message.objects.filter(
            newer, status=MessageStatus.VISIBLE, created_at__gte=datetime.datetime.fromisoformat(since)
        )
        .exclude(author=user)
        .select_related("topic", "author")
        .order_by("space_id", "topic_id", "pk")
    )
    if not messages:
        return False
    # A message already told to them (a mention's e-mail) is not told again.
    keys = {sending.message_key(kinds.DISCUSSIONS_MESSAGE, message.pk): message.pk for message in messages}
    told = {
        keys[key]
        for key in Delivery.objects.filter(
            message__in=list(keys), recipient=sending.Recipient.user(user).key, status=DeliveryStatus.SENT
        ).values_list("message", flat=True)
    }
    by_space = defaultdict(list)
    through = {}
    for message in messages:
        through[message.space_id] = max(through.get(message.space_id, 0), message.pk)
        if message.pk not in told:
            by_space[message.space_id].append(message)
    sections = [(place, by_space[place.space_id]) for place in places if by_space[place.space_id]]
    went = False
    if sections:
        key = sending.message_key(kinds.DISCUSSIONS_DIGEST, user.pk, day)
        outcome = sending.notify(kinds.DISCUSSIONS_DIGEST, key, sending.Recipient.user(user), digest_content(sections))
        if sending.FAILED in outcome.values() or sending.ALREADY in outcome.values():
            return False  # the retry (or tomorrow's digest) takes these messages
        went = sending.sent_any(outcome)
    _advance(places, through)
    return went


def _advance(places, through: dict[int, int]) -> None:
    """Each space's `digest_through` to the last message covered: one conditional UPDATE."""
    moved = {place.pk: through[place.space_id] for place in places if place.space_id in through}
    if not moved:
        return
    target = Case(
        *(When(pk=pk, then=Value(value)) for pk, value in moved.items()),
        default=F("digest_through"),
        output_field=models.PositiveBigIntegerField(),
    )
    Participant.objects.filter(pk__in=moved, digest_through__lt=target).update(digest_through=target)


# --- Sign-ups to a regional group --------------------------------------------------------


def signup_reviewers(space) -> list[User]:
    """The group's pilot team (active) and the host organisation's managers."""
    pilots = Participant.objects.filter(
        space=space, role=ParticipantRole.PILOT, status=ParticipantStatus.ACTIVE
    ).values("user_id")
    managers = OrganisationPerson.objects.filter(
        organisation=space.organisation_id, role=OrganisationRole.MANAGER
    ).values("user_id")
    return list(User.objects.filter(Q(pk__in=pilots) | Q(pk__in=managers), is_active=True).order_by("pk"))


@sending.notification_task()
def send_signup_received(request_pk: int, message_id: str = "") -> int:
    """« Nouvelle demande d'inscription » to those who decide — never the applicant's answers
    (they stay on the page of the sign-ups). One e-mail per request, even when its sender sends
    the form again while it waits. How many were told."""
    request = SignupRequest.objects.select_related("space__organisation").filter(pk=request_pk).first()
    if request is None or request.status != SignupStatus.PENDING:
        return 0
    space = request.space
    link = sending.absolute(reverse("discussions_signups", args=[space.pk]))
    text = (
        f"{request.full_name} ({request.profession}) demande à rejoindre le groupe « {space.name} ».\n\n"
        "Ses réponses et votre décision sont sur la page des inscriptions."
    )
    content = sending.Content(
        subject=f"{space.name} — Nouvelle demande d'inscription",
        body=sending.letter(text, space.host_label, link=link, link_label="Voir la demande :"),
        url=reverse("discussions_signups", args=[space.pk]),
    )
    items = [(sending.Recipient.user(user), content) for user in signup_reviewers(space)]
    key = sending.message_key(kinds.DISCUSSIONS_SIGNUP, "received", request.pk)
    outcomes = sending.notify_many(kinds.DISCUSSIONS_SIGNUP, key, items)
    return sum(1 for outcome in outcomes.values() if sending.sent_any(outcome))


@sending.notification_task()
def send_signup_accepted(request_pk: int, with_link: bool, message_id: str = "") -> bool:
    """Welcome to the group, with its link; to an account without a password, the link to
    choose one (built here: its token never sits in the queue), as an account message."""
    request = SignupRequest.objects.select_related("space__organisation", "user").filter(pk=request_pk).first()
    if request is None or request.status != SignupStatus.ACCEPTED or request.user is None:
        return False
    user, space = request.user, request.space
    if with_link and not user.has_usable_password():
        context = {
            "space": space,
            "host": space.host_label,
            "site_url": sending.absolute(""),
            "space_path": reverse("discussions_space", args=[space.pk]),
            "accept_path": uid_token_path("invitation_accept", user, invitation_token_generator),
            "expiry_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
        }
        return sending.account_email("group_invitation", user, context, message_id=message_id)
    text = (
        f"Votre demande d'inscription au groupe « {space.name} » est acceptée : bienvenue !\n\n"
        "Vous pouvez lire les échanges du groupe et y écrire avec votre compte Maillon."
    )
    content = sending.Content(
        subject=f"{space.name} — votre inscription est acceptée",
        body=sending.letter(text, space.host_label, link=space_url(space), link_label="Le groupe :"),
        url=reverse("discussions_space", args=[space.pk]),
    )
    key = sending.message_key(kinds.DISCUSSIONS_SIGNUP, "accepted", request.pk)
    return sending.sent_any(sending.notify(kinds.DISCUSSIONS_SIGNUP, key, sending.Recipient.user(user), content))


@sending.notification_task()
def send_signup_refused(request_pk: int, message_id: str = "") -> bool:
    """A polite refusal, with the note of the decision if any, to the request's address (the
    person may have no account)."""
    request = SignupRequest.objects.select_related("space__organisation").filter(pk=request_pk).first()
    if request is None or request.status != SignupStatus.REFUSED:
        return False
    space = request.space
    decision = request.events.filter(to_status=SignupStatus.REFUSED).order_by("-at", "-pk").first()
    note = (decision.note if decision else "").strip()
    text = (
        f"Nous avons bien reçu votre demande d'inscription au groupe « {space.name} ». "
        "Nous ne pouvons malheureusement pas y donner suite."
    )
    if note:
        text += f"\n\nLe mot de l'équipe du groupe : {note}"
    text += "\n\nMerci de l'intérêt que vous portez à ce groupe."
    content = sending.Content(
        subject=f"{space.name} — votre demande d'inscription", body=sending.letter(text, space.host_label)
    )
    recipient = sending.Recipient(key=f"signup:{request.pk}", email=request.email)
    key = sending.message_key(kinds.DISCUSSIONS_SIGNUP, "refused", request.pk)
    return sending.sent_any(sending.notify(kinds.DISCUSSIONS_SIGNUP, key, recipient, content))
