"""A doctor's offer opens, pauses, resumes and closes only through `DoctorOffer.workflow`
(« Mon offre » included); each move writes one `OfferEvent` and one « transition » journal
entry; a closed offer stays closed (the doctor opens a new one)."""

import pytest
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.mt import services
from maillon.mt.models import DoctorOffer, OfferEvent, OfferStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def transitions_of(offer):
    return JournalEntry.objects.filter(action="transition", object_type="mt.DoctorOffer", object_id=str(offer.pk))


def test_pause_resume_close_each_write_one_log_row_and_one_journal_entry(offer, doctor):
    user = doctor.user
    offer.pause(by=user, note="congés")
    offer.resume(by=user)
    offer.close(by=user, note="départ")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.CLOSED
    assert [(e.from_status, e.to_status, e.by, e.note) for e in offer.events.all()] == [
        ("open", "paused", user, "congés"),
        ("paused", "open", user, ""),
        ("open", "closed", user, "départ"),
    ]
    assert list(transitions_of(offer).order_by("pk").values_list("note", flat=True)) == [
        "open → paused",
        "paused → open",
        "open → closed",
    ]


def test_a_closed_offer_is_refused_every_move_in_french_and_nothing_is_written(offer, doctor):
    offer.close(by=doctor.user)
    for move in (offer.pause, offer.resume, offer.close):
        with pytest.raises(TransitionNotAllowed) as refused:
            move(by=doctor.user)
        assert refused.value.messages == ["Cette offre est « Fermée » : l'action n'est pas possible."]
    assert OfferEvent.objects.count() == 1 and transitions_of(offer).count() == 1
    assert DoctorOffer.objects.get(pk=offer.pk).status == OfferStatus.CLOSED


def test_resuming_an_open_offer_is_refused(offer, doctor):
    with pytest.raises(TransitionNotAllowed, match="Cette offre est « Ouverte » : l'action n'est pas possible"):
        offer.resume(by=doctor.user)
    assert not OfferEvent.objects.exists() and not transitions_of(offer).exists()


def test_a_stale_copy_of_an_offer_loses_and_writes_nothing(offer, doctor):
    stale = DoctorOffer.objects.get(pk=offer.pk)
    DoctorOffer.objects.get(pk=offer.pk).close(by=doctor.user)
    with pytest.raises(TransitionNotAllowed, match="Cette offre a changé entre-temps"):
        stale.pause(by=doctor.user)
    assert DoctorOffer.objects.get(pk=offer.pk).status == OfferStatus.CLOSED
    assert OfferEvent.objects.count() == 1 and transitions_of(offer).count() == 1


def test_the_status_never_changes_by_a_plain_save(offer):
    offer.status = OfferStatus.PAUSED
    with pytest.raises(StateChangedOutsideWorkflow):
        offer.save()


def test_my_offer_page_moves_the_offer_through_its_workflow(cpts, doctor, offer, versailles):
    client = verified_client(doctor.user)
    url = reverse("mt_offer", args=[cpts.slug])
    data = {"places_per_month": "4", "communes": "78646", "radius_km": "", "status": "paused"}
    assert client.post(url, data).status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.places_per_month) == (OfferStatus.PAUSED, 4)
    event = offer.events.get()
    assert (event.from_status, event.to_status, event.by) == ("open", "paused", doctor.user)
    # Saving without changing the state moves nothing.
    client.post(url, {**data, "places_per_month": "5"})
    assert offer.events.count() == 1
    client.post(url, {**data, "status": "open"})
    client.post(url, {**data, "status": "closed"})
    assert [e.to_status for e in offer.events.all()] == ["paused", "open", "closed"]
    # A new offer starts in the state chosen, without a move.
    client.post(url, {**data, "status": "open"})
    new = DoctorOffer.objects.exclude(pk=offer.pk).get()
    assert new.status == OfferStatus.OPEN and not new.events.exists()


def test_save_offer_checks_the_move_before_writing_anything(offer, doctor):
    offer.close(by=doctor.user)
    offer.places_per_month = 9
    with pytest.raises(TransitionNotAllowed):
        services.save_offer(offer, status=OfferStatus.OPEN, by=doctor.user)
    assert DoctorOffer.objects.get(pk=offer.pk).places_per_month != 9
