"""Who reads, writes and moderates the discussion spaces.

- A CPTS's space of all members and its mission spaces: everyone with a role in the CPTS
  (coordinators and members), except someone its moderators removed.
- A working group: its participants while they have a role in the CPTS, and the CPTS's
  coordinators.
- A regional group: its participants (accepted through the sign-up form or added), and the
  managers of the hosting organisation. Nobody else: not the other people of the CPTS, not the
  ARS or CPAM officers through their territorial roles, not the platform admin (threads are
  written by professionals and may name them).
- Writing: a reader whom nobody muted, in a space that is not archived and whose CPTS is not
  dissolved. Authors edit or delete their own message within `MAILLON_DISCUSSION_EDIT_MINUTES`.
- Moderating (hide a message, pin a topic, mute or remove a person): a CPTS's coordinators in
  its spaces; in a regional group, its moderators and pilot team and the organisation's
  managers. The pilot team and the managers accept sign-ups; managers appoint moderators and
  the pilot team and see every act of moderation.

Invisible is 404 (`ensure_visible`), visible but not allowed is 403.
"""

from django.db.models import Q

from maillon.core.models import CptsRole
from maillon.core.policies import COORDINATOR, has_cpts_role, is_authenticated, is_coordinator
from maillon.organisations.models import OrganisationPerson, OrganisationRole
from maillon.organisations.policies import is_manager

from .models import (
    CPTS_WIDE_KINDS,
    DiscussionSpace,
    MessageStatus,
    Participant,
    ParticipantRole,
    ParticipantStatus,
    SpaceKind,
)

_PLACES = "_maillon_discussion_places"


def place_of(user, space) -> Participant | None:
    """The user's participant row in the space (None without one), read once per user object."""
    if not is_authenticated(user) or space is None:
        return None
    cache = getattr(user, _PLACES, None)
    if cache is None:
        cache = {}
        setattr(user, _PLACES, cache)
    key = getattr(space, "pk", space)
    if key not in cache:
        cache[key] = Participant.objects.filter(user=user, space_id=key).first()
    return cache[key]


def forget_place(user, space) -> None:
    """After a write that changed the user's row (joined, muted…)."""
    getattr(user, _PLACES, {}).pop(getattr(space, "pk", space), None)


def readable_spaces(user):
    """Every space the user reads, of every CPTS and organisation."""
    if not is_authenticated(user):
        return DiscussionSpace.objects.none()
    roles = CptsRole.objects.filter(user=user)
    places = Participant.objects.filter(user=user)
    managed = OrganisationPerson.objects.filter(user=user, role=OrganisationRole.MANAGER).values("organisation_id")
    present = places.present().values("space_id")
    readable = (
        Q(kind__in=CPTS_WIDE_KINDS, cpts__in=roles.values("cpts_id"))
        | Q(kind=SpaceKind.WORKING_GROUP, cpts__in=roles.filter(role=COORDINATOR).values("cpts_id"))
        # A working group's people are people of its CPTS: one who left the CPTS reads it no more.
        | Q(kind=SpaceKind.WORKING_GROUP, cpts__in=roles.values("cpts_id"), pk__in=present)
        | Q(kind=SpaceKind.REGIONAL_GROUP, pk__in=present)
        | Q(kind=SpaceKind.REGIONAL_GROUP, organisation__in=managed)
    )
    removed = places.filter(status=ParticipantStatus.REMOVED).values("space_id")
    return DiscussionSpace.objects.filter(readable).exclude(pk__in=removed)


def _hosts(user, space) -> bool:
    """Runs the space without needing a row: the CPTS's coordinators, the host's managers."""
    if space.cpts_id:
        return is_coordinator(user, space.cpts_id)
    return is_manager(user, space.organisation_id)


def can_read(user, space) -> bool:
    if not is_authenticated(user) or space is None:
        return False
    if _hosts(user, space):
        return True
    place = place_of(user, space)
    if place is not None and place.status == ParticipantStatus.REMOVED:
        return False
    if space.cpts_id and not has_cpts_role(user, space.cpts_id):
        return False  # a working group's people are people of its CPTS: one who left it reads no more
    return space.kind in CPTS_WIDE_KINDS or (place is not None and place.is_member)


def _writable(space) -> bool:
    return not space.is_archived and not (space.cpts_id and space.cpts.is_dissolved)


def can_post(user, space) -> bool:
    if not can_read(user, space) or not _writable(space):
        return False
    place = place_of(user, space)
    return place is None or place.status == ParticipantStatus.ACTIVE


def is_muted(user, space) -> bool:
    place = place_of(user, space)
    return place is not None and place.status == ParticipantStatus.MUTED


def _leads(user, space) -> bool:
    """A host, or an active moderator or pilot of a regional group."""
    if not can_read(user, space):
        return False
    if _hosts(user, space):
        return True
    place = place_of(user, space)
    return (
        space.is_regional
        and place is not None
        and place.is_member
        and place.leads
        and place.status == ParticipantStatus.ACTIVE
    )


def can_moderate(user, space) -> bool:
    """Act on messages and people: in a space that still takes messages."""
    return _writable(space) and _leads(user, space)


def can_read_message_content(user, message) -> bool:
    """A message's text and files: its readers while it is visible, the moderation once hidden
    (it judges them), nobody once its author deleted it."""
    if message.status == MessageStatus.VISIBLE:
        return can_read(user, message.space)
    if message.status == MessageStatus.HIDDEN:
        return _leads(user, message.space)
    return False


def can_review_signups(user, space) -> bool:
    """Accept or refuse who asks to join a regional group: its pilot team, the host's managers."""
    if space is None or not space.is_regional:
        return False
    if space.is_archived:
        return False
    if is_manager(user, space.organisation_id):
        return True
    place = place_of(user, space)
    return (
        place is not None
        and place.is_member
        and place.role == ParticipantRole.PILOT
        and place.status == ParticipantStatus.ACTIVE
    )


def can_manage_space(user, space) -> bool:
    """Name, description, participants and their roles, visio, sign-up questions, archive."""
    return is_authenticated(user) and space is not None and _hosts(user, space) and _writable_host(space)


def _writable_host(space) -> bool:
    return not (space.cpts_id and space.cpts.is_dissolved)


def can_see_moderation(user, space) -> bool:
    """The register of moderation acts and of refused messages (also once the space is archived)."""
    return _leads(user, space)


def can_create_working_group(user, cpts) -> bool:
    return cpts is not None and is_coordinator(user, cpts) and not cpts.is_dissolved


def can_create_regional_group(user, organisation) -> bool:
    return is_manager(user, organisation)


def can_edit_message(user, message) -> bool:
    """Edit or delete one's own visible message, within the delay, where one may still write."""
    return (
        is_authenticated(user)
        and message.author_id == user.pk
        and message.status == MessageStatus.VISIBLE
        and message.within_edit_delay()
        and can_post(user, message.space)
    )


can_delete_message = can_edit_message


def can_hide_message(user, message) -> bool:
    """The moderation hides (and shows again) a message; a moderator not a host's nor another
    moderator's: the host decides."""
    space = message.space
    if message.status == MessageStatus.DELETED or not can_moderate(user, space):
        return False
    if _hosts(user, space) or message.author is None:
        return True
    return not _leads(message.author, space)


def can_pin_topic(user, topic) -> bool:
    return can_moderate(user, topic.space) and _writable(topic.space)


def can_moderate_participant(user, participant) -> bool:
    """Mute, remove, reinstate: never oneself, never someone who hosts the space."""
    space = participant.space
    if not can_moderate(user, space) or participant.user_id == user.pk or _hosts(participant.user, space):
        return False
    # A moderator does not silence another moderator: the host decides.
    return not (participant.leads and not _hosts(user, space))


def signup_spaces():
    """Regional groups open to sign-up, for the public form."""
    return DiscussionSpace.objects.open().filter(kind=SpaceKind.REGIONAL_GROUP, signup_open=True)
