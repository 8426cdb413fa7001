"""The search: nearest first inside the SAS radius, widened by its step, in the request's window."""

import pytest

from maillon.core.factories import UserFactory
from maillon.snp.models import Audience
from maillon.snp.radius import radius_for
from maillon.snp.search import haversine_km, search

from .requests_support import commune_north, member_professional, new_request, origin_commune, slot_for


def test_the_sas_radius_of_a_departement_comes_from_the_ans_table(settings):
    assert (radius_for("78").default_km, radius_for("78").step_km) == (10, 5)
    assert (radius_for("2A").default_km, radius_for("2A").step_km) == (30, 15)


def test_a_departement_without_a_radius_gets_the_settings_default(settings):
    settings.MAILLON_SNP_DEFAULT_SEARCH_RADIUS_KM = 33
    settings.MAILLON_SNP_DEFAULT_SEARCH_STEP_KM = 11
    assert (radius_for("976").default_km, radius_for("976").step_km) == (33, 11)


def test_haversine_of_one_degree_of_latitude_is_about_111_km():
    assert 110 < haversine_km(48.0, 2.0, 49.0, 2.0) < 112


@pytest.mark.django_db
def test_nearest_first_then_earliest(cpts):
    patient_commune = origin_commune()
    near = member_professional(cpts, commune=commune_north(2, "78002"))
    far = member_professional(cpts, commune=commune_north(8, "78003"))
    far_slot = slot_for(far, cpts, hours_ahead=1)
    near_late = slot_for(near, cpts, hours_ahead=5)
    near_early = slot_for(near, cpts, hours_ahead=3)
    care_request = new_request(cpts, by=UserFactory(), commune=patient_commune)
    result = search(care_request)
    assert [hit.slot for hit in result.hits] == [near_early, near_late, far_slot]
    assert round(result.hits[0].distance_km) == 2


@pytest.mark.django_db
def test_the_radius_widens_by_the_step_until_enough_slots(cpts):
    patient_commune = origin_commune()
    near = member_professional(cpts, commune=commune_north(5, "78002"))
    farther = member_professional(cpts, commune=commune_north(13, "78003"))
    for hours in (1, 2, 3):
        slot_for(near, cpts, hours_ahead=hours)
    for hours in (1, 2):
        slot_for(farther, cpts, hours_ahead=hours)
    care_request = new_request(cpts, by=UserFactory(), commune=patient_commune)
    result = search(care_request)
    # 3 slots within 10 km are not enough: widened once to 15 km, where there are 5.
    assert result.radius_km == 15
    assert len(result.hits) == 5


@pytest.mark.django_db
def test_slots_beyond_the_largest_radius_are_never_proposed(cpts):
    patient_commune = origin_commune()
    beyond = member_professional(cpts, commune=commune_north(45, "78002"))
    slot_for(beyond, cpts)
    care_request = new_request(cpts, by=UserFactory(), commune=patient_commune)
    result = search(care_request)
    assert result.hits == []
    assert result.radius_km == 30  # 10 km + 4 steps of 5 km


@pytest.mark.django_db
def test_slots_after_the_deadline_or_of_another_profession_or_booked_are_left_out(cpts):
    patient_commune = origin_commune()
    doctor = member_professional(cpts, commune=patient_commune)
    fits = slot_for(doctor, cpts, hours_ahead=2)
    slot_for(doctor, cpts, hours_ahead=30)  # after the 24 h deadline
    slot_for(doctor, cpts, hours_ahead=3, status="booked")
    slot_for(doctor, cpts, hours_ahead=4, profession="60")
    care_request = new_request(cpts, by=UserFactory(), commune=patient_commune)
    assert [hit.slot for hit in search(care_request).hits] == [fits]


@pytest.mark.django_db
def test_the_sas_sees_only_shared_slots_and_never_cpts_only_ones(cpts):
    patient_commune = origin_commune()
    doctor = member_professional(cpts, commune=patient_commune)
    shared_public = slot_for(doctor, cpts, hours_ahead=1, shared_with_sas=True)
    shared_snp = slot_for(doctor, cpts, hours_ahead=2, shared_with_sas=True, audience=Audience.SNP)
    slot_for(doctor, cpts, hours_ahead=3, shared_with_sas=True, audience=Audience.CPTS)
    slot_for(doctor, cpts, hours_ahead=4, shared_with_sas=False)
    care_request = new_request(cpts, by=UserFactory(), commune=patient_commune, kind="sas")
    assert [hit.slot for hit in search(care_request).hits] == [shared_public, shared_snp]


@pytest.mark.django_db
def test_a_member_sees_cpts_slots_but_not_those_reserved_to_the_sas(cpts):
    patient_commune = origin_commune()
    doctor = member_professional(cpts, commune=patient_commune)
    public = slot_for(doctor, cpts, hours_ahead=1)
    cpts_only = slot_for(doctor, cpts, hours_ahead=2, audience=Audience.CPTS)
    slot_for(doctor, cpts, hours_ahead=3, audience=Audience.SNP, shared_with_sas=True)
    care_request = new_request(cpts, by=UserFactory(), commune=patient_commune)
    assert [hit.slot for hit in search(care_request).hits] == [public, cpts_only]


@pytest.mark.django_db
def test_slots_of_another_cpts_are_never_proposed(cpts, other_cpts):
    patient_commune = origin_commune()
    elsewhere = member_professional(other_cpts, commune=patient_commune)
    slot_for(elsewhere, other_cpts)
    care_request = new_request(cpts, by=UserFactory(), commune=patient_commune)
    assert search(care_request).hits == []
