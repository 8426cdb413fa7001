"""Weekly series: materialised slots, local times across a DST change, overlaps, exceptions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.snp import slots
from maillon.snp.factories import BookingFactory
from maillon.snp.models import Slot, SlotStatus

from .slots_support import member_professional, next_dst_change

pytestmark = pytest.mark.django_db

FIVE_PM = datetime.time(17, 0)


@pytest.fixture
def agenda(cpts):
    doctor = member_professional(cpts)
    return slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())


def week_of(day):
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def test_a_series_across_a_dst_change_keeps_its_slots_at_17_00_paris_time(agenda):
    change = next_dst_change()
    monday, sunday = week_of(change)
    series = slots.create_series(
        agenda, weekdays=range(7), start_time=FIVE_PM, duration_minutes=20, first_date=monday, last_date=sunday
    )
    made = list(series.slots.order_by("start"))
    assert len(made) == 7
    assert {timezone.localtime(slot.start).time() for slot in made} == {FIVE_PM}
    assert {slot.end - slot.start for slot in made} == {datetime.timedelta(minutes=20)}
    # The UTC hour moves by one: the wall clock does not.
    assert len({slot.start.astimezone(datetime.UTC).hour for slot in made}) == 2


def test_a_series_materialises_consecutive_slots_on_its_weekdays_only(agenda):
    monday, sunday = week_of(timezone.localdate() + datetime.timedelta(days=14))
    series = slots.create_series(
        agenda,
        weekdays=[0, 2],
        start_time=FIVE_PM,
        duration_minutes=15,
        count_per_day=3,
        first_date=monday,
        last_date=sunday,
        shared_with_sas=True,
    )
    starts = [timezone.localtime(slot.start) for slot in series.slots.order_by("start")]
    assert [(start.weekday(), start.strftime("%H:%M")) for start in starts] == [
        (0, "17:00"),
        (0, "17:15"),
        (0, "17:30"),
        (2, "17:00"),
        (2, "17:15"),
        (2, "17:30"),
    ]
    assert all(slot.shared_with_sas for slot in series.slots.all())


def test_a_series_overlapping_a_live_slot_is_refused_whole(agenda):
    monday, sunday = week_of(timezone.localdate() + datetime.timedelta(days=14))
    wednesday = timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=2), FIVE_PM))
    slots.publish_slot(
        agenda, start=wednesday + datetime.timedelta(minutes=10), end=wednesday + datetime.timedelta(minutes=30)
    )
    with pytest.raises(ValidationError, match="Chevauchement : vous avez déjà un créneau le"):
        slots.create_series(
            agenda, weekdays=[0, 2], start_time=FIVE_PM, duration_minutes=20, first_date=monday, last_date=sunday
        )
    assert Slot.objects.count() == 1


def test_a_series_beyond_twelve_months_is_refused(agenda):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        slots.create_series(
            agenda,
            weekdays=[1],
            start_time=FIVE_PM,
            duration_minutes=20,
            first_date=today + datetime.timedelta(days=1),
            last_date=today + datetime.timedelta(days=400),
        )
    assert "12 mois" in str(error.value)
    assert not Slot.objects.exists()


def test_exception_dates_cancel_the_free_slots_of_those_days_and_keep_booked_ones(agenda):
    monday, sunday = week_of(timezone.localdate() + datetime.timedelta(days=14))
    series = slots.create_series(
        agenda,
        weekdays=[0, 2],
        start_time=FIVE_PM,
        duration_minutes=20,
        count_per_day=2,
        first_date=monday,
        last_date=sunday,
        exceptions=[monday + datetime.timedelta(days=2)],
    )
    assert series.slots.count() == 2  # Wednesday is an exception from the start
    booked = series.slots.order_by("start").first()
    BookingFactory(slot=booked, cpts=agenda.cpts)
    Slot.objects.filter(pk=booked.pk).update(status=SlotStatus.BOOKED)
    change = slots.set_exceptions(series, [monday])
    assert (change.cancelled, change.kept_booked, change.restored) == (1, 1, 2)
    live = series.slots.exclude(status=SlotStatus.CANCELLED)
    assert {timezone.localdate(slot.start).weekday() for slot in live.filter(status=SlotStatus.FREE)} == {2}
    assert live.filter(status=SlotStatus.BOOKED).get() == booked


def test_removing_then_adding_back_an_exception_never_doubles_slots(agenda):
    monday, sunday = week_of(timezone.localdate() + datetime.timedelta(days=14))
    series = slots.create_series(
        agenda, weekdays=[0], start_time=FIVE_PM, duration_minutes=20, first_date=monday, last_date=sunday
    )
    slots.set_exceptions(series, [monday])
    slots.set_exceptions(series, [])
    slots.set_exceptions(series, [])
    assert series.slots.filter(status=SlotStatus.FREE).count() == 1
