"""Every policy of maillon/snp/policies.py, asked for every role of the rights matrix
(tests/policy_matrix.py): who sees same-day care requests (patient data), bookings, duty calls,
slots and agendas, and what a SAS client reads through FHIR. A platform admin without a role
sees none of it; so does an observer or an authority of the territory."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.core.models import ApiToken
from maillon.members.factories import PracticePlaceFactory
from maillon.snp import policies
from maillon.snp.factories import (
    AgendaFactory,
    BookingFactory,
    CareRequestFactory,
    DutyCallFactory,
    SasClientFactory,
    SlotFactory,
    SlotSeriesFactory,
)
from maillon.snp.models import RequesterKind, Slot
from maillon.territories.factories import PostalCodeFactory
from tests.conftest import api_headers, verified_client
from tests.policy_matrix import CPTS_ROLES, NOBODY, assert_matrix, build_world

pytestmark = pytest.mark.django_db

COORDINATOR = {"coordinator"}
OWNER = {"member"}  # the professional of the slots, agendas and appointments; the requester
DESK = CPTS_ROLES | {"sas_regulator"}

EXPECTED = {
    # The requests' desk: a role in the CPTS or the SAS regulation over it.
    "can_use_requests": DESK,
    "can_create_request": DESK,
    "can_see_all_requests": COORDINATOR,
    # Their own request (member), the one they are booked for (member), the SAS's (regulation).
    "visible_requests": COORDINATOR | OWNER | {"sas_regulator"},
    # The member's own request (a MEMBER request: the SAS regulation has no part in it).
    "can_place_request": COORDINATOR | OWNER,
    "can_see_request": COORDINATOR | OWNER,
    "can_see_duty_calls_of": COORDINATOR,
    # A SAS request booked with the member: the SAS places it, the member receives the patient.
    "can_see_booking": COORDINATOR | OWNER | {"sas_regulator"},
    "can_cancel_booking": COORDINATOR | OWNER | {"sas_regulator"},
    "can_record_outcome": COORDINATOR | OWNER,
    "can_see_appointments": CPTS_ROLES,
    "can_use_duty_list": CPTS_ROLES,
    "visible_duty_calls": OWNER,
    "can_answer_call": OWNER,
    # Slots: the members (both cards are médecins with an active adhesion) and the coordination.
    "can_use_slots": CPTS_ROLES,
    "can_publish_slots": {"member", "other_member"},
    "can_see_all_slots": COORDINATOR,
    "visible_slots": COORDINATOR | OWNER,
    "can_see_slot": COORDINATOR | OWNER,
    "can_cancel_slot": COORDINATOR | OWNER,
    "can_share_slot": OWNER,
    "can_see_series": COORDINATOR | OWNER,
    "can_edit_series": OWNER,
    "visible_agendas": OWNER,
    "can_manage_agenda": OWNER,
    "can_set_up_snp": COORDINATOR,
    # Only a SAS client account (nobody of the world is one): see the test below.
    "visible_sas_slots": NOBODY,
}


def snp_world():
    """The world, with the member's agenda, slot, series, request, duty call, and a SAS request
    booked with the member — all made before any policy is asked (lists read what exists)."""
    world = build_world()
    cpts, member, regulator = world.cpts, world["member"], world["sas_regulator"]
    commune = cpts.territory_rows.get().commune
    place = PracticePlaceFactory(professional=world.professional, commune=commune)
    agenda = AgendaFactory(cpts=cpts, practice_place=place, professional=world.professional, shares_with_sas=True)
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=1)
    objects = {
        "agenda": agenda,
        "slot": SlotFactory(agenda=agenda, start=start, shared_with_sas=True),
        "series": SlotSeriesFactory(agenda=agenda),
        "care_request": CareRequestFactory(cpts=cpts, requested_by=member, requester_kind=RequesterKind.MEMBER),
    }
    objects["call"] = DutyCallFactory(request=objects["care_request"], professional=world.professional)
    sas_request = CareRequestFactory(
        cpts=cpts, requested_by=regulator, requester_kind=RequesterKind.SAS, status="booked"
    )
    objects["booking"] = BookingFactory(
        slot=SlotFactory(agenda=agenda, start=start + datetime.timedelta(hours=2), status="booked"),
        request=sas_request,
    )
    return world, objects


def targets(objects):
    return {
        "cpts": lambda world: world.cpts,
        "slots": lambda world: Slot.objects.for_cpts(world.cpts),
        **{name: (lambda world, obj=obj: obj) for name, obj in objects.items()},
    }


def test_every_snp_policy_for_every_role():
    world, objects = snp_world()
    assert_matrix(policies, EXPECTED, targets(objects), world)


def test_a_sas_client_reads_only_the_slots_shared_with_the_sas():
    world, objects = snp_world()
    world.cpts.finess = "910000000"
    world.cpts.save()
    slot = objects["slot"]
    PostalCodeFactory(code="91000", commune=slot.agenda.practice_place.commune)
    hidden = SlotFactory(
        agenda=objects["agenda"], start=slot.start + datetime.timedelta(hours=4), shared_with_sas=False
    )
    client = SasClientFactory().user
    slots = Slot.objects.for_cpts(world.cpts)

    assert list(policies.visible_sas_slots(client, slots)) == [slot]
    assert hidden not in policies.visible_sas_slots(client, slots)
    for role in ("admin", "sas_regulator", "coordinator", "member"):
        assert not policies.visible_sas_slots(world[role], slots).exists()


def test_a_platform_admin_sees_no_request_nor_slot_on_the_pages_and_the_api():
    world, objects = snp_world()
    cpts, care_request = world.cpts, objects["care_request"]
    admin = UserFactory(is_superuser=True, is_staff=True, with_totp=True)
    client = verified_client(admin)
    for name, args in (
        ("snp_requests", [cpts.slug]),
        ("snp_request_new", [cpts.slug]),
        ("snp_request_detail", [cpts.slug, care_request.pk]),
        ("snp_request_duty", [cpts.slug]),
        ("snp_request_appointments", [cpts.slug]),
        ("snp_slots", [cpts.slug]),
        ("snp_slot_cancel", [cpts.slug, objects["slot"].pk]),
        ("snp_slot_setup", [cpts.slug]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    api = Client(**api_headers(admin))  # their session: a platform admin's token authenticates nothing
    for path in ("snp/requests", f"snp/requests/{care_request.pk}", "snp/slots?scope=cpts", "snp/agendas"):
        response = api.get(f"/api/v1/cpts/{cpts.pk}/{path}")
        assert response.status_code == 404, path
        assert response.json() == {"detail": "CPTS introuvable."}


def test_the_booked_member_sees_the_request_but_does_not_place_it():
    """Visible but not theirs to place: 403, on the page and in the API alike."""
    world, objects = snp_world()
    booking = objects["booking"]
    member = world["member"]
    page = verified_client(member).post(reverse("snp_request_cancel", args=[world.cpts.slug, booking.request_id]))
    _, token = ApiToken.issue(member, "Tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        f"/api/v1/cpts/{world.cpts.pk}/snp/requests/{booking.request_id}/cancel", content_type="application/json"
    )
    assert page.status_code == 403
    assert api.status_code == 403
