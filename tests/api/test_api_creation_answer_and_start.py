"""The promoters answer the ARS through the API with their follow-up token (in the body, never in
the address; a wrong token is a 404; throttled per address), redrawing their territory if need be;
the coordinators start the mission object of a fiche-action of the validated projet (a version
not validated: 409 with its state; a starter of another mission: 422 on `kind`; a reader: 403)."""

import json
from types import SimpleNamespace

import pytest
from django.core import mail

from maillon.creation import registry, services
from maillon.creation.factories import ActionSheetFactory, MissionSectionFactory, ProjectVersionFactory
from maillon.creation.models import LetterStatus, ProjectStatus
from maillon.territories.factories import CommuneFactory

from .creation_helpers import ARS, ARS_OBSERVER, call, field_errors, letter_of, world

pytestmark = pytest.mark.django_db

ANSWER = "/creation/letters/answer"


@pytest.fixture
def w(cpts):
    return world(cpts)


@pytest.fixture
def asked(w):
    letter = letter_of(w)
    services.request_information(letter, by=w.users[ARS], comments="Précisez le territoire.")
    return letter


def codes(letter):
    return sorted(letter.communes.values_list("commune_id", flat=True))


def test_the_promoters_answer_with_their_token_and_the_letter_waits_again(w, asked, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    token = services.follow_token(asked)
    with django_capture_on_commit_callbacks(execute=True):
        response = call("post", ANSWER, body={"token": token, "body": "Voici nos précisions.", "needs": "Plus."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == LetterStatus.SUBMITTED
    assert response.json()["status_label"] == "Déposée, en attente de décision"
    asked.refresh_from_db()
    assert asked.status == LetterStatus.SUBMITTED and asked.needs == "Plus."
    assert asked.comments.filter(from_promoters=True, body="Voici nos précisions.").exists()
    assert mail.outbox  # the ARS is told


def test_the_answer_redraws_the_territory(w, asked):
    added = CommuneFactory(departement=w.departement, population=5_000)
    kept = codes(asked)[:1]
    body = {"token": services.follow_token(asked), "body": "Sans la commune de l'est.", "communes": [*kept, added.code]}
    assert call("post", ANSWER, body=body).status_code == 200
    assert codes(asked) == sorted([*kept, added.code])


def test_an_empty_territory_is_a_422_on_communes(w, asked):
    body = {"token": services.follow_token(asked), "body": "Rien.", "communes": []}
    assert "communes" in field_errors(call("post", ANSWER, body=body))
    asked.refresh_from_db()
    assert asked.status == LetterStatus.INFORMATION_REQUESTED


def test_a_wrong_or_retired_token_is_a_404(w, asked):
    assert call("post", ANSWER, body={"token": "pas-un-jeton", "body": "Voici."}).status_code == 404
    token = services.follow_token(asked)
    asked.link_nonce = "retire"
    asked.save()
    assert call("post", ANSWER, body={"token": token, "body": "Voici."}).status_code == 404
    assert not asked.comments.filter(from_promoters=True).exists()


def test_an_answer_nobody_asked_for_is_a_409_with_the_state(w):
    letter = letter_of(w)
    response = call("post", ANSWER, body={"token": services.follow_token(letter), "body": "Voici."})
    assert response.status_code == 409
    assert response.json()["status"] == LetterStatus.SUBMITTED


def test_answering_is_throttled_per_address(w, asked, settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 1
    assert call("post", ANSWER, body={"token": "pas-un-jeton", "body": "Voici."}).status_code == 404
    response = call("post", ANSWER, body={"token": services.follow_token(asked), "body": "Voici."})
    assert response.status_code == 429
    assert not asked.comments.filter(from_promoters=True).exists()


def test_the_answer_is_json_only(w, asked, api_client):
    # A cross-site form may post text/plain without a preflight: refused, even holding JSON.
    body = json.dumps({"token": services.follow_token(asked), "body": "Voici."})
    assert api_client.post(f"/api/v1{ANSWER}", body, content_type="text/plain").status_code == 415
    assert not asked.comments.filter(from_promoters=True).exists()


# --- Starting a fiche-action -------------------------------------------------------------------


@pytest.fixture
def starters(monkeypatch):
    monkeypatch.setattr(registry, "_STARTERS", {})
    made = []

    def start(sheet, *, by):
        made.append(sheet.title)
        return SimpleNamespace(pk=41)

    registry.register_starter(
        "test_access", mission=1, label="une action de test", start=start, path=lambda obj: f"/objet/{obj.pk}/"
    )
    return made


def sheet_of_version(w, status, mission=1):
    version = ProjectVersionFactory(cpts=w.cpts, number=1, status=status)
    return ActionSheetFactory(section=MissionSectionFactory(version=version, mission=mission))


def start_url(w, sheet):
    return f"/cpts/{w.cpts.pk}/health-project/sheets/{sheet.pk}/start"


def test_the_coordinator_starts_the_object_of_a_fiche_of_the_validated_projet(w, starters):
    sheet = sheet_of_version(w, ProjectStatus.VALIDATED)
    response = call("post", start_url(w, sheet), w.headers("coordinator"), {"kind": "test_access"})
    assert response.status_code == 201, response.content
    assert response.json() == {"kind": "test_access", "id": 41, "path": "/objet/41/"}
    sheet.refresh_from_db()
    assert sheet.started == "test_access:41"
    again = call("post", start_url(w, sheet), w.headers("coordinator"), {"kind": "test_access"})
    assert "kind" in field_errors(again)


def test_a_starter_of_another_mission_is_a_422_on_kind(w, starters):
    sheet = sheet_of_version(w, ProjectStatus.VALIDATED, mission=2)
    assert "kind" in field_errors(call("post", start_url(w, sheet), w.headers("coordinator"), {"kind": "test_access"}))
    assert starters == []


def test_a_fiche_of_a_version_not_validated_is_a_409_with_its_state(w, starters):
    sheet = sheet_of_version(w, ProjectStatus.SUBMITTED)
    response = call("post", start_url(w, sheet), w.headers("coordinator"), {"kind": "test_access"})
    assert response.status_code == 409
    assert response.json()["status"] == "submitted"
    assert starters == []


@pytest.mark.parametrize("role", ["member", ARS, ARS_OBSERVER])
def test_only_the_coordinators_start_a_fiche(w, starters, role):
    sheet = sheet_of_version(w, ProjectStatus.VALIDATED)
    assert call("post", start_url(w, sheet), w.headers(role), {"kind": "test_access"}).status_code == 403
    assert starters == []


def test_a_fiche_of_another_cpts_is_a_404_and_anonymous_a_401(w, other_cpts, starters):
    other = ProjectVersionFactory(cpts=other_cpts, number=1, status=ProjectStatus.VALIDATED)
    sheet = ActionSheetFactory(section=MissionSectionFactory(version=other, mission=1))
    assert call("post", start_url(w, sheet), w.headers("coordinator"), {"kind": "test_access"}).status_code == 404
    assert (
        call("post", start_url(w, sheet_of_version(w, ProjectStatus.VALIDATED)), body={"kind": "x"}).status_code == 401
    )


def test_the_letter_names_the_officer_never_by_e_mail(w, api_client):
    from maillon.territories.models import TerritoryRole

    letter = letter_of(w)
    nameless = w.users[ARS]
    nameless.first_name = nameless.last_name = ""
    nameless.save()
    assert TerritoryRole.objects.filter(user=nameless).exists()
    services.request_information(letter, by=nameless, comments="Précisez.")
    detail = call("get", f"/creation/letters/{letter.pk}", w.headers(ARS)).json()
    assert nameless.email not in json.dumps(detail)
    assert detail["comments"][0]["author"] == "Personne sans nom"
    assert [event["by"] for event in detail["events"]][-1] == "Personne sans nom"
