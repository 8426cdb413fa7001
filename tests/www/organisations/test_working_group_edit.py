"""A CPTS's coordinators edit a working group: its name, its participants (people of the CPTS
only) and its archiving; a member of the CPTS may not (403)."""

import pytest
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory
from maillon.discussions import services
from maillon.discussions.models import Participant

from .conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def working_group(cpts, coordinator):
    return services.create_working_group(cpts, name="Groupe sortie d'hospitalisation", by=coordinator)


def test_the_coordinator_renames_the_group_and_chooses_its_people(cpts, coordinator, member, working_group):
    other = CptsRoleFactory(cpts=cpts).user
    url = reverse("discussions_space_edit", args=[working_group.pk])
    client = verified_client(coordinator)
    assert client.get(url).status_code == 200
    data = {"action": "save", "name": "Sorties d'hôpital", "description": "", "users": [coordinator.pk, member.pk]}
    assert client.post(url, data).status_code == 302
    working_group.refresh_from_db()
    assert working_group.name == "Sorties d'hôpital"
    assert set(Participant.objects.filter(space=working_group).values_list("user_id", flat=True)) == {
        coordinator.pk,
        member.pk,
    }
    assert client.post(url, {**data, "users": [other.pk, 999_999]}).status_code == 400


def test_the_coordinator_archives_the_group(coordinator, member, working_group):
    url = reverse("discussions_space_edit", args=[working_group.pk])
    assert verified_client(coordinator).post(url, {"action": "archive"}).status_code == 302
    working_group.refresh_from_db()
    assert working_group.is_archived


def test_a_member_of_the_group_may_not_edit_it(coordinator, member, working_group):
    services.set_working_group_people(working_group, users=[coordinator, member], by=coordinator)
    url = reverse("discussions_space_edit", args=[working_group.pk])
    assert verified_client(member).get(url).status_code == 403
    assert verified_client(member).post(url, {"action": "archive"}).status_code == 403
