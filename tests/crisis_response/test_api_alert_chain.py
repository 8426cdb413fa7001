"""Through the API, the coordination reads and builds the alert chain and sets a member's
channels; members shown are journaled; another CPTS's member is 404."""

import json

import pytest

from maillon.core.models import ApiToken, JournalEntry
from maillon.crisis_response.models import AlertLevelMember, ContactPreference

from .conftest import make_member

pytestmark = pytest.mark.django_db


def call(client, method, url, user, body=None):
    _, plain = ApiToken.issue(user, "Tests")
    extra = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)("/api/v1" + url, HTTP_AUTHORIZATION=f"Bearer {plain}", **extra)


def test_the_coordinator_builds_the_chain_and_reads_it(client, cpts, coordinator):
    professional = make_member(cpts)
    levels = call(client, "post", f"/cpts/{cpts.pk}/alert-chain/levels", coordinator, {"name": "Référents"}).json()
    url = f"/cpts/{cpts.pk}/alert-chain/levels/{levels[0]['id']}/members"
    assert call(client, "post", url, coordinator, {"professional_id": professional.pk}).status_code == 201
    chain = call(client, "get", f"/cpts/{cpts.pk}/alert-chain", coordinator).json()
    assert [(level["rank"], [m["professional_id"] for m in level["members"]]) for level in chain] == [
        (1, [professional.pk])
    ]
    assert JournalEntry.objects.filter(object_type="members.Professional", object_id=str(professional.pk)).exists()
    again = call(client, "post", url, coordinator, {"professional_id": professional.pk})
    assert again.status_code == 409 and AlertLevelMember.objects.count() == 1


def test_a_members_channels_keep_at_least_one(client, cpts, coordinator):
    professional = make_member(cpts)
    url = f"/cpts/{cpts.pk}/alert-chain/preferences/{professional.pk}"
    assert call(client, "put", url, coordinator, {"by_email": False, "by_sms": False}).status_code == 409
    assert call(client, "put", url, coordinator, {"by_email": False, "by_sms": True}).status_code == 200
    preference = ContactPreference.objects.get(professional=professional)
    assert (preference.by_email, preference.by_sms) == (False, True)


def test_a_member_of_another_cpts_is_not_found(client, cpts, other_cpts, coordinator):
    stranger = make_member(other_cpts)
    url = f"/cpts/{cpts.pk}/alert-chain/preferences/{stranger.pk}"
    assert call(client, "put", url, coordinator, {"by_email": True, "by_sms": True}).status_code == 404


def test_a_member_without_the_coordination_role_gets_404(client, cpts, member):
    assert call(client, "get", f"/cpts/{cpts.pk}/alert-chain", member).status_code == 404
