"""The API of peer help and of the CPTS's public page (maillon/api/support.py): tutoring pairs
(formed by the coordinators, read by the pair, ended by the coordinators or the tutor),
cross-trainings (a meeting polled among the audience's adherents), shared equipment booked
without overlap (by an adherent for themselves, by a coordinator for anyone), the public page's
texts (the coordinators)."""

import datetime

import pytest
from django.utils import timezone

from maillon.meetings.models import Meeting
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.professions import Profession
from maillon.support.factories import (
    EquipmentBookingFactory,
    EquipmentFactory,
    InstallationProjectFactory,
    TutoringFactory,
)
from maillon.support.models import BookingStatus, CrossTraining, EquipmentBooking, PublicSite, Tutoring

from .api_helpers import call, field_errors, people, support_url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def moment(days, hour):
    when = timezone.localtime() + datetime.timedelta(days=days)
    return when.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def test_the_coordinator_forms_a_pair_the_pair_reads_it_the_tutor_ends_it(cpts):
    world = people(cpts)
    project = InstallationProjectFactory(cpts=cpts)
    url = support_url(cpts, "tutoring")
    body = {
        "tutor": world.adhesions["tutor"].pk,
        "tutee_name": "Camille Durand",
        "installation": project.pk,
        "topic": "Les premiers mois au cabinet",
    }
    assert call("post", url, world.headers("member"), body).status_code == 403
    coordinator = world.headers("coordinator")
    assert list(field_errors(call("post", url, coordinator, {**body, "tutee_name": ""}))) == ["tutee_name"]
    assert list(field_errors(call("post", url, coordinator, {**body, "installation": 0}))) == ["installation"]
    same = {**body, "tutee_membership": world.adhesions["tutor"].pk}
    assert list(field_errors(call("post", url, coordinator, same))) == ["tutee_membership"]
    assert not Tutoring.objects.exists()
    response = call("post", url, coordinator, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["tutee_label"], created["installation_id"], created["started_on"]) == (
        "Camille Durand",
        project.pk,
        TODAY.isoformat(),
    )
    assert call("get", url, world.headers("tutor")).json()["count"] == 1
    assert call("get", f"{url}/{created['id']}", world.headers("tutor")).json()["topic"] == body["topic"]
    assert call("get", url, world.headers("member")).json()["count"] == 0
    assert call("get", f"{url}/{created['id']}", world.headers("member")).status_code == 404
    end = f"{url}/{created['id']}/end"
    future = (TODAY + datetime.timedelta(days=2)).isoformat()
    assert list(field_errors(call("post", end, world.headers("tutor"), {"on": future}))) == ["on"]
    ended = call("post", end, world.headers("tutor"), {})
    assert (ended.status_code, ended.json()["status"], ended.json()["ended_on"]) == (200, "ended", TODAY.isoformat())
    assert call("post", end, coordinator, {}).status_code == 409


def test_a_member_may_not_end_a_pair_they_are_not_the_tutor_of(cpts):
    world = people(cpts)
    tutoring = TutoringFactory(
        cpts=cpts, tutor=MembershipFactory(cpts=cpts), tutee_membership=world.adhesions["member"]
    )
    end = support_url(cpts, f"tutoring/{tutoring.pk}/end")
    assert call("post", end, world.headers("member"), {}).status_code == 403
    assert call("post", end, world.headers("author"), {}).status_code == 404


def test_a_cross_training_is_a_meeting_polled_among_the_audience(cpts):
    world = people(cpts)
    nurse = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(profession=Profession.INFIRMIER))
    url = support_url(cpts, "cross-trainings")
    body = {
        "title": "Les dispositifs d'inhalation",
        "trainer": world.adhesions["member"].pk,
        "audience": [Profession.INFIRMIER],
        "slots": [{"starts_at": "2030-03-05T20:00:00", "ends_at": "2030-03-05T21:30:00"}],
        "visio_url": "",
    }
    assert call("post", url, world.headers("member"), body).status_code == 403
    coordinator = world.headers("coordinator")
    assert list(field_errors(call("post", url, coordinator, {**body, "audience": []}))) == ["audience"]
    assert list(field_errors(call("post", url, coordinator, {**body, "visio_url": "pas une adresse"}))) == ["visio_url"]
    assert list(field_errors(call("post", url, coordinator, {**body, "trainer": 0}))) == ["trainer"]
    assert not Meeting.objects.exists()
    response = call("post", url, coordinator, body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["audience"] == [{"code": Profession.INFIRMIER.value, "label": "Infirmier"}]
    training = CrossTraining.objects.get()
    assert training.meeting.mission == 6
    assert nurse.pk in set(training.meeting.invitations.values_list("membership_id", flat=True))
    assert created["meeting"]["id"] == training.meeting_id
    assert call("get", f"{url}/{created['id']}", world.headers("author")).json()["title"] == body["title"]


def test_an_adherent_books_equipment_for_themselves_without_overlap(cpts):
    world = people(cpts)
    equipment = EquipmentFactory(cpts=cpts)
    url = support_url(cpts, f"equipment/{equipment.pk}/bookings")
    body = {"starts_at": moment(1, 9), "ends_at": moment(1, 12), "purpose": "Bilan cardiaque"}
    response = call("post", url, world.headers("member"), body)
    assert response.status_code == 201, response.content
    assert response.json()["membership"]["id"] == world.adhesions["member"].pk
    overlap = field_errors(call("post", url, world.headers("author"), {**body, "starts_at": moment(1, 11)}))
    assert list(overlap) == ["starts_at"]
    too_long = {**body, "ends_at": moment(20, 12)}
    assert list(field_errors(call("post", url, world.headers("author"), too_long))) == ["ends_at"]
    someone_else = {**body, "starts_at": moment(2, 9), "ends_at": moment(2, 10)}
    for_other = call("post", url, world.headers("author"), {**someone_else, "membership": world.adhesions["member"].pk})
    assert list(field_errors(for_other)) == ["membership"]
    assert EquipmentBooking.objects.count() == 1
    # Every adherent reads who has it when; what for, only the borrower and the coordination.
    listed = call("get", url, world.headers("author")).json()
    assert (listed["count"], listed["items"][0]["purpose"]) == (1, "")
    assert call("get", url, world.headers("member")).json()["items"][0]["purpose"] == "Bilan cardiaque"
    assert call("get", url, world.headers("coordinator")).json()["items"][0]["purpose"] == "Bilan cardiaque"


def test_a_coordinator_books_for_an_adherent_and_needs_one_without_an_adhesion(cpts):
    world = people(cpts)
    equipment = EquipmentFactory(cpts=cpts)
    url = support_url(cpts, f"equipment/{equipment.pk}/bookings")
    body = {"starts_at": moment(3, 9), "ends_at": moment(3, 12)}
    assert list(field_errors(call("post", url, world.headers("coordinator"), body))) == ["membership"]
    response = call("post", url, world.headers("coordinator"), {**body, "membership": world.adhesions["author"].pk})
    assert (response.status_code, response.json()["membership"]["id"]) == (201, world.adhesions["author"].pk)


def test_a_booking_is_cancelled_by_its_borrower_or_a_coordinator_once(cpts):
    world = people(cpts)
    booking = EquipmentBookingFactory(equipment__cpts=cpts, membership=world.adhesions["author"])
    url = support_url(cpts, f"equipment-bookings/{booking.pk}/cancel")
    assert call("post", url, world.headers("member"), {}).status_code == 403
    cancelled = call("post", url, world.headers("author"), {"note": "Plus besoin"})
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    again = call("post", url, world.headers("coordinator"), {})
    assert (again.status_code, again.json()["status"], again.json()["status_label"]) == (
        409,
        "cancelled",
        BookingStatus.CANCELLED.label,
    )


def test_the_coordinator_manages_the_equipment(cpts):
    world = people(cpts)
    url = support_url(cpts, "equipment")
    body = {"name": "Doppler de poche", "kind": "doppler", "location": "MSP, accueil"}
    assert call("post", url, world.headers("member"), body).status_code == 403
    assert list(field_errors(call("post", url, world.headers("coordinator"), {**body, "holder": 0}))) == ["holder"]
    created = call("post", url, world.headers("coordinator"), {**body, "holder": world.adhesions["member"].pk})
    assert created.status_code == 201, created.content
    assert (created.json()["kind_label"], created.json()["holder"]["id"]) == ("Doppler", world.adhesions["member"].pk)
    patched = call("patch", f"{url}/{created.json()['id']}", world.headers("coordinator"), {"holder": None})
    assert patched.json()["holder"] is None
    assert call("get", url, world.headers("member"), kind="doppler").json()["count"] == 1
    assert call("get", url, world.headers("outsider")).status_code == 404


def test_the_coordinator_writes_the_public_page(cpts):
    world = people(cpts)
    url = support_url(cpts, "site")
    blank = call("get", url, world.headers("member")).json()
    assert (blank["intro"], blank["updated_at"], blank["url"]) == (
        "",
        None,
        "http://testserver/cpts/plaine-de-versailles/",
    )
    body = {"intro": "Soigner ensemble.", "patient_phone": "01 23 45 67 89", "show_ads": False}
    assert call("put", url, world.headers("member"), body).status_code == 403
    assert list(field_errors(call("put", url, world.headers("coordinator"), {"patient_email": "x"}))) == [
        "patient_email"
    ]
    saved = call("put", url, world.headers("coordinator"), body).json()
    assert (saved["intro"], saved["show_ads"], saved["updated_by"]["id"]) == (
        "Soigner ensemble.",
        False,
        world.users["coordinator"].pk,
    )
    assert PublicSite.objects.get(cpts=cpts).patient_phone == "01 23 45 67 89"
    assert call("put", url, world.headers("coordinator"), {}).json()["intro"] == ""
