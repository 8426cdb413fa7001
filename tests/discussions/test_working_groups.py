"""A working group is made by a coordinator with people of the CPTS only; its list of people is
set as a whole (leavers lose their row, their messages stay)."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import CptsRoleFactory
from maillon.discussions import policies, services
from maillon.discussions.models import DiscussionSpace, Message, NotifyLevel, SpaceKind

from .spaces_support import person

pytestmark = pytest.mark.django_db


def test_working_group_people_are_people_of_the_cpts(cpts, other_cpts):
    coordinator = person(cpts, "Anne", "Roy", coordinator=True)
    member = person(cpts, "Paul", "Martin")
    neighbour = person(other_cpts, "Luc", "Faure")

    with pytest.raises(ValidationError) as refused:
        services.create_working_group(cpts, name="Soins non programmés", users=[member, neighbour], by=coordinator)
    assert refused.value.message_dict["users"] == [
        "Participants : seules les personnes de la CPTS peuvent rejoindre le groupe."
    ]
    assert not DiscussionSpace.objects.filter(kind=SpaceKind.WORKING_GROUP).exists()

    group = services.create_working_group(cpts, name="Soins non programmés", users=[member], by=coordinator)
    assert (group.cpts, group.kind, group.created_by) == (cpts, SpaceKind.WORKING_GROUP, coordinator)
    assert set(group.participants.values_list("user", flat=True)) == {coordinator.pk, member.pk}
    assert set(group.participants.values_list("notify", flat=True)) == {NotifyLevel.ALL}
    with pytest.raises(ValidationError):
        services.set_working_group_people(group, users=[coordinator, neighbour], by=coordinator)


def test_a_working_group_without_a_name_is_refused(cpts):
    coordinator = person(cpts, coordinator=True)
    with pytest.raises(ValidationError) as refused:
        services.create_working_group(cpts, name="  ", by=coordinator)
    assert refused.value.message_dict["name"] == ["Nom : indiquez le nom de l'espace."]


def test_leaving_a_working_group_keeps_one_s_messages_and_closes_the_group_to_one(cpts):
    coordinator = person(cpts, "Anne", "Roy", coordinator=True)
    member = person(cpts, "Paul", "Martin")
    group = services.create_working_group(cpts, name="Pilotage", users=[member], by=coordinator)
    message = services.start_topic(group, title="Ordre du jour", body="Mes propositions", by=member)

    services.set_working_group_people(group, users=[coordinator], by=coordinator)

    member = type(member).objects.get(pk=member.pk)
    assert not group.participants.filter(user=member).exists()
    assert not policies.can_read(member, group)
    assert Message.objects.filter(pk=message.pk).exists()
    # The coordinators read it without a row.
    services.set_working_group_people(group, users=[], by=coordinator)
    assert policies.can_read(type(coordinator).objects.get(pk=coordinator.pk), group)


def test_a_participant_who_leaves_the_cpts_no_longer_reads_its_working_group(cpts, other_cpts):
    coordinator = person(cpts, "Anne", "Roy", coordinator=True)
    member = person(cpts, "Paul", "Martin")
    group = services.create_working_group(cpts, name="Pilotage", users=[member], by=coordinator)

    member.cpts_roles.all().delete()
    CptsRoleFactory(cpts=other_cpts, user=member)  # now in a neighbouring CPTS
    member = type(member).objects.get(pk=member.pk)

    assert not policies.can_read(member, group)
    assert group not in policies.readable_spaces(member)
    assert member not in services.readers(group)
    assert coordinator in services.readers(group)
