"""Who publishes SNP slots, one slot at a time, and the SAS sharing choice."""

import pytest
from django.core.exceptions import ValidationError

from maillon.members.models import Membership
from maillon.snp import slots
from maillon.snp.models import Agenda, Audience, Slot, SlotStatus

from .slots_support import member_professional, tomorrow_at

pytestmark = pytest.mark.django_db


def agenda_of(cpts, professional):
    return slots.ensure_agenda(cpts, professional, professional.practice_places.first())


def test_a_member_doctor_publishes_a_slot_not_shared_with_the_sas_by_default(cpts):
    doctor = member_professional(cpts)
    agenda = agenda_of(cpts, doctor)
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    assert agenda.shares_with_sas is False
    assert slot.shared_with_sas is False
    assert slot.status == SlotStatus.FREE
    assert (slot.cpts, slot.professional, slot.profession) == (cpts, doctor, "10")
    assert slot.commune.code == "78646"


def test_a_slot_may_be_shared_with_the_sas_when_the_member_says_so(cpts):
    agenda = agenda_of(cpts, member_professional(cpts))
    slot = slots.publish_slot(
        agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20), audience=Audience.SNP, shared_with_sas=True
    )
    assert slot.shared_with_sas is True
    assert slot.audience == Audience.SNP


def test_a_slot_reserved_to_the_sas_regulation_must_be_shared_explicitly(cpts):
    agenda = agenda_of(cpts, member_professional(cpts))
    with pytest.raises(ValidationError, match="doit être partagé avec le SAS"):
        slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20), audience=Audience.SNP)
    slot = slots.publish_slot(
        agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20), audience=Audience.SNP, shared_with_sas=True
    )
    with pytest.raises(ValidationError, match="annulez-le"):
        slots.set_slot_sharing(slot, False)
    assert not Agenda.objects.get().shares_with_sas


def test_a_slot_follows_the_agenda_default_and_may_say_otherwise(cpts):
    agenda = agenda_of(cpts, member_professional(cpts))
    slots.set_agenda_sharing(agenda, True)
    assert slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20)).shared_with_sas is True
    other = slots.publish_slot(agenda, start=tomorrow_at(18), end=tomorrow_at(18, 20), shared_with_sas=False)
    assert other.shared_with_sas is False


def test_changing_the_agenda_default_touches_existing_slots_only_when_asked(cpts):
    agenda = agenda_of(cpts, member_professional(cpts))
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    assert slots.set_agenda_sharing(agenda, True) == 0
    slot.refresh_from_db()
    assert slot.shared_with_sas is False
    assert slots.set_agenda_sharing(agenda, True, apply_to_free_slots=True) == 1
    slot.refresh_from_db()
    assert slot.shared_with_sas is True


def test_a_nurse_publishes_only_once_the_coordinator_opens_nurses_to_snp(cpts):
    nurse = member_professional(cpts, nurse=True)
    with pytest.raises(ValidationError, match="profession n'est pas ouverte"):
        agenda_of(cpts, nurse)
    assert slots.publisher(nurse.user, cpts) is None
    slots.set_open_professions(cpts, ["60"])
    assert slots.open_professions(cpts) == {"10", "60"}
    assert slots.publisher(nurse.user, cpts) == nurse
    assert agenda_of(cpts, nurse).professional == nurse


def test_a_former_member_cannot_publish(cpts):
    doctor = member_professional(cpts)
    Membership.objects.get(professional=doctor).leave(by=None)
    assert slots.publisher(doctor.user, cpts) is None
    with pytest.raises(ValidationError, match="adhérents"):
        agenda_of(cpts, doctor)
    assert not Agenda.objects.exists()


def test_a_member_publishes_only_at_their_own_practice_place(cpts):
    doctor = member_professional(cpts)
    stranger = member_professional(cpts)
    with pytest.raises(ValidationError, match="Lieu d'exercice"):
        slots.ensure_agenda(cpts, doctor, stranger.practice_places.first())


def test_a_slot_in_the_past_or_beyond_the_horizon_is_refused_with_a_french_message(cpts):
    agenda = agenda_of(cpts, member_professional(cpts))
    with pytest.raises(ValidationError, match="déjà passé"):
        slots.publish_slot(agenda, start=tomorrow_at(17, days=-2), end=tomorrow_at(17, 20, days=-2))
    with pytest.raises(ValidationError, match="366 jours"):
        slots.publish_slot(agenda, start=tomorrow_at(17, days=400), end=tomorrow_at(17, 20, days=400))
    with pytest.raises(ValidationError, match="Durée"):
        slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 2))
    assert not Slot.objects.exists()


def test_a_slot_overlapping_a_live_one_is_refused_but_a_cancelled_one_does_not_count(cpts):
    agenda = agenda_of(cpts, member_professional(cpts))
    first = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 30))
    with pytest.raises(ValidationError, match="Chevauchement"):
        slots.publish_slot(agenda, start=tomorrow_at(17, 20), end=tomorrow_at(17, 40))
    slots.publish_slot(agenda, start=tomorrow_at(17, 30), end=tomorrow_at(17, 50))  # touching is fine
    slots.cancel_slot(first, by=None)
    slots.publish_slot(agenda, start=tomorrow_at(17, 0), end=tomorrow_at(17, 20))
    assert Slot.objects.filter(status=SlotStatus.FREE).count() == 2


def test_regenerating_the_feed_token_changes_it(cpts):
    agenda = agenda_of(cpts, member_professional(cpts))
    old = agenda.feed_token
    slots.regenerate_feed_token(agenda)
    agenda.refresh_from_db()
    assert agenda.feed_token != old and len(agenda.feed_token) >= 40
