"""A removed participant loses the space: they no longer read it, nor are they told of it or
mentioned; reinstated, they come back."""

import pytest

from maillon.core.models import User
from maillon.discussions import policies, services
from maillon.discussions.models import ParticipantStatus

from .spaces_support import members_space, participant, person, regional_group

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_removed_participant_loses_access():
    group = regional_group()
    pilot = group.created_by
    gone = participant(group)
    place = group.participants.get(user=gone)

    services.remove(place, by=pilot, note="hors du champ du groupe")

    assert not policies.can_read(fresh(gone), group)
    assert not policies.can_post(fresh(gone), group)
    assert group not in policies.readable_spaces(gone)
    assert gone not in services.readers(group)
    event = place.events.get()
    assert (event.to_status, event.note) == (ParticipantStatus.REMOVED, "hors du champ du groupe")

    services.reinstate(place, by=pilot)
    assert policies.can_post(fresh(gone), group)
    assert gone in services.readers(group)


def test_a_member_removed_from_the_space_of_all_members_loses_it_despite_their_role():
    space = members_space()
    coordinator = person(space.cpts, first_name="Anne", coordinator=True)
    member = person(space.cpts)
    place = services.place_for_moderation(space, member)
    assert policies.can_moderate_participant(coordinator, place)

    services.remove(place, by=coordinator)

    assert not policies.can_read(fresh(member), space)
    assert space not in policies.readable_spaces(member)
    assert member not in services.readers(space)
    # The other spaces of the CPTS stay open to them.
    assert policies.readable_spaces(member).filter(cpts=space.cpts).count() == 4


def test_a_muted_or_removed_participant_is_no_longer_a_moderator_in_effect():
    group = regional_group()
    moderator = participant(group, role="moderator")
    services.mute(group.participants.get(user=moderator), by=group.created_by)
    assert policies.can_read(fresh(moderator), group)
    assert not policies.can_moderate(fresh(moderator), group)
