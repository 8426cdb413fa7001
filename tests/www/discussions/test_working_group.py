"""The coordinator creates a working group with people of the CPTS; a member may not (403), a
person of another CPTS does not see the page (404)."""

import pytest
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.discussions.models import DiscussionSpace, SpaceKind
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_the_coordinator_creates_a_working_group_with_chosen_people(coordinator_client, coordinator, member, cpts):
    left_out = CptsRoleFactory(cpts=cpts, user=UserFactory(last_name="Absent")).user
    url = reverse("discussions_working_group_new", args=[cpts.slug])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert member.last_name.upper() in page.content.decode()
    response = coordinator_client.post(
        url, {"name": "Parcours BPCO", "description": "Le groupe", "people": [member.pk]}
    )
    group = DiscussionSpace.objects.get(kind=SpaceKind.WORKING_GROUP, name="Parcours BPCO")
    assert response.status_code == 302
    assert response["Location"] == reverse("discussions_space", args=[group.pk])
    assert set(group.participants.values_list("user_id", flat=True)) == {coordinator.pk, member.pk}
    assert verified_client(member).get(reverse("discussions_space", args=[group.pk])).status_code == 200
    left_out_client = verified_client(UserFactory(with_totp=True))
    left_out_client.force_login(left_out)
    assert verified_client(left_out).get(reverse("discussions_space", args=[group.pk])).status_code == 404


def test_a_name_is_needed(coordinator_client, cpts):
    response = coordinator_client.post(reverse("discussions_working_group_new", args=[cpts.slug]), {"name": ""})
    assert response.status_code == 400
    assert "Nom du groupe : indiquez le nom du groupe." in response.content.decode()


def test_a_member_may_not_create_a_working_group(member_client, cpts, stranger):
    url = reverse("discussions_working_group_new", args=[cpts.slug])
    assert member_client.get(url).status_code == 403
    assert member_client.post(url, {"name": "Pirate"}).status_code == 403
    assert verified_client(stranger).get(url).status_code == 404
    assert not DiscussionSpace.objects.filter(kind=SpaceKind.WORKING_GROUP).exists()
    assert (
        "Nouveau groupe de travail"
        not in member_client.get(reverse("cpts_discussions", args=[cpts.slug])).content.decode()
    )
