"""The people of a regional group: added by a manager by their e-mail, given a role; each
chooses how they are told."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import UserFactory
from maillon.discussions import services
from maillon.discussions.models import NotifyLevel, ParticipantRole, ParticipantStatus

from .spaces_support import members_space, person, regional_group

pytestmark = pytest.mark.django_db


def test_a_manager_adds_someone_by_their_address_with_a_role():
    group = regional_group()
    known = UserFactory(email="referente@example.org")
    place = services.add_participant(
        group, email=" Referente@Example.org ", role=ParticipantRole.PILOT, by=group.created_by
    )
    assert (place.user, place.role, place.status) == (known, ParticipantRole.PILOT, ParticipantStatus.ACTIVE)
    with pytest.raises(ValidationError) as refused:
        services.add_participant(group, email="inconnue@example.org", by=group.created_by)
    assert refused.value.message_dict["email"] == ["Adresse électronique : aucun compte actif n'a cette adresse."]


def test_a_role_is_one_of_the_three():
    group = regional_group()
    place = services.add_participant(group, email=UserFactory().email, by=group.created_by)
    services.set_role(place, role=ParticipantRole.MODERATOR, by=group.created_by)
    place.refresh_from_db()
    assert place.role == ParticipantRole.MODERATOR
    with pytest.raises(ValidationError):
        services.set_role(place, role="admin", by=group.created_by)


def test_each_person_chooses_how_they_are_told_mentions_by_default_in_a_cpts_wide_space():
    space = members_space()
    member = person(space.cpts)
    assert services.join(space, member).notify == NotifyLevel.MENTIONS
    assert services.set_notify_level(space, member, NotifyLevel.DIGEST).notify == NotifyLevel.DIGEST
    with pytest.raises(ValidationError):
        services.set_notify_level(space, member, "sms")
    assert space.participants.get(user=member).notify == NotifyLevel.DIGEST


def test_joining_twice_keeps_one_row():
    space = members_space()
    member = person(space.cpts)
    assert services.join(space, member) == services.join(space, member)
    assert space.participants.filter(user=member).count() == 1
