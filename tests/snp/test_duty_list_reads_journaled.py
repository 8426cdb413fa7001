"""A volunteer's duty list shows the patient's commune: each request shown is journaled (page and API)."""

import pytest
from django.urls import reverse

from maillon.core.models import ApiToken, JournalEntry
from maillon.snp import duty
from tests.conftest import verified_client

from .requests_support import member_professional, new_request, origin_commune


def duty_reads():
    return JournalEntry.objects.filter(action="read", object_type="snp.CareRequest")


@pytest.fixture
def asked(cpts, coordinator):
    volunteer = member_professional(cpts, commune=origin_commune(), takes_part_in_snp=True)
    care_request = new_request(cpts, by=coordinator, commune=origin_commune())
    duty.send_to_duty_list(care_request, by=coordinator)
    return volunteer, care_request


@pytest.mark.django_db
def test_the_duty_page_journals_each_request_shown(cpts, asked):
    volunteer, care_request = asked
    response = verified_client(volunteer.user).get(reverse("snp_request_duty", args=[cpts.slug]))
    assert response.status_code == 200
    entry = duty_reads().get()
    assert (entry.object_id, entry.actor_id, entry.cpts_id) == (str(care_request.pk), volunteer.user.pk, cpts.pk)
    assert "commune" in entry.fields


@pytest.mark.django_db
def test_the_duty_calls_api_journals_each_request_shown(client, cpts, asked):
    volunteer, care_request = asked
    _, plain = ApiToken.issue(volunteer.user, "test")
    response = client.get(f"/api/v1/cpts/{cpts.pk}/snp/duty-calls", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert response.status_code == 200, response.content
    entry = duty_reads().get()
    assert (entry.object_id, entry.actor_id) == (str(care_request.pk), volunteer.user.pk)
