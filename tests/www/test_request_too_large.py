"""Pages: a body too large answers a French 413 page, and nothing is written. Declared too large
(Content-Length), refused before anything reads it; grown too large once read (form fields over
DATA_UPLOAD_MAX_MEMORY_SIZE, files over MAILLON_UPLOAD_MAX_BYTES while they stream), 413 too."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.urls import reverse
from django.utils import timezone

from maillon.snp.models import Slot

from ..conftest import verified_client
from ..snp.slots_support import member_professional

pytestmark = pytest.mark.django_db

THREE_MB = 3 * 1024 * 1024


@pytest.fixture
def doctor(cpts):
    return member_professional(cpts)


def assert_413_page(response):
    assert response.status_code == 413
    page = response.content.decode()
    assert "Envoi trop volumineux" in page
    assert "Erreur 413" in page
    assert "rien n'a été enregistré" in page


def test_a_3_mb_form_post_answers_the_413_page_before_it_is_read(cpts, doctor, monkeypatch):
    from django.http import HttpRequest

    def never(self):
        raise AssertionError("the body was read")

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", never)
    client = verified_client(doctor.user)
    before = Slot.objects.count()
    data = f"practice_place={doctor.practice_places.first().pk}&note={'x' * THREE_MB}"
    response = client.post(
        reverse("snp_slot_new", args=[cpts.slug]), data, content_type="application/x-www-form-urlencoded"
    )
    assert_413_page(response)
    assert "2,5 Mo au plus" in response.content.decode()
    assert Slot.objects.count() == before


def test_form_fields_growing_past_the_limit_in_a_multipart_post_answer_413(cpts, doctor):
    # Under the upload ceiling as declared, but its text field alone is over 2,5 Mo.
    data = {
        "practice_place": doctor.practice_places.first().pk,
        "audience": "PUBLIC" + " " * THREE_MB,
        "file": SimpleUploadedFile("agenda.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
    }
    response = verified_client(doctor.user).post(reverse("snp_slot_import", args=[cpts.slug]), data)
    assert_413_page(response)
    assert not Slot.objects.exists()


def test_a_file_over_the_upload_limit_is_stopped_while_it_streams(cpts, doctor, settings, monkeypatch):
    settings.MAILLON_UPLOAD_MAX_BYTES = 64 * 1024
    passed_on = {"bytes": 0}
    original = MemoryFileUploadHandler.receive_data_chunk

    def counting(self, raw_data, start):
        passed_on["bytes"] += len(raw_data)
        return original(self, raw_data, start)

    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk", counting)
    data = {
        "practice_place": doctor.practice_places.first().pk,
        "audience": "PUBLIC",
        "file": SimpleUploadedFile("agenda.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * (1024 * 1024)),
    }
    response = verified_client(doctor.user).post(reverse("snp_slot_import", args=[cpts.slug]), data)
    assert_413_page(response)
    assert "0,1 Mo au plus" in response.content.decode()
    # Django reads 64 Ko chunks: nothing past the limit reached the spooling handlers.
    assert passed_on["bytes"] <= settings.MAILLON_UPLOAD_MAX_BYTES
    assert not Slot.objects.exists()


def test_a_multipart_post_declared_over_the_ceiling_is_refused_before_it_is_read(cpts, doctor, settings, monkeypatch):
    from django.http import HttpRequest

    def never(self):
        raise AssertionError("the body was read")

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", never)
    settings.MAILLON_UPLOAD_MAX_BYTES = 64 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    data = {
        "practice_place": doctor.practice_places.first().pk,
        "file": SimpleUploadedFile("agenda.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * (256 * 1024)),
    }
    response = verified_client(doctor.user).post(reverse("snp_slot_import", args=[cpts.slug]), data)
    assert_413_page(response)
    assert not Slot.objects.exists()


def test_a_legitimate_upload_under_the_limits_still_goes_through(cpts, doctor, settings):
    settings.MAILLON_UPLOAD_MAX_BYTES = 64 * 1024
    day = timezone.localdate() + datetime.timedelta(days=3)
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//FR\r\nBEGIN:VEVENT\r\nUID:a@b\r\n"
        f"DTSTAMP:{day:%Y%m%d}T080000Z\r\nDTSTART;TZID=Europe/Paris:{day:%Y%m%d}T170000\r\n"
        "DURATION:PT20M\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    data = {
        "practice_place": doctor.practice_places.first().pk,
        "audience": "PUBLIC",
        "file": SimpleUploadedFile("agenda.ics", ics),
    }
    response = verified_client(doctor.user).post(reverse("snp_slot_import", args=[cpts.slug]), data)
    assert response.status_code == 302
    assert Slot.objects.count() == 2
