"""API and FHIR: a body over its limit answers 413 at once, in French and in the face's format
(JSON `detail`, FHIR OperationOutcome), never 500; nothing is written."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from maillon.core.models import ApiToken
from maillon.snp.models import Slot

from ..snp.slots_support import member_professional, tomorrow_at

pytestmark = pytest.mark.django_db

THREE_MB = 3 * 1024 * 1024


@pytest.fixture
def doctor(cpts):
    return member_professional(cpts)


def headers(user):
    _, plain = ApiToken.issue(user, "Tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def test_a_3_mb_json_post_answers_413_with_a_french_detail(cpts, doctor):
    start = timezone.localtime(tomorrow_at(17)).replace(tzinfo=None)
    body = {
        "practice_place_id": doctor.practice_places.first().pk,
        "start": start.isoformat(),
        "end": start.replace(minute=20).isoformat(),
        "padding": "x" * THREE_MB,
    }
    before = Slot.objects.count()
    response = Client().post(
        f"/api/v1/cpts/{cpts.pk}/snp/slots", json.dumps(body), content_type="application/json", **headers(doctor.user)
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Requête trop volumineuse : 2,5 Mo au plus."}
    assert Slot.objects.count() == before


def test_a_large_body_on_a_public_operation_answers_413_not_500():
    response = Client().generic("GET", "/api/v1/communes?q=Ver", "x" * THREE_MB, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Requête trop volumineuse")


def test_fhir_answers_an_operation_outcome_413():
    response = Client().generic("GET", "/fhir/Slot", "x" * THREE_MB, content_type="application/fhir+json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = response.json()
    assert resource["resourceType"] == "OperationOutcome"
    assert resource["issue"][0]["code"] == "too-long"
    assert resource["issue"][0]["diagnostics"] == "Requête trop volumineuse : 2,5 Mo au plus."


def test_an_ics_upload_over_the_upload_limit_answers_413_and_writes_nothing(cpts, doctor, settings):
    settings.MAILLON_UPLOAD_MAX_BYTES = 64 * 1024
    body = {
        "file": SimpleUploadedFile("agenda.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * (512 * 1024)),
        "practice_place_id": str(doctor.practice_places.first().pk),
    }
    response = Client().post(f"/api/v1/cpts/{cpts.pk}/snp/slots/import", body, **headers(doctor.user))
    assert response.status_code == 413, response.content
    assert "au plus" in response.json()["detail"]
    assert not Slot.objects.exists()


def test_a_multipart_upload_declared_over_the_ceiling_answers_413_at_once(cpts, doctor, settings):
    settings.MAILLON_UPLOAD_MAX_BYTES = 64 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = {
        "file": SimpleUploadedFile("agenda.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * (256 * 1024)),
        "practice_place_id": str(doctor.practice_places.first().pk),
    }
    response = Client().post(f"/api/v1/cpts/{cpts.pk}/snp/slots/import", body, **headers(doctor.user))
    assert response.status_code == 413
    assert response.json() == {"detail": "Requête trop volumineuse : 0,1 Mo au plus."}
    assert not Slot.objects.exists()
