"""Shared equipment (an ECG, a doppler…) booked by an adherent over [starts_at, ends_at) through
`services.book_equipment`: refused over another booking of the same equipment (field `starts_at`,
naming the taken period in local time), over 14 days, in the past, for an equipment no longer
lent, or for a borrower who is not an active professional adhesion of the CPTS. A booking is
cancelled through its workflow (booked → cancelled), which frees its time."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import TransitionNotAllowed
from maillon.members.factories import MembershipFactory
from maillon.members.models import MembershipStatus
from maillon.support import services
from maillon.support.factories import EquipmentBookingFactory, EquipmentFactory
from maillon.support.models import BookingStatus, EquipmentBooking, EquipmentBookingEvent

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# 9:00, Paris time, a week from now.
NINE = timezone.make_aware(datetime.datetime.combine(timezone.localdate() + 7 * DAY, datetime.time(9, 0)))


@pytest.fixture
def equipment(cpts):
    return EquipmentFactory(cpts=cpts, name="ECG portable")


@pytest.fixture
def borrower(cpts):
    return MembershipFactory(cpts=cpts)


def book(equipment, membership, starts_at, ends_at, by=None, **fields):
    return services.book_equipment(
        equipment=equipment, membership=membership, by=by, starts_at=starts_at, ends_at=ends_at, **fields
    )


def booked(equipment):
    return EquipmentBooking.objects.filter(equipment=equipment, status=BookingStatus.BOOKED)


def test_a_booking_takes_the_equipment_for_its_period(equipment, borrower, member):
    booking = book(equipment, borrower, NINE, NINE + 3 * HOUR, by=member, purpose="  Dépistage en EHPAD ")
    stored = EquipmentBooking.objects.get(pk=booking.pk)
    assert (stored.cpts_id, stored.equipment, stored.membership, stored.created_by) == (
        equipment.cpts_id,
        equipment,
        borrower,
        member,
    )
    assert (stored.starts_at, stored.ends_at, stored.purpose, stored.status) == (
        NINE,
        NINE + 3 * HOUR,
        "Dépistage en EHPAD",
        BookingStatus.BOOKED,
    )


def test_an_overlapping_booking_is_refused_naming_the_taken_period(equipment, borrower, cpts):
    book(equipment, borrower, NINE, NINE + 3 * HOUR)
    other = MembershipFactory(cpts=cpts)
    for starts_at, ends_at in (
        (NINE - HOUR, NINE + HOUR),  # across its start
        (NINE + HOUR, NINE + 2 * HOUR),  # inside
        (NINE + 2 * HOUR, NINE + 5 * HOUR),  # across its end
        (NINE - HOUR, NINE + 4 * HOUR),  # around
    ):
        with pytest.raises(ValidationError) as refused:
            book(equipment, other, starts_at, ends_at)
        assert refused.value.message_dict == {
            "starts_at": [
                f"Réservation : le matériel est déjà réservé du {NINE:%d/%m/%Y} à 09:00 au {NINE:%d/%m/%Y} à 12:00. "
                "Choisissez un autre moment."
            ]
        }
    assert booked(equipment).count() == 1


def test_back_to_back_bookings_and_another_equipment_are_free(equipment, borrower, cpts):
    book(equipment, borrower, NINE, NINE + 3 * HOUR)
    book(equipment, borrower, NINE + 3 * HOUR, NINE + 5 * HOUR)
    book(equipment, borrower, NINE - 2 * HOUR, NINE)
    doppler = EquipmentFactory(cpts=cpts, kind="doppler")
    book(doppler, borrower, NINE, NINE + 3 * HOUR)
    assert booked(equipment).count() == 3 and booked(doppler).count() == 1


def test_a_cancelled_booking_frees_its_time_and_writes_its_log(equipment, borrower, member):
    booking = book(equipment, borrower, NINE, NINE + 3 * HOUR)
    booking.cancel(by=member, note="Plus besoin")
    assert EquipmentBooking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert list(
        EquipmentBookingEvent.objects.filter(booking=booking).values_list("from_status", "to_status", "note")
    ) == [("booked", "cancelled", "Plus besoin")]
    assert JournalEntry.objects.filter(
        action="transition", object_type="support.EquipmentBooking", object_id=str(booking.pk)
    ).exists()
    assert book(equipment, borrower, NINE, NINE + 3 * HOUR).status == BookingStatus.BOOKED
    with pytest.raises(TransitionNotAllowed) as refused:
        booking.cancel(by=member)
    assert refused.value.detail == "Cette réservation est « Annulée » : l'action n'est pas possible."


def test_at_most_fourteen_days(equipment, borrower):
    assert book(equipment, borrower, NINE, NINE + 14 * DAY).status == BookingStatus.BOOKED
    with pytest.raises(ValidationError) as refused:
        book(equipment, borrower, NINE + 20 * DAY, NINE + 34 * DAY + HOUR)
    assert refused.value.message_dict == {"ends_at": ["Réservation : pas plus de 14 jours d'affilée."]}


@pytest.mark.parametrize("hours", [0, -1])
def test_the_end_follows_the_start(equipment, borrower, hours):
    with pytest.raises(ValidationError) as refused:
        book(equipment, borrower, NINE, NINE + hours * HOUR)
    assert refused.value.message_dict == {"ends_at": ["Réservation : la fin doit suivre le début."]}


def test_a_booking_already_over_is_refused(equipment, borrower):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        book(equipment, borrower, now - 3 * HOUR, now - HOUR)
    assert refused.value.message_dict == {"ends_at": ["Réservation : elle doit finir dans le futur."]}
    assert not EquipmentBooking.objects.exists()


def test_equipment_no_longer_lent_takes_no_booking(cpts, borrower):
    with pytest.raises(ValidationError) as refused:
        book(EquipmentFactory(cpts=cpts, active=False), borrower, NINE, NINE + HOUR)
    assert refused.value.message_dict == {"equipment": ["Matériel : il n'est plus disponible au prêt."]}


def test_the_borrower_is_an_active_professional_adhesion_of_the_cpts(equipment, cpts, other_cpts):
    for membership, message in (
        (MembershipFactory(cpts=other_cpts), "Emprunteur : choisissez un adhérent de la CPTS."),
        (
            MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT),
            "Emprunteur : choisissez un professionnel adhérent (adhésion active).",
        ),
        (
            MembershipFactory(cpts=cpts, requested=True),
            "Emprunteur : choisissez un professionnel adhérent (adhésion active).",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            book(equipment, membership, NINE, NINE + HOUR)
        assert refused.value.message_dict == {"membership": [message]}
    assert not EquipmentBooking.objects.exists()


def test_overlapping_reads_the_booked_ones_only(equipment, borrower):
    kept = EquipmentBookingFactory(equipment=equipment, membership=borrower, starts_at=NINE, ends_at=NINE + HOUR)
    gone = EquipmentBookingFactory(
        equipment=equipment, membership=borrower, starts_at=NINE + HOUR, ends_at=NINE + 2 * HOUR
    )
    gone.cancel(by=None)
    rows = EquipmentBooking.objects.filter(equipment=equipment).overlapping(NINE - HOUR, NINE + 3 * HOUR)
    assert list(rows) == [kept]
