"""The lettres d'intention in the API: filed without an account (throttled per address, the
follow-up link never in the answer), read by the ARS officers of their région alone (each
reading journaled), decided by its authorities."""

import json

import pytest
from django.core import mail

from maillon.core.models import CptsRole, CptsStatus, JournalEntry
from maillon.creation.models import LetterOfIntent, LetterStatus
from maillon.creation.services import follow_token
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory

from .creation_helpers import (
    ADMIN,
    ARS,
    ARS_ELSEWHERE,
    ARS_OBSERVER,
    ARS_REGION,
    CPAM,
    OUTSIDER,
    call,
    field_errors,
    letter_of,
    world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(cpts):
    return world(cpts)


def filing(w, **changes):
    communes = [CommuneFactory(departement=w.departement, population=15_000) for _ in range(2)]
    body = {
        "project_name": "CPTS du Val de Gally",
        "legal_form": "association_1901",
        "professions": ["10", "60"],
        "needs": "Des patients sans médecin traitant ; des sorties d'hôpital mal préparées.",
        "contact_name": "Dr Claire Martin",
        "contact_email": "claire.martin@exemple.fr",
        "contact_phone": "0601020304",
        "communes": [commune.code for commune in communes],
        "promoters": [
            {
                "kind": "professional",
                "name": "Dr Claire Martin",
                "email": "claire.martin@exemple.fr",
                "profession": "10",
                "rpps": "10100901734",
            },
            {"kind": "structure", "name": "MSP des Tilleuls", "email": "msp@exemple.fr", "finess": "750712184"},
        ],
    }
    body.update(changes)
    return body


# --- Filing ------------------------------------------------------------------------------------


def test_anyone_files_a_letter_and_the_answer_never_holds_the_follow_up_link(
    w, api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = call("post", "/creation/letters", body=filing(w))
    assert response.status_code == 201, response.content
    body = response.json()
    letter = LetterOfIntent.objects.get()
    assert body["id"] == letter.pk
    assert body["status"] == "submitted"
    assert body["status_label"] == "Déposée, en attente de décision"
    assert letter.region_id == "11"
    assert letter.population == 30_000
    assert [promoter.identifier for promoter in letter.promoters.all()] == ["RPPS 10100901734", "FINESS 750712184"]
    # The signed part of the link (its timestamp changes with each signature).
    token = follow_token(letter).split(":")[0]
    assert token not in response.content.decode()
    assert "/suivi/" not in response.content.decode()
    # The link goes by e-mail to the contact only.
    to_contact = [message for message in mail.outbox if message.to == ["claire.martin@exemple.fr"]]
    assert to_contact
    assert token in to_contact[0].body


def test_a_filing_that_is_not_json_is_a_415(w, api_client):
    # A cross-site form may post text/plain without a preflight: refused, even holding JSON.
    body = json.dumps(filing(w))
    response = api_client.post("/api/v1/creation/letters", body, content_type="text/plain")
    assert response.status_code == 415
    assert not LetterOfIntent.objects.exists()


def test_a_refused_field_is_a_422_naming_it(w):
    errors = field_errors(call("post", "/creation/letters", body=filing(w, communes=["99999"])))
    assert list(errors) == ["communes"]
    assert errors["communes"][0].startswith("Territoire envisagé :")

    promoter = {"kind": "professional", "name": "Dr Paul Morel", "email": "paul@exemple.fr", "rpps": "10100901734"}
    errors = field_errors(call("post", "/creation/letters", body=filing(w, promoters=[promoter])))
    assert errors == {"promoters": ["Porteur n° 1 — un professionnel s'identifie par son RPPS et sa profession."]}

    errors = field_errors(call("post", "/creation/letters", body=filing(w, legal_form="sarl")))
    assert list(errors) == ["legal_form"]

    body = filing(w)
    del body["contact_email"]
    assert list(field_errors(call("post", "/creation/letters", body=body))) == ["contact_email"]
    assert not LetterOfIntent.objects.exists()


def test_a_commune_already_in_a_cpts_refuses_the_filing_naming_it(w):
    errors = field_errors(call("post", "/creation/letters", body=filing(w, communes=["78646"])))
    assert "CPTS Plaine de Versailles" in errors["communes"][0]


def test_filing_is_throttled_per_address(w, settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 2
    assert call("post", "/creation/letters", body=filing(w)).status_code == 201
    assert call("post", "/creation/letters", body=filing(w, project_name="CPTS Deux")).status_code == 201
    response = call("post", "/creation/letters", body=filing(w, project_name="CPTS Trois"))
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Trop de lettres d'intention")
    assert LetterOfIntent.objects.count() == 2


# --- Reading ------------------------------------------------------------------------------------


def test_the_ars_officers_list_the_letters_of_their_region(w):
    mine = letter_of(w)
    letter_of(w, status=LetterStatus.REFUSED)
    elsewhere = letter_of(w)
    elsewhere.region_id = "28"
    elsewhere.save()
    for role in (ARS, ARS_OBSERVER, ARS_REGION):
        body = call("get", "/creation/letters", w.headers(role)).json()
        assert body["count"] == 2
        assert len(body["items"]) == 2
        assert elsewhere.pk not in {item["id"] for item in body["items"]}
    waiting = call("get", "/creation/letters", w.headers(ARS), status="submitted").json()
    assert [item["id"] for item in waiting["items"]] == [mine.pk]
    item = waiting["items"][0]
    assert item["region"] == {"code": "11", "name": "Île-de-France"}
    assert item["population"] == 24_000
    assert item["taille"] >= 1
    assert item["cpts"] is None
    # No personal data in the list.
    assert "claire.martin" not in str(waiting)
    other = call("get", "/creation/letters", w.headers(ARS_ELSEWHERE)).json()
    assert [item["id"] for item in other["items"]] == [elsewhere.pk]


def test_the_list_pages(w):
    for _ in range(3):
        letter_of(w, communes=0)
    body = call("get", "/creation/letters", w.headers(ARS), page=2, page_size=2).json()
    assert body["count"] == 3
    assert len(body["items"]) == 1


@pytest.mark.parametrize("role", ["coordinator", "member", CPAM, OUTSIDER, ADMIN])
def test_no_one_else_lists_the_letters(w, role):
    letter_of(w)
    response = call("get", "/creation/letters", w.headers(role))
    assert response.status_code == 404


def test_an_officer_reads_a_letter_and_the_reading_is_journaled(w):
    letter = letter_of(w)
    response = call("get", f"/creation/letters/{letter.pk}", w.headers(ARS_OBSERVER))
    assert response.status_code == 200
    body = response.json()
    assert body["contact_email"] == letter.contact_email
    assert [promoter["identifier"] for promoter in body["promoters"]] == ["RPPS 10100901734"]
    assert body["promoters"][0]["profession"]["code"] == "10"
    assert len(body["communes"]) == 2
    assert body["population"] == 24_000
    assert body["conflicts"] == []
    assert body["can_decide"] is False
    assert [profession["code"] for profession in body["professions"]] == ["10", "60"]
    entry = JournalEntry.objects.get(action="read", object_type="creation.LetterOfIntent", object_id=str(letter.pk))
    assert entry.actor_id == w.users[ARS_OBSERVER].pk
    assert call("get", f"/creation/letters/{letter.pk}", w.headers(ARS)).json()["can_decide"] is True


def test_the_letter_names_the_communes_taken_since_the_filing(w):
    letter = letter_of(w)
    taken = letter.communes.first().commune
    TerritoryCommuneFactory(cpts=w.cpts, commune=taken)
    body = call("get", f"/creation/letters/{letter.pk}", w.headers(ARS)).json()
    assert [conflict["cpts"]["name"] for conflict in body["conflicts"]] == ["CPTS Plaine de Versailles"]


@pytest.mark.parametrize("role", ["coordinator", CPAM, ARS_ELSEWHERE, OUTSIDER, ADMIN])
def test_a_letter_is_a_404_to_anyone_but_the_officers_of_its_region(w, role):
    letter = letter_of(w)
    response = call("get", f"/creation/letters/{letter.pk}", w.headers(role))
    missing = call("get", "/creation/letters/999999", w.headers(role))
    assert response.status_code == 404
    assert response.json() == missing.json() == {"detail": "Lettre d'intention introuvable."}
    assert not JournalEntry.objects.filter(action="read", object_type="creation.LetterOfIntent").exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/creation/letters"),
        ("get", "/creation/letters/{id}"),
        ("post", "/creation/letters/{id}/request-information"),
        ("post", "/creation/letters/{id}/accept"),
        ("post", "/creation/letters/{id}/refuse"),
    ],
)
def test_anonymous_callers_get_a_401(w, method, url):
    letter = letter_of(w)
    response = call(method, url.format(id=letter.pk), body={"comments": "x", "reason": "x"})
    assert response.status_code == 401


# --- Decisions ----------------------------------------------------------------------------------


def test_an_authority_asks_for_more(w):
    letter = letter_of(w)
    url = f"/creation/letters/{letter.pk}/request-information"
    response = call("post", url, w.headers(ARS), {"comments": "Précisez les communes de l'est."})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "information_requested"
    assert body["comments"][0]["body"] == "Précisez les communes de l'est."
    assert body["comments"][0]["from_promoters"] is False
    assert [event["to_status"] for event in body["events"]][-1] == "information_requested"
    # Asked already: the letter's state says why not.
    again = call("post", url, w.headers(ARS), {"comments": "Encore ?"})
    assert again.status_code == 409
    assert again.json()["status"] == "information_requested"
    assert set(again.json()) == {"detail", "status", "status_label"}


def test_asking_for_more_needs_the_comments(w):
    letter = letter_of(w)
    errors = field_errors(
        call("post", f"/creation/letters/{letter.pk}/request-information", w.headers(ARS), {"comments": " "})
    )
    assert errors == {"comments": ["Message aux porteurs : ce champ est obligatoire."]}


@pytest.mark.parametrize("action", ["request-information", "accept", "refuse"])
def test_an_observer_may_not_decide(w, action):
    letter = letter_of(w)
    response = call("post", f"/creation/letters/{letter.pk}/{action}", w.headers(ARS_OBSERVER), {"comments": "x"})
    if action == "refuse":
        response = call("post", f"/creation/letters/{letter.pk}/{action}", w.headers(ARS_OBSERVER), {"reason": "x"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Seules les autorités de l'ARS")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


@pytest.mark.parametrize("role", [ARS_ELSEWHERE, CPAM, "coordinator", ADMIN])
@pytest.mark.parametrize("action", ["request-information", "accept", "refuse"])
def test_no_one_else_decides_nor_learns_the_letter_exists(w, role, action):
    letter = letter_of(w)
    body = {"comments": "x", "reason": "x"}
    response = call("post", f"/creation/letters/{letter.pk}/{action}", w.headers(role), body)
    assert response.status_code == 404
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


def test_accepting_creates_the_cpts_with_its_territory_and_invites_the_promoters(w):
    letter = letter_of(w, project_name="CPTS du Val de Gally")
    response = call("post", f"/creation/letters/{letter.pk}/accept", w.headers(ARS_REGION))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["cpts"]["name"] == "CPTS du Val de Gally"
    letter.refresh_from_db()
    cpts = letter.cpts
    assert body["cpts"] == {"id": cpts.pk, "slug": cpts.slug, "name": cpts.name}
    assert cpts.status == CptsStatus.LETTER_OF_INTENT
    assert cpts.territory_rows.count() == 2
    invited = CptsRole.objects.filter(cpts=cpts, role="coordinator").values_list("user__email", flat=True)
    assert list(invited) == ["claire.martin@exemple.fr"]


def test_accepting_may_name_the_cpts_otherwise(w):
    letter = letter_of(w)
    response = call("post", f"/creation/letters/{letter.pk}/accept", w.headers(ARS), {"name": "CPTS Gally-Mauldre"})
    assert response.json()["cpts"]["name"] == "CPTS Gally-Mauldre"


def test_a_name_already_taken_is_a_422_on_name(w):
    letter = letter_of(w)
    errors = field_errors(
        call("post", f"/creation/letters/{letter.pk}/accept", w.headers(ARS), {"name": "CPTS Plaine de Versailles"})
    )
    assert list(errors) == ["name"]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


def test_a_commune_taken_since_the_filing_refuses_the_acceptance_naming_the_other_cpts(w):
    letter = letter_of(w)
    TerritoryCommuneFactory(cpts=w.cpts, commune=letter.communes.first().commune)
    response = call("post", f"/creation/letters/{letter.pk}/accept", w.headers(ARS))
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith("Territoire envisagé")
    assert [conflict["cpts"]["name"] for conflict in body["conflicts"]] == ["CPTS Plaine de Versailles"]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED
    assert letter.cpts is None
    assert not CptsRole.objects.filter(user__email="claire.martin@exemple.fr").exists()


def test_a_letter_waiting_for_the_promoters_is_not_accepted(w):
    letter = letter_of(w, status=LetterStatus.INFORMATION_REQUESTED)
    response = call("post", f"/creation/letters/{letter.pk}/accept", w.headers(ARS))
    assert response.status_code == 409
    assert response.json()["status"] == "information_requested"


def test_an_authority_refuses_with_a_reason(w):
    letter = letter_of(w, status=LetterStatus.INFORMATION_REQUESTED)
    url = f"/creation/letters/{letter.pk}/refuse"
    assert field_errors(call("post", url, w.headers(ARS), {"reason": ""})) == {
        "reason": ["Message aux porteurs : ce champ est obligatoire."]
    }
    response = call("post", url, w.headers(ARS), {"reason": "Le territoire recouvre un projet voisin."})
    assert response.status_code == 200
    assert response.json()["status"] == "refused"
    assert response.json()["decided_at"]
    again = call("post", url, w.headers(ARS), {"reason": "Encore."})
    assert again.status_code == 409
    assert again.json()["status"] == "refused"
