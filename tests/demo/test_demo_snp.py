"""The demo's same-day care, without the commune import: a coming week of slots, four past
weeks of requests whose statuses, events and bookings agree, and a SAS client that finds
the shared slots through GET /fhir/Slot."""

import datetime
import itertools
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import ApiToken, CptsStatus, JournalEntry
from maillon.demo import snp
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.snp.models import (
    Agenda,
    Booking,
    CareRequest,
    DutyCall,
    Outcome,
    RequesterKind,
    RequestEvent,
    RequestStatus,
    SasClient,
    Slot,
    SlotStatus,
)
from maillon.territories.factories import (
    CommuneFactory,
    PostalCodeFactory,
    TerritoryCommuneFactory,
    TerritoryRoleFactory,
)
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db
SEED = 7


@pytest.fixture
def demo_cpts():
    cpts = CptsFactory(slug="demo-snp", status=CptsStatus.ACI_SIGNED, finess="780000014")
    communes = [CommuneFactory() for _ in range(3)]
    for commune in communes:
        TerritoryCommuneFactory(cpts=cpts, commune=commune)

    def member(index, **fields):
        professional = ProfessionalFactory(**fields)
        PracticePlaceFactory(professional=professional, commune=communes[index % 3])
        MembershipFactory(cpts=cpts, professional=professional)

    for index in range(6):
        member(index, takes_part_in_snp=True)
    for index in range(4):
        member(index)
    for index in range(4):
        member(index, nurse=True)
    for index in range(3):
        member(index, profession="70", specialty="")
    return cpts


@pytest.fixture
def regulator(demo_cpts):
    departement = demo_cpts.territory_rows.first().commune.departement
    return TerritoryRoleFactory(role="sas_regulator", departement=departement, user=UserFactory()).user


@pytest.fixture
def loaded(demo_cpts, regulator):
    coordinator = UserFactory()
    today = timezone.localdate()
    # Imported communes have postal codes, which the SAS's Location needs; these are made here.
    for commune in Commune.objects.filter(postal_codes__isnull=True):
        PostalCodeFactory(commune=commune, code=f"{commune.code[:2]}000")
    result = snp.ensure_snp(demo_cpts, coordinator, seed=SEED, today=today)
    return demo_cpts, coordinator, today, result


def test_agendas_go_to_the_volunteer_doctors_and_a_few_nurses_and_physios(loaded):
    cpts, _, _, result = loaded
    agendas = Agenda.objects.for_cpts(cpts).select_related("professional")
    professions = Counter(agenda.professional.profession for agenda in agendas)
    assert professions == {"10": 6, "60": 3, "70": 2}
    assert all(a.professional.takes_part_in_snp for a in agendas if a.professional.profession == "10")
    assert result["agendas"] == len(agendas)


def test_the_coming_week_has_slots_some_shared_of_mixed_audiences_some_booked(loaded):
    cpts, _, today, _ = loaded
    coming = Slot.objects.for_cpts(cpts).filter(start__date__gt=today)
    assert coming.count() > 30
    days = {timezone.localtime(slot.start).date() for slot in coming}
    assert min(days) >= today + datetime.timedelta(days=1) and max(days) <= today + datetime.timedelta(days=7)
    assert all(7 <= timezone.localtime(slot.start).hour <= 20 for slot in coming)
    assert coming.filter(shared_with_sas=True).exists() and coming.filter(shared_with_sas=False).exists()
    assert len(set(coming.values_list("audience", flat=True))) >= 3
    booked = coming.filter(status=SlotStatus.BOOKED)
    assert booked.exists() and coming.filter(status=SlotStatus.FREE).count() > booked.count()
    for slot in booked:
        (booking,) = slot.bookings.all()
        assert booking.outcome == Outcome.PENDING and booking.request.status == RequestStatus.BOOKED
        assert booking.appointment_at == slot.start


def test_past_requests_have_consistent_events_bookings_and_outcomes(loaded):
    cpts, _, today, _ = loaded
    past = CareRequest.objects.for_cpts(cpts).filter(created_at__date__lt=today)
    assert 20 <= past.count() <= 50
    assert all(today - datetime.timedelta(days=30) <= r.created_at.date() for r in past)
    for care_request in CareRequest.objects.for_cpts(cpts):
        events = list(RequestEvent.objects.filter(request=care_request).order_by("at", "pk"))
        assert (events[0].from_status, events[0].to_status) == ("", RequestStatus.OPEN)
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status and after.at >= before.at
        assert events[-1].to_status == care_request.status
        live = Booking.objects.filter(request=care_request, cancelled_at__isnull=True)
        if care_request.status == RequestStatus.CANCELLED:
            assert not live.exists()
            continue
        (booking,) = live
        assert booking.via_sas == (care_request.requester_kind == RequesterKind.SAS)
        assert booking.appointment_at > care_request.created_at
        if care_request.status == RequestStatus.CLOSED:
            assert booking.outcome != Outcome.PENDING
            assert booking.appointment_at < booking.outcome_at <= timezone.now()
            assert events[-1].note == Outcome(booking.outcome).label
        if booking.slot_id:
            assert booking.slot.status == SlotStatus.BOOKED and booking.slot.start == booking.appointment_at
            if booking.via_sas:
                assert booking.slot.shared_with_sas
        else:
            accepted = DutyCall.objects.get(request=care_request, answer="accepted")
            assert accepted.professional_id == booking.professional_id
    outcomes = set(Booking.objects.for_cpts(cpts).values_list("outcome", flat=True))
    assert {Outcome.HONOURED, Outcome.NO_SHOW} <= outcomes
    assert outcomes & {Outcome.REDIRECTED_ED, Outcome.REDIRECTED_SPECIALIST}
    assert past.filter(status=RequestStatus.CANCELLED).exists()
    assert DutyCall.objects.filter(request__cpts=cpts).exists()


def test_sas_requests_are_made_by_the_regulator(loaded, regulator):
    cpts, _, _, _ = loaded
    sas = CareRequest.objects.for_cpts(cpts).filter(requester_kind=RequesterKind.SAS)
    assert sas.exists()
    assert set(sas.values_list("requested_by", flat=True)) == {regulator.pk}
    assert CareRequest.objects.for_cpts(cpts).filter(requester_kind=RequesterKind.COORDINATOR).exists()


def test_a_second_load_changes_nothing(loaded):
    cpts, coordinator, today, _ = loaded
    models = [Agenda, Slot, CareRequest, RequestEvent, Booking, DutyCall, JournalEntry]
    before = {model.__name__: model.objects.count() for model in models}
    assert snp.ensure_snp(cpts, coordinator, seed=SEED, today=today) is None
    assert {model.__name__: model.objects.count() for model in models} == before


def test_a_later_load_adds_a_new_week_once_the_last_is_over(loaded):
    cpts, coordinator, today, _ = loaded
    later = today + datetime.timedelta(days=10)
    result = snp.ensure_snp(cpts, coordinator, seed=SEED, today=later)
    assert result["slots"] > 0 and result["requests"] == 0
    assert Slot.objects.for_cpts(cpts).filter(start__date__gt=later).count() == result["slots"]


def test_a_cpts_without_aci_gets_nothing(regulator):
    cpts = CptsFactory(status=CptsStatus.NEGOTIATION)
    assert snp.ensure_snp(cpts, UserFactory(), seed=SEED, today=timezone.localdate()) is None
    assert not Agenda.objects.for_cpts(cpts).exists()


def test_the_demo_is_deterministic(demo_cpts, regulator):
    today = datetime.date(2030, 3, 4)
    snp.ensure_snp(demo_cpts, UserFactory(), seed=SEED, today=today)
    first = list(Slot.objects.for_cpts(demo_cpts).order_by("pk").values_list("professional", "start", "audience"))
    Booking.objects.all().delete(), Slot.objects.all().delete(), CareRequest.objects.all().delete()
    Agenda.objects.all().delete()
    snp.ensure_snp(demo_cpts, UserFactory(), seed=SEED, today=today)
    again = list(Slot.objects.for_cpts(demo_cpts).order_by("pk").values_list("professional", "start", "audience"))
    assert again == first


def test_the_sas_client_finds_the_shared_slots_of_its_rpps(loaded):
    cpts, _, today, _ = loaded
    credentials = snp.ensure_sas_client(SEED)
    assert credentials == snp.ensure_sas_client(SEED), "idempotent, same token"
    assert SasClient.objects.count() == 1 and ApiToken.objects.filter(user__sas_client__isnull=False).count() == 1
    assert 0 < len(credentials["rpps"]) <= 25
    query = urlencode(
        [
            ("start", f"ge{today + datetime.timedelta(days=1)}"),
            ("start", f"le{today + datetime.timedelta(days=7)}"),
            ("schedule.actor:Practitioner.identifier", ",".join(f"8{rpps}" for rpps in credentials["rpps"])),
            ("status", "free"),
        ]
    )
    response = Client().get(f"/fhir/Slot?{query}", HTTP_AUTHORIZATION=f"Bearer {credentials['token']}")
    assert response.status_code == 200
    # A FHIR client token: nothing on the API.
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {credentials['token']}").status_code == 401
    bundle = response.json()
    shared = Slot.objects.for_cpts(cpts).filter(shared_with_sas=True, status=SlotStatus.FREE, start__date__gt=today)
    assert bundle["total"] == shared.count() > 0
