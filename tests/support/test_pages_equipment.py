"""Shared equipment through its pages: every role reads the equipment and its week's calendar
(moved week by week with links); an adherent books it for their own adhesion, the coordination
for an adherent; an overlapping booking is refused on its field; the borrower or the
coordination cancels; the coordination adds equipment; another CPTS gets 404."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.support.factories import EquipmentBookingFactory, EquipmentFactory
from maillon.support.models import BookingStatus, Equipment, EquipmentBooking, EquipmentKind
from maillon.www.toolkit.dates import monday_of, week_label

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, obj):
    return reverse(name, args=[obj.cpts.slug, obj.pk])


def at(days, hour) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def ecg(cpts):
    return EquipmentFactory(cpts=cpts, name="ECG 12 dérivations")


@pytest.fixture
def own(cpts, member):
    """The member's own active professional adhesion."""
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member, last_name="Emprunteuse"))


def test_every_role_reads_the_week_and_moves_week_by_week(cpts, member, ecg):
    later = at(21, 9)
    EquipmentBookingFactory(
        equipment=ecg, starts_at=later, ends_at=later + datetime.timedelta(hours=3), purpose="Dépistage"
    )
    client = verified_client(member)
    assert "ECG 12 dérivations" in text(client.get(reverse("equipment_list", args=[cpts.slug])))
    page = text(client.get(url("equipment_detail", ecg)))
    monday = monday_of(timezone.localdate())
    assert week_label(monday) in page
    assert f"?semaine={monday + datetime.timedelta(days=7):%Y-%m-%d}" in page
    assert f"?semaine={monday - datetime.timedelta(days=7):%Y-%m-%d}" in page
    week = text(client.get(url("equipment_detail", ecg) + f"?semaine={later.date():%Y-%m-%d}"))
    assert week_label(later.date()) in week and "de 09:00 à 12:00" in week
    assert "Dépistage" not in week  # what it is for: the borrower's and the coordination's
    assert week_label(monday) in text(client.get(url("equipment_detail", ecg) + "?semaine=pas-une-date"))


def test_a_member_books_for_their_own_adhesion_and_an_overlap_is_refused(cpts, member, own, ecg):
    client = verified_client(member)
    start = at(3, 9)
    data = {"starts_at": local(start), "ends_at": local(start + datetime.timedelta(hours=4)), "purpose": "Bilans"}
    response = client.post(url("equipment_book", ecg), data)
    booking = EquipmentBooking.objects.get(equipment=ecg)
    assert response.status_code == 302 and booking.membership == own and booking.created_by == member
    assert f"?semaine={monday_of(start.date()):%Y-%m-%d}" in response["Location"]
    overlap = {
        "starts_at": local(start + datetime.timedelta(hours=2)),
        "ends_at": local(start + datetime.timedelta(hours=6)),
    }
    response = client.post(url("equipment_book", ecg), overlap)
    assert response.status_code == 400
    assert "Réservation : le matériel est déjà réservé du" in text(response)
    assert EquipmentBooking.objects.filter(equipment=ecg).count() == 1


def test_the_coordination_books_for_an_adherent(cpts, coordinator, ecg):
    adherent = MembershipFactory(cpts=cpts)
    client = verified_client(coordinator)
    assert "Pour l'adhérent" in text(client.get(url("equipment_book", ecg)))
    start = at(5, 14)
    response = client.post(
        url("equipment_book", ecg),
        {"membership": adherent.pk, "starts_at": local(start), "ends_at": local(start + datetime.timedelta(hours=2))},
    )
    assert response.status_code == 302
    assert EquipmentBooking.objects.get(equipment=ecg).membership == adherent


def test_a_member_without_a_professional_adhesion_may_not_book(cpts, member, ecg):
    assert verified_client(member).get(url("equipment_book", ecg)).status_code == 403


def test_the_borrower_cancels_their_booking_and_another_member_may_not(cpts, member, own, ecg):
    booking = EquipmentBookingFactory(equipment=ecg, membership=own)
    other = CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=other))
    cancel = url("equipment_booking_cancel", booking)
    assert verified_client(other).post(cancel).status_code == 403
    response = verified_client(member).post(cancel)
    booking.refresh_from_db()
    assert response.status_code == 302 and booking.status == BookingStatus.CANCELLED


def test_the_coordination_adds_equipment_and_a_member_may_not(cpts, coordinator, member):
    client = verified_client(coordinator)
    response = client.post(reverse("equipment_create", args=[cpts.slug]), {"name": "", "kind": ""})
    assert response.status_code == 400
    assert "Nom : nommez le matériel" in text(response) and "Type : choisissez le type de matériel." in text(response)
    response = client.post(
        reverse("equipment_create", args=[cpts.slug]),
        {"name": "Doppler de poche", "kind": EquipmentKind.DOPPLER, "location": "Cabinet infirmier"},
    )
    equipment = Equipment.objects.get(cpts=cpts)
    assert response.status_code == 302 and response["Location"] == url("equipment_detail", equipment)
    assert verified_client(member).get(reverse("equipment_create", args=[cpts.slug])).status_code == 403


def test_another_cpts_gets_404(cpts, other_cpts, ecg):
    booking = EquipmentBookingFactory(equipment=ecg)
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(reverse("equipment_list", args=[cpts.slug])).status_code == 404
    assert client.get(url("equipment_detail", ecg)).status_code == 404
    assert client.post(url("equipment_book", ecg), {}).status_code == 404
    assert client.post(url("equipment_booking_cancel", booking)).status_code == 404
