"""The slot pages of the CPTS space: list, publish, series, import, cancel, sharing, agendas, setup."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillon.snp import slots
from maillon.snp.factories import SlotFactory
from maillon.snp.models import Agenda, Slot, SlotSeries, SlotStatus, SnpSetup

from ..conftest import verified_client
from .slots_support import member_professional, tomorrow_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor(cpts):
    return member_professional(cpts)


@pytest.fixture
def agenda(cpts, doctor):
    return slots.ensure_agenda(cpts, doctor, doctor.practice_places.first())


def page(name, cpts, *args):
    return reverse(name, args=[cpts.slug, *args])


def test_my_slots_are_listed_by_day_with_audience_sas_badge_and_status(cpts, doctor, agenda):
    slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20), shared_with_sas=True)
    slots.publish_slot(agenda, start=tomorrow_at(9, days=2), end=tomorrow_at(9, 30, days=2), audience="CPTS")
    SlotFactory(agenda__cpts=cpts, start=tomorrow_at(11))  # someone else's
    body = verified_client(doctor.user).get(page("snp_slots", cpts)).content.decode()
    assert body.count('<h2 class="fr-h5 fr-mt-3w">') == 2
    assert "17:00 – 17:20" in body and "Partagé SAS" in body and "Non partagé" in body
    assert "Membres de la CPTS seulement" in body
    assert "11:00" not in body


def test_publishing_a_slot_through_the_form(cpts, doctor):
    day = timezone.localdate() + datetime.timedelta(days=2)
    data = {
        "practice_place": doctor.practice_places.first().pk,
        "date": day.strftime("%d/%m/%Y"),
        "start_time": "17:00",
        "duration_minutes": "20",
        "audience": "PUBLIC",
    }
    response = verified_client(doctor.user).post(page("snp_slot_new", cpts), data)
    assert response.status_code == 302
    slot = Slot.objects.get()
    assert timezone.localtime(slot.start).strftime("%H:%M") == "17:00"
    assert slot.shared_with_sas is False


def test_a_series_through_the_form_with_exceptions(cpts, doctor):
    first = timezone.localdate() + datetime.timedelta(days=14)
    data = {
        "practice_place": doctor.practice_places.first().pk,
        "weekdays": [str(first.weekday())],
        "start_time": "17:00",
        "duration_minutes": "20",
        "count_per_day": "1",
        "first_date": first.strftime("%d/%m/%Y"),
        "last_date": (first + datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
        "exceptions": (first + datetime.timedelta(days=7)).strftime("%d/%m/%Y"),
        "audience": "PUBLIC",
        "shared_with_sas": "on",
    }
    client = verified_client(doctor.user)
    assert client.post(page("snp_slot_series_new", cpts), data).status_code == 302
    series = SlotSeries.objects.get()
    assert series.slots.count() == 2 and series.shared_with_sas
    response = client.post(page("snp_slot_series", cpts, series.pk), {"exceptions": first.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert series.slots.filter(status=SlotStatus.FREE).count() == 2  # one cancelled, one restored


def test_a_bad_ics_file_is_refused_whole_with_a_french_message(cpts, doctor):
    data = {
        "practice_place": doctor.practice_places.first().pk,
        "audience": "PUBLIC",
        "file": SimpleUploadedFile(
            "agenda.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR"
        ),
    }
    response = verified_client(doctor.user).post(page("snp_slot_import", cpts), data)
    assert response.status_code == 200
    assert "Ligne 2 : l&#x27;événement n&#x27;a pas de début (DTSTART)." in response.content.decode()
    assert not Slot.objects.exists()


def test_cancelling_asks_for_confirmation_then_cancels(cpts, doctor, agenda):
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    client = verified_client(doctor.user)
    confirmation = client.get(page("snp_slot_cancel", cpts, slot.pk))
    assert "Confirmer l'annulation" in confirmation.content.decode()
    slot.refresh_from_db()
    assert slot.status == SlotStatus.FREE
    assert client.post(page("snp_slot_cancel", cpts, slot.pk)).status_code == 302
    slot.refresh_from_db()
    assert slot.status == SlotStatus.CANCELLED


def test_only_the_member_toggles_a_slot_s_sas_sharing(cpts, doctor, agenda, coordinator):
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    url = page("snp_slot_sharing", cpts, slot.pk)
    # The coordinator sees the slot but the SAS sharing is the member's choice: 403.
    assert verified_client(coordinator).post(url, {"shared": "1"}).status_code == 403
    assert verified_client(doctor.user).post(url, {"shared": "1"}).status_code == 302
    slot.refresh_from_db()
    assert slot.shared_with_sas is True


def test_agenda_settings_change_the_default_and_renew_the_feed(cpts, doctor, agenda):
    client = verified_client(doctor.user)
    body = client.get(page("snp_slot_agendas", cpts)).content.decode()
    assert agenda.feed_token in body
    client.post(page("snp_slot_agendas", cpts), {"agenda": agenda.pk, "shares_with_sas": "on"})
    client.post(page("snp_slot_agendas", cpts), {"agenda": agenda.pk, "action": "regenerate"})
    fresh = Agenda.objects.get(pk=agenda.pk)
    assert fresh.shares_with_sas is True and fresh.feed_token != agenda.feed_token


def test_the_coordinator_opens_nurses_to_snp(cpts, coordinator, member):
    url = page("snp_slot_setup", cpts)
    assert verified_client(member).get(url).status_code == 404
    assert verified_client(coordinator).post(url, {"professions": ["60"]}).status_code == 302
    assert SnpSetup.objects.get(cpts=cpts).professions == ["10", "60"]


def test_a_member_of_a_closed_profession_is_told_who_the_page_is_for(cpts):
    nurse = member_professional(cpts, nurse=True)
    body = verified_client(nurse.user).get(page("snp_slot_new", cpts)).content.decode()
    assert "profession ouverte aux SNP" in body and "<form" not in body.split("<h1>")[1]


def test_another_cpts_slot_pages_answer_404(cpts, other_cpts, doctor):
    elsewhere = SlotFactory(agenda__cpts=other_cpts)
    client = verified_client(doctor.user)
    assert client.get(page("snp_slots", other_cpts)).status_code == 404
    assert client.get(page("snp_slot_cancel", other_cpts, elsewhere.pk)).status_code == 404
    assert client.get(page("snp_slot_cancel", cpts, elsewhere.pk)).status_code == 404


def test_the_dashboard_links_to_my_slots(cpts, doctor):
    body = verified_client(doctor.user).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert page("snp_slots", cpts) in body


def test_every_slot_page_renders_for_the_member(cpts, doctor, agenda):
    slot = slots.publish_slot(agenda, start=tomorrow_at(17), end=tomorrow_at(17, 20))
    series = slots.create_series(
        agenda,
        weekdays=[0],
        start_time=datetime.time(8),
        duration_minutes=20,
        first_date=timezone.localdate() + datetime.timedelta(days=7),
        last_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    client = verified_client(doctor.user)
    for url in (
        page("snp_slots", cpts),
        page("snp_slot_new", cpts),
        page("snp_slot_series_new", cpts),
        page("snp_slot_import", cpts),
        page("snp_slot_agendas", cpts),
        page("snp_slot_series", cpts, series.pk),
        page("snp_slot_cancel", cpts, slot.pk),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Mes créneaux" in response.content.decode()
