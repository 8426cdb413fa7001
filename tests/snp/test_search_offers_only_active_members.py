"""The search and booking offer only slots of professionals still active members of the CPTS."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import UserFactory
from maillon.members.models import Membership
from maillon.snp.booking import book
from maillon.snp.models import Slot
from maillon.snp.search import search

from .requests_support import commune_north, member_professional, new_request, origin_commune, slot_for


@pytest.mark.django_db
def test_the_slots_of_a_member_who_left_are_neither_offered_nor_bookable(cpts):
    staying = member_professional(cpts, commune=commune_north(2, "78002"))
    leaving = member_professional(cpts, commune=commune_north(3, "78003"))
    kept = slot_for(staying, cpts, hours_ahead=3)
    orphan = slot_for(leaving, cpts, hours_ahead=2)
    Membership.objects.get(professional=leaving).leave(by=None)
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())

    assert [hit.slot for hit in search(care_request).hits] == [kept]
    assert list(Slot.objects.bookable()) == [kept]
    with pytest.raises(ValidationError):
        book(care_request, orphan, by=care_request.requested_by)


@pytest.mark.django_db
def test_enough_and_max_steps_come_from_the_settings(cpts, settings):
    settings.MAILLON_SNP_SEARCH_ENOUGH = 1
    near = member_professional(cpts, commune=commune_north(5, "78002"))
    slot_for(near, cpts, hours_ahead=1)
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune())
    assert search(care_request).radius_km == 10  # one slot is enough: not widened
    settings.MAILLON_SNP_SEARCH_ENOUGH = 5
    settings.MAILLON_SNP_SEARCH_MAX_STEPS = 1
    assert search(care_request).radius_km == 15  # 10 km, widened once at most
