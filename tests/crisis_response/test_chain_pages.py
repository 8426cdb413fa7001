"""The coordinator builds the alert chain and sets each member's channels."""

import pytest
from django.urls import reverse

from maillon.crisis_response.models import AlertLevel, AlertLevelMember, ContactPreference
from maillon.members.factories import MembershipFactory, ProfessionalFactory

from .conftest import make_member

pytestmark = pytest.mark.django_db


def chain_url(cpts):
    return reverse("crisis_response_chain", args=[cpts.slug])


def test_levels_take_the_next_rank_and_members_are_placed_once(cpts, coordinator_client):
    professional = make_member(cpts)
    coordinator_client.post(chain_url(cpts), {"action": "add_level", "name": "Référents", "wait_minutes": "10"})
    coordinator_client.post(chain_url(cpts), {"action": "add_level", "name": "Renforts", "wait_minutes": "20"})
    first, second = AlertLevel.objects.for_cpts(cpts).order_by("rank")
    assert (first.rank, second.rank) == (1, 2)

    coordinator_client.post(
        chain_url(cpts), {"action": "add_member", "level": first.pk, "professional": professional.pk}
    )
    response = coordinator_client.post(
        chain_url(cpts), {"action": "add_member", "level": second.pk, "professional": professional.pk}
    )
    assert "déjà dans la chaîne" in response.content.decode()
    assert list(AlertLevelMember.objects.values_list("level_id", flat=True)) == [first.pk]

    coordinator_client.post(chain_url(cpts), {"action": "remove_level", "pk": first.pk})
    assert list(AlertLevel.objects.for_cpts(cpts).values_list("rank", "name")) == [(1, "Renforts")]


def test_only_active_members_of_this_cpts_can_be_placed(cpts, other_cpts, coordinator_client):
    level = AlertLevel.objects.create(cpts=cpts, rank=1, name="Référents")
    stranger = MembershipFactory(cpts=other_cpts).professional
    requested = MembershipFactory(cpts=cpts, requested=True).professional
    for professional in (stranger, requested, ProfessionalFactory()):
        coordinator_client.post(
            chain_url(cpts), {"action": "add_member", "level": level.pk, "professional": professional.pk}
        )
    assert not AlertLevelMember.objects.exists()


def test_a_member_keeps_at_least_one_channel(cpts, coordinator_client):
    professional = make_member(cpts)
    response = coordinator_client.post(chain_url(cpts), {"action": "preference", "professional": professional.pk})
    assert "gardez au moins le courriel ou le SMS" in response.content.decode()
    coordinator_client.post(chain_url(cpts), {"action": "preference", "professional": professional.pk, "by_sms": "on"})
    preference = ContactPreference.objects.get()
    assert (preference.by_email, preference.by_sms) == (False, True)
