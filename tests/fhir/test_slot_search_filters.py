"""Only the free slots their members chose to share, of the requested practitioners, in the window."""

from urllib.parse import quote

import pytest
from django.utils import timezone

from maillon.core.models import CptsStatus
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.snp.factories import AgendaFactory
from maillon.snp.models import SlotStatus

from .conftest import INCLUDES, make_slot, paris, resources, search

pytestmark = pytest.mark.django_db


def found(response):
    assert response.status_code == 200, response.content
    return {resource["id"] for resource in resources(response.json(), "Slot")}


def postal_commune(cpts):
    """The CPTS's commune, which has a postal code (the feed leaves out places without one)."""
    return cpts.territory_rows.first().commune


def ids(*slots):
    return {f"slot-{slot.pk}" for slot in slots}


def test_only_shared_free_slots_of_the_requested_practitioners_appear(sas, agenda, signed_cpts):
    shared = make_slot(agenda, paris(12, 9))
    make_slot(agenda, paris(12, 10), shared_with_sas=False)
    make_slot(agenda, paris(12, 11), status=SlotStatus.BOOKED)
    make_slot(agenda, paris(12, 12), status=SlotStatus.CANCELLED)
    colleague = ProfessionalFactory()
    MembershipFactory(cpts=signed_cpts, professional=colleague)
    other_agenda = AgendaFactory(
        cpts=signed_cpts,
        practice_place=PracticePlaceFactory(professional=colleague, commune=postal_commune(signed_cpts)),
    )
    not_asked = make_slot(other_agenda, paris(12, 9))
    assert found(search(sas, agenda.professional.rpps)) == ids(shared)
    assert found(search(sas, agenda.professional.rpps, colleague.rpps)) == ids(shared, not_asked)


def test_a_slot_not_shared_never_appears_even_asked_by_its_rpps(sas, agenda):
    """The agenda shares by default, but this slot's member said no."""
    hidden = make_slot(agenda, paris(12, 9), shared_with_sas=False)
    response = search(sas, agenda.professional.rpps, ge="2030-06-01", le="2030-06-30")
    assert found(response) == set()
    assert response.json()["total"] == 0
    assert f"slot-{hidden.pk}" not in response.content.decode()


def test_start_bounds_are_inclusive_and_other_days_stay_out(sas, agenda):
    before = make_slot(agenda, paris(12, 8, 59))
    at_ge = make_slot(agenda, paris(12, 9))
    at_le = make_slot(agenda, paris(12, 18))
    after = make_slot(agenda, paris(12, 18, 1))
    response = search(sas, agenda.professional.rpps, ge="2030-06-12T09:00:00.000+02:00", le="2030-06-12T18:00:00+02:00")
    assert found(response) == ids(at_ge, at_le)
    assert not found(response) & ids(before, after)


def test_a_date_without_time_covers_its_whole_day(sas, agenda):
    morning, night = make_slot(agenda, paris(13, 0, 0)), make_slot(agenda, paris(14, 23, 30))
    make_slot(agenda, paris(15, 0, 0))
    assert found(search(sas, agenda.professional.rpps, ge="2030-06-13", le="2030-06-14")) == ids(morning, night)


def test_a_time_in_utc_is_compared_as_an_instant(sas, agenda):
    slot = make_slot(agenda, paris(12, 16, 40))  # 14:40 UTC
    rpps = agenda.professional.rpps
    assert found(search(sas, rpps, ge="2030-06-12T14:40:00Z", le="2030-06-12T14:40:00Z")) == ids(slot)
    assert found(search(sas, rpps, ge="2030-06-12T14:41:00Z", le="2030-06-12T20:00:00Z")) == set()


def test_the_guides_request_with_an_unencoded_plus_finds_the_slot(sas, agenda):
    """The spec's example request writes « +02:00 » as is: it arrives as a space."""
    slot = make_slot(agenda, paris(12, 16, 40))
    rpps = agenda.professional.rpps
    includes = "&".join(f"{key}={value}" for key, value in INCLUDES)
    url = (
        f"/fhir/Slot?{includes}&start=ge2030-06-12T16:20:00.000+02:00&start=le2030-06-15T16:20:00.000+02:00"
        f"&schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1|8{rpps},"
        f"urn:oid:1.2.250.1.71.4.2.1|810001288385&status=free&_count=1000"
    )
    assert found(sas.get(url)) == ids(slot)


@pytest.mark.parametrize("form", ["{rpps}", "8{rpps}", "|8{rpps}", "urn:oid:1.2.250.1.71.4.2.1|{rpps}"])
def test_the_rpps_is_found_with_or_without_its_prefix(sas, agenda, form):
    slot = make_slot(agenda, paris(12, 9))
    value = quote(form.format(rpps=agenda.professional.rpps), safe="")
    url = f"/fhir/Slot?start=ge2030-06-12&start=le2030-06-12&status=free&schedule.actor:Practitioner.identifier={value}"
    assert found(sas.get(url)) == ids(slot)


def test_a_practitioner_known_by_adeli_is_found_and_answered_with_the_0_prefix(sas, signed_cpts):
    physio = ProfessionalFactory(profession="70", specialty="", rpps=None, adeli="781234567")
    MembershipFactory(cpts=signed_cpts, professional=physio)
    agenda = AgendaFactory(
        cpts=signed_cpts, practice_place=PracticePlaceFactory(professional=physio, commune=postal_commune(signed_cpts))
    )
    slot = make_slot(agenda, paris(12, 9))
    url = (
        "/fhir/Slot?start=ge2030-06-12&start=le2030-06-12&status=free"
        "&schedule.actor:Practitioner.identifier=urn:oid:1.2.250.1.71.4.2.1|0781234567"
    )
    response = sas.get(url)
    assert found(response) == ids(slot)
    (practitioner,) = resources(response.json(), "Practitioner")
    assert practitioner["identifier"][0]["value"] == "0781234567"


def test_a_cpts_without_finess_is_left_out(sas, shared_slot, signed_cpts):
    signed_cpts.finess = ""
    signed_cpts.save()
    assert found(search(sas, shared_slot.professional.rpps)) == set()


def test_a_dissolved_cpts_is_left_out(sas, shared_slot, signed_cpts):
    signed_cpts.record_step(status=CptsStatus.DISSOLVED, on=timezone.localdate(), by=None)
    assert found(search(sas, shared_slot.professional.rpps)) == set()


def test_a_professional_who_left_the_cpts_is_left_out(sas, shared_slot):
    for membership in shared_slot.professional.memberships.all():
        membership.leave(by=None)
    assert found(search(sas, shared_slot.professional.rpps)) == set()


def test_each_slot_names_its_own_cpts(sas, shared_slot, other_cpts):
    """A member of two CPTS: each slot points to the HealthcareService of the CPTS of its agenda."""
    other_cpts.finess = "780000022"
    other_cpts.save()
    professional = shared_slot.professional
    MembershipFactory(cpts=other_cpts, professional=professional)
    elsewhere = AgendaFactory(cpts=other_cpts, practice_place=shared_slot.agenda.practice_place)
    other = make_slot(elsewhere, paris(13, 9))
    bundle = search(sas, professional.rpps).json()
    services = {
        slot["id"]: slot["serviceType"][1]["extension"][0]["valueReference"]["reference"]
        for slot in resources(bundle, "Slot")
    }
    assert services == {
        f"slot-{shared_slot.pk}": f"HealthcareService/healthcareservice-{shared_slot.cpts_id}",
        f"slot-{other.pk}": f"HealthcareService/healthcareservice-{other_cpts.pk}",
    }
    assert {org["identifier"][0]["value"] for org in resources(bundle, "Organization")} == {"1780000014", "1780000022"}
