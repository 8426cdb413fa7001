"""A host's own row in a group (they wrote, chose how to be told) is no place in it: once they
stop being a host they read it no more."""

import pytest

from maillon.core.models import CptsRole
from maillon.discussions import policies, selectors, services

from .spaces_support import person

pytestmark = pytest.mark.django_db


def test_a_coordinator_who_wrote_in_a_working_group_reads_it_no_more_once_no_longer_coordinator(cpts):
    coordinator = person(cpts, "Claire", "Coordinatrice", coordinator=True)
    colleague = person(cpts, "Léa", "Collègue")
    group = services.create_working_group(cpts, name="Parcours BPCO", users=[colleague], by=coordinator)
    services.set_working_group_people(group, users=[colleague], by=coordinator)  # the coordinator leaves the list
    services.start_topic(group, title="Ordre du jour", body="Réunion jeudi", by=coordinator)
    services.set_notify_level(group, coordinator, "digest")

    CptsRole.objects.filter(user=coordinator).update(role="member")
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # fresh policy caches

    assert not policies.can_read(coordinator, group)
    assert group not in policies.readable_spaces(coordinator)
    assert coordinator not in services.readers(group)
    assert policies.can_read(colleague, group)


def test_a_host_cannot_give_themselves_a_place_through_their_notification_choice(cpts):
    coordinator = person(cpts, "Claire", "Coordinatrice", coordinator=True)
    group = services.create_working_group(cpts, name="Parcours BPCO", by=coordinator)
    services.set_working_group_people(group, users=[], by=coordinator)

    place = services.set_notify_level(group, coordinator, "none")

    assert (place.notify, place.is_member) == ("none", False)


def test_a_space_never_opened_counts_nothing_unread_but_its_mentions(cpts):
    author = person(cpts, "Paul", "Martin")
    reader = person(cpts, "Hélène", "Lefèvre")
    space = services.ensure_cpts_spaces(cpts) or cpts.discussion_spaces.get(kind="members")
    services.start_topic(space, title="Garde", body="Qui prend samedi, @Hélène Lefèvre ?", by=author)

    assert selectors.unread_by_space(reader, [space.pk]) == {}
    assert selectors.unread_mentions(reader).count() == 1
