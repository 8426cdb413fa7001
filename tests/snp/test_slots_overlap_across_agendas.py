"""A professional cannot publish two overlapping slots, even in two agendas (two places or two CPTS)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from maillon.members.factories import MembershipFactory, PracticePlaceFactory
from maillon.snp import slots
from maillon.snp.models import Slot

from .slots_support import member_professional, tomorrow_at

pytestmark = pytest.mark.django_db


def test_a_slot_overlapping_one_of_another_agenda_of_the_same_professional_is_refused(cpts, other_cpts):
    doctor = member_professional(cpts)
    MembershipFactory(cpts=other_cpts, professional=doctor)
    here = slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())
    there = slots.ensure_agenda(other_cpts, doctor, PracticePlaceFactory(professional=doctor))
    start = tomorrow_at(10)
    slots.publish_slot(here, start=start, end=start + datetime.timedelta(minutes=30))
    with pytest.raises(ValidationError, match="Chevauchement"):
        slots.publish_slot(there, start=start + datetime.timedelta(minutes=15), end=start + datetime.timedelta(hours=1))
    slots.publish_slot(there, start=start + datetime.timedelta(minutes=30), end=start + datetime.timedelta(hours=1))
    assert Slot.objects.count() == 2
