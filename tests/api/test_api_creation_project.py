"""The projet de santé in the API: versions written by the coordinators (diagnosis, missions,
fiches-actions), submitted once complete, decided once by each funder (the ARS, the Assurance
Maladie) over the CPTS; validated by both, the CPTS moves on and the negotiation of the ACI opens."""

import pytest

from maillon.core.models import CptsStatus
from maillon.creation.factories import (
    ActionSheetFactory,
    MissionSectionFactory,
    ProjectReviewFactory,
    ProjectVersionFactory,
)
from maillon.creation.models import ActionSheet, ProjectReview, ProjectStatus, ProjectVersion

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
    world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(cpts):
    return world(cpts)


def url(w, tail=""):
    return f"/cpts/{w.cpts.pk}/health-project{tail}"


SHEET = {
    "title": "Un médecin traitant pour les patients en ALD",
    "need": "12 % des patients en ALD sans médecin traitant.",
    "objective": "Trouver un médecin traitant à 200 patients en ALD.",
    "target_population": "Patients en ALD sans médecin traitant",
    "actions": "Guichet unique ; places ouvertes par les médecins volontaires.",
    "owner": "Dr Claire Martin",
    "partners": "CPAM des Yvelines",
    "calendar": "Dès la signature de l'ACI",
    "budget": "12000.00",
    "indicators": "Patients en ALD sans médecin traitant\nPatients trouvés",
}


def complete_draft(w, **fields):
    """A draft with a diagnosis and a fiche-action per socle mission: ready to submit."""
    version = ProjectVersionFactory(cpts=w.cpts, **fields)
    for mission in (1, 2, 3, 4):
        ActionSheetFactory(section=MissionSectionFactory(version=version, mission=mission))
    return version


def submitted(w):
    return complete_draft(w, number=1, status=ProjectStatus.SUBMITTED)


# --- Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "member", ARS, ARS_OBSERVER, CPAM])
def test_the_versions_are_read_by_the_cpts_people_and_the_officers_over_it(w, role):
    complete_draft(w, number=2)
    ProjectVersionFactory(cpts=w.cpts, number=1, status=ProjectStatus.RETURNED)
    body = call("get", url(w, "/versions"), w.headers(role)).json()
    assert body["count"] == 2
    assert [(item["number"], item["status"]) for item in body["items"]] == [(2, "draft"), (1, "returned")]
    assert body["items"][0]["missions"] == [1, 2, 3, 4]
    detail = call("get", url(w, "/versions/2"), w.headers(role)).json()
    assert detail["diagnosis"].startswith("Un territoire rural")
    assert [section["mission"] for section in detail["sections"]] == [1, 2, 3, 4]
    assert detail["sections"][0]["mission_label"] == "1 — Accès aux soins"
    assert detail["sections"][0]["sheets"][0]["indicators"] == ["Patients en ALD sans médecin traitant"]
    assert detail["submission_problems"] == []
    assert detail["review_funder"] is None


@pytest.mark.parametrize("role", [OUTSIDER, ARS_ELSEWHERE, ADMIN])
def test_the_project_is_a_404_to_anyone_else(w, role):
    complete_draft(w, number=1)
    for tail in ("/versions", "/versions/1"):
        response = call("get", url(w, tail), w.headers(role))
        assert response.status_code == 404
        assert response.json() == {"detail": "CPTS introuvable."}


def test_an_unknown_version_is_a_404(w):
    response = call("get", url(w, "/versions/7"), w.headers("coordinator"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Version du projet de santé introuvable."}


def test_the_versions_list_pages(w):
    for number in (1, 2, 3):
        ProjectVersionFactory(cpts=w.cpts, number=number, status=ProjectStatus.RETURNED)
    body = call("get", url(w, "/versions"), w.headers("member"), page=2, page_size=2).json()
    assert body["count"] == 3
    assert [item["number"] for item in body["items"]] == [1]


# --- Writing ------------------------------------------------------------------------------------


def test_a_coordinator_writes_a_version_from_start_to_submission(w):
    headers = w.headers("coordinator")
    response = call("post", url(w, "/versions"), headers)
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 1
    assert response.json()["status"] == "draft"
    # The first draft is empty: it says what is missing.
    assert "La synthèse du diagnostic territorial est vide." in response.json()["submission_problems"]

    response = call(
        "put",
        url(w, "/versions/1/diagnosis"),
        headers,
        {"diagnosis": "Territoire rural vieillissant.", "missions": [5]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["missions"] == [1, 2, 3, 4, 5]

    response = call("put", url(w, "/versions/1/missions/5"), headers, {"diagnosis": "Peu de formations locales."})
    assert response.status_code == 200
    assert response.json()["sections"][4]["diagnosis"] == "Peu de formations locales."

    for mission in (1, 2, 3, 4, 5):
        response = call("post", url(w, f"/versions/1/missions/{mission}/sheets"), headers, SHEET)
        assert response.status_code == 201, response.content
    sheet = response.json()
    assert sheet["indicators"] == ["Patients en ALD sans médecin traitant", "Patients trouvés"]
    assert sheet["budget"] == "12000.00"

    changed = {**SHEET, "title": "Former les jeunes installés", "budget": None}
    response = call("put", url(w, f"/sheets/{sheet['id']}"), headers, changed)
    assert response.status_code == 200
    assert response.json()["title"] == "Former les jeunes installés"
    assert response.json()["budget"] is None

    response = call("post", url(w, "/versions/1/submit"), headers)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["submitted_at"]
    w.cpts.refresh_from_db()
    assert w.cpts.status == CptsStatus.PROJECT_SUBMITTED


def test_a_second_working_version_is_a_409(w):
    complete_draft(w, number=1)
    response = call("post", url(w, "/versions"), w.headers("coordinator"))
    assert response.status_code == 409
    assert response.json() == {"detail": "Une version du projet de santé est déjà en rédaction ou en examen."}


def test_the_next_version_starts_as_a_copy_of_the_returned_one(w):
    complete_draft(w, number=1, status=ProjectStatus.RETURNED)
    response = call("post", url(w, "/versions"), w.headers("coordinator"))
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == 2
    assert [len(section["sheets"]) for section in body["sections"]] == [1, 1, 1, 1]


def test_an_unknown_mission_is_a_422_naming_missions(w):
    complete_draft(w, number=1)
    response = call(
        "put", url(w, "/versions/1/diagnosis"), w.headers("coordinator"), {"diagnosis": "x", "missions": [7]}
    )
    assert field_errors(response) == {"missions": ["Missions : choisissez parmi les missions 1 à 6."]}


def test_a_mission_the_version_did_not_choose_has_no_sheets(w):
    complete_draft(w, number=1)
    response = call("post", url(w, "/versions/1/missions/6/sheets"), w.headers("coordinator"), SHEET)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Mission absente de cette version")


def test_a_sheet_without_its_title_is_a_422_naming_it(w):
    complete_draft(w, number=1)
    body = {**SHEET, "title": ""}
    response = call("post", url(w, "/versions/1/missions/1/sheets"), w.headers("coordinator"), body)
    assert list(field_errors(response)) == ["title"]


def test_a_coordinator_deletes_a_sheet_of_a_draft(w):
    version = complete_draft(w, number=1)
    sheet = ActionSheet.objects.filter(section__version=version).first()
    response = call("delete", url(w, f"/sheets/{sheet.pk}"), w.headers("coordinator"))
    assert response.status_code == 204
    assert not ActionSheet.objects.filter(pk=sheet.pk).exists()


def test_a_submitted_version_is_no_longer_written(w):
    version = submitted(w)
    sheet = ActionSheet.objects.filter(section__version=version).first()
    headers = w.headers("coordinator")
    number = version.number
    diagnosis = call("put", url(w, f"/versions/{number}/diagnosis"), headers, {"diagnosis": "x", "missions": []})
    assert diagnosis.status_code == 409
    assert "ne se modifie plus" in diagnosis.json()["detail"]
    assert call("put", url(w, f"/sheets/{sheet.pk}"), headers, SHEET).status_code == 409
    assert call("delete", url(w, f"/sheets/{sheet.pk}"), headers).status_code == 409
    assert call("post", url(w, f"/versions/{number}/missions/1/sheets"), headers, SHEET).status_code == 409
    again = call("post", url(w, f"/versions/{number}/submit"), headers)
    assert again.status_code == 409
    assert again.json()["status"] == "submitted"
    assert set(again.json()) == {"detail", "status", "status_label"}


def test_an_incomplete_draft_is_a_422_listing_its_problems(w):
    ProjectVersionFactory(cpts=w.cpts, number=1, diagnosis="")
    response = call("post", url(w, "/versions/1/submit"), w.headers("coordinator"))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert {tuple(item["loc"]) for item in detail} == {("body", "payload", "submission_problems")}
    messages = [item["msg"] for item in detail]
    assert messages[0] == "La synthèse du diagnostic territorial est vide."
    assert len(messages) == 5  # the diagnosis, and a fiche-action for each socle mission
    assert ProjectVersion.objects.get().status == ProjectStatus.DRAFT


def test_a_sheet_of_another_cpts_is_a_404(w, other_cpts):
    elsewhere = ActionSheetFactory(section__version__cpts=other_cpts)
    response = call("put", url(w, f"/sheets/{elsewhere.pk}"), w.headers("coordinator"), SHEET)
    assert response.status_code == 404
    assert response.json() == {"detail": "Fiche-action introuvable."}


@pytest.mark.parametrize("role", ["member", ARS, CPAM, ARS_OBSERVER])
def test_only_the_coordinators_write_the_project(w, role):
    version = complete_draft(w, number=1)
    sheet = ActionSheet.objects.filter(section__version=version).first()
    headers = w.headers(role)
    for method, tail, body in (
        ("post", "/versions", None),
        ("put", "/versions/1/diagnosis", {"diagnosis": "x", "missions": []}),
        ("put", "/versions/1/missions/1", {"diagnosis": "x"}),
        ("post", "/versions/1/missions/1/sheets", SHEET),
        ("put", f"/sheets/{sheet.pk}", SHEET),
        ("delete", f"/sheets/{sheet.pk}", None),
        ("post", "/versions/1/submit", None),
    ):
        response = call(method, url(w, tail), headers, body)
        assert response.status_code == 403, f"{method} {tail}"
        assert (
            response.json()["detail"] == "Seuls les coordinateurs de la CPTS rédigent et déposent le projet de santé."
        )
    assert ProjectVersion.objects.get().status == ProjectStatus.DRAFT


@pytest.mark.parametrize("role", [OUTSIDER, ARS_ELSEWHERE])
def test_the_project_of_another_cpts_is_not_written(w, role):
    complete_draft(w, number=1)
    assert call("post", url(w, "/versions"), w.headers(role)).status_code == 404
    assert call("post", url(w, "/versions/1/submit"), w.headers(role)).status_code == 404


# --- Decisions ----------------------------------------------------------------------------------


def review(w, role, decision="validated", comments="", number=1):
    return call(
        "post", url(w, f"/versions/{number}/reviews"), w.headers(role), {"decision": decision, "comments": comments}
    )


def test_validated_by_the_ars_and_the_cpam_the_project_moves_the_cpts_on(w):
    submitted(w)
    assert call("get", url(w, "/versions/1"), w.headers(ARS)).json()["review_funder"] == "ars"
    response = review(w, ARS)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert [(item["funder"], item["decision"]) for item in body["reviews"]] == [("ars", "validated")]
    assert body["review_funder"] is None
    response = review(w, CPAM, comments="Bon projet.")
    assert response.status_code == 201
    assert response.json()["status"] == "validated"
    w.cpts.refresh_from_db()
    assert w.cpts.status == CptsStatus.PROJECT_VALIDATED


def test_returned_by_one_funder_the_version_is_closed(w):
    submitted(w)
    assert field_errors(review(w, CPAM, "returned")) == {
        "comments": ["Remarques : dites aux porteurs ce qu'il faut reprendre."]
    }
    response = review(w, CPAM, "returned", "Précisez le budget de la mission 2.")
    assert response.status_code == 201
    assert response.json()["status"] == "returned"
    assert response.json()["reviews"][0]["comments"] == "Précisez le budget de la mission 2."


def test_a_funder_decides_once(w):
    submitted(w)
    assert review(w, ARS).status_code == 201
    response = review(w, ARS_REGION)
    # A state problem, not a right: 409 with the version's state.
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Décision : votre organisme (ou vous-même) a déjà décidé sur cette version.",
        "status": "submitted",
        "status_label": "Déposé, en attente des décisions",
    }
    assert review(w, ARS).status_code == 409
    assert ProjectReview.objects.count() == 1


def test_an_unknown_decision_is_a_422(w):
    submitted(w)
    assert list(field_errors(review(w, ARS, "maybe"))) == ["decision"]


def test_a_draft_or_a_decided_version_is_a_409_with_its_state(w):
    complete_draft(w, number=1)
    response = review(w, ARS)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Décision : cette version est « En rédaction » ; seule une version déposée reçoit une décision.",
        "status": "draft",
        "status_label": "En rédaction",
    }
    complete_draft(w, number=2, status=ProjectStatus.VALIDATED)
    response = review(w, CPAM, number=2)
    assert response.status_code == 409 and response.json()["status"] == "validated"
    # Who is no funder over the CPTS still gets a 403, whatever the state.
    assert review(w, ARS_OBSERVER).status_code == 403
    assert not ProjectReview.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "member", ARS_OBSERVER])
def test_only_the_funders_decide(w, role):
    submitted(w)
    response = review(w, role)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Décision : seules l'ARS et l'Assurance Maladie")
    assert not ProjectReview.objects.exists()


@pytest.mark.parametrize("role", [OUTSIDER, ARS_ELSEWHERE, ADMIN])
def test_no_one_else_learns_of_the_project(w, role):
    submitted(w)
    assert review(w, role).status_code == 404


def test_the_negotiation_opens_once_the_project_is_validated(w):
    negotiation = url(w, "/negotiation")
    response = call("post", negotiation, w.headers(CPAM))
    assert response.status_code == 409
    assert response.json()["detail"].startswith("La négociation de l'ACI s'ouvre une fois le projet de santé validé")
    version = submitted(w)
    ProjectReviewFactory(version=version, funder="ars")
    assert review(w, CPAM).status_code == 201
    response = call("post", negotiation, w.headers(CPAM))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": w.cpts.pk,
        "slug": w.cpts.slug,
        "name": w.cpts.name,
        "status": "negotiation",
        "status_label": "En négociation",
    }


@pytest.mark.parametrize("role", ["coordinator", "member", ARS_OBSERVER])
def test_only_the_funders_open_the_negotiation(w, role):
    assert call("post", url(w, "/negotiation"), w.headers(role)).status_code == 403


@pytest.mark.parametrize("role", [OUTSIDER, ARS_ELSEWHERE])
def test_the_negotiation_of_another_cpts_is_a_404(w, role):
    assert call("post", url(w, "/negotiation"), w.headers(role)).status_code == 404


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("get", "/versions"),
        ("post", "/versions"),
        ("get", "/versions/1"),
        ("put", "/versions/1/diagnosis"),
        ("put", "/versions/1/missions/1"),
        ("post", "/versions/1/missions/1/sheets"),
        ("put", "/sheets/1"),
        ("delete", "/sheets/1"),
        ("post", "/versions/1/submit"),
        ("post", "/versions/1/reviews"),
        ("post", "/negotiation"),
    ],
)
def test_anonymous_callers_get_a_401_on_the_project(w, method, tail):
    assert call(method, url(w, tail)).status_code == 401
