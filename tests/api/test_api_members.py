"""/cpts/{id}/members: list, detail, create and update adhesions of professionals."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import (
    CollegeFactory,
    FeeFactory,
    LanguageFactory,
    MembershipFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
)
from maillon.members.models import Membership, MembershipStatus, Professional
from maillon.members.professions import Profession, Specialty
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db


def url(cpts, membership_id=None):
    base = f"/api/v1/cpts/{cpts.pk}/members"
    return f"{base}/{membership_id}" if membership_id else base


@pytest.fixture
def headers(token_headers, coordinator):
    return token_headers(coordinator)


@pytest.fixture
def nurse(cpts):
    professional = ProfessionalFactory(
        nurse=True, first_name="Claire", last_name="Martin", rpps="10100901734", skills="Plaies, Diabète"
    )
    professional.languages.add(LanguageFactory(code="en", name="Anglais"))
    PracticePlaceFactory(professional=professional, commune=Commune.objects.get(pk="78646"), address="1 rue Hoche")
    return MembershipFactory(
        cpts=cpts, professional=professional, college=CollegeFactory(cpts=cpts, name="Paramédicaux")
    )


# --- Reads ---


def test_a_member_lists_the_active_members_with_their_card(api_client, cpts, member, token_headers, nurse):
    MembershipFactory(cpts=cpts, requested=True)
    MembershipFactory()  # another CPTS's
    response = api_client.get(url(cpts), **token_headers(member))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == nurse.pk
    assert item["status"] == "active"
    assert item["college"] == {"id": nurse.college_id, "name": "Paramédicaux"}
    professional = item["professional"]
    assert professional["profession"] == {"code": "60", "label": "Infirmier"}
    assert professional["specialty"] is None
    assert professional["rpps"] == "10100901734"
    assert professional["skills"] == ["Plaies", "Diabète"]
    assert professional["languages"] == ["en"]
    assert professional["practice_places"][0]["commune"] == {"code": "78646", "name": "Versailles"}


def test_the_coordinator_also_sees_requests_refusals_and_departures(api_client, cpts, headers, nurse):
    MembershipFactory(cpts=cpts, requested=True)
    MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT)
    body = api_client.get(url(cpts), **headers).json()
    assert body["count"] == 3
    assert api_client.get(url(cpts) + "?status=requested", **headers).json()["count"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("profession=60", ["Martin"]),
        ("profession=10", ["Durand"]),
        ("commune=78646", ["Martin"]),
        ("q=martin", ["Martin"]),
        ("q=diabete", ["Martin"]),
        ("q=101 009 017 34", ["Martin"]),
        ("q=generale", ["Durand"]),
    ],
)
def test_filters(api_client, cpts, headers, nurse, query, expected):
    MembershipFactory(
        cpts=cpts, professional=ProfessionalFactory(first_name="Éric", last_name="Durand", rpps="10002909371")
    )
    body = api_client.get(f"{url(cpts)}?{query}", **headers).json()
    assert [item["professional"]["last_name"] for item in body["items"]] == expected


def test_filter_by_college_and_pagination(api_client, cpts, headers, nurse):
    for n in range(4):
        MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name=f"Zed{n}"))
    assert api_client.get(f"{url(cpts)}?college={nurse.college_id}", **headers).json()["count"] == 1
    body = api_client.get(f"{url(cpts)}?page=2&page_size=2", **headers).json()
    assert body["count"] == 5
    assert [item["professional"]["last_name"] for item in body["items"]] == ["Zed1", "Zed2"]


def test_a_bad_filter_is_a_french_422(api_client, cpts, headers):
    response = api_client.get(f"{url(cpts)}?profession=99", **headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "profession"]
    assert response.json()["detail"][0]["msg"].startswith("Valeur non permise")


def test_each_list_and_detail_read_is_journaled_once(api_client, cpts, member, token_headers, nurse):
    headers = token_headers(member)
    before = JournalEntry.objects.count()
    api_client.get(url(cpts), **headers)
    api_client.get(url(cpts, nurse.pk), **headers)
    entries = list(JournalEntry.objects.order_by("pk")[before:])
    assert [(e.action, e.object_type, e.object_id, e.cpts_id, e.actor_id) for e in entries] == [
        ("read", "members.Professional", "", cpts.pk, member.pk),
        ("read", "members.Professional", str(nurse.professional_id), cpts.pk, member.pk),
    ]
    assert "rpps" in entries[1].fields
    assert "Martin" not in entries[0].note


def test_the_detail_gives_fees_and_history(api_client, cpts, headers, nurse):
    FeeFactory(membership=nurse, year=2026, amount="20.00", paid_on=datetime.date(2026, 2, 1))
    body = api_client.get(url(cpts, nurse.pk), **headers).json()
    assert body["fees"] == [{"year": 2026, "amount": "20.00", "paid_on": "2026-02-01"}]
    assert body["leave_reason"] == ""
    assert body["professional"]["last_name"] == "Martin"


def test_fees_and_history_are_the_coordination_s_and_the_member_s_own(api_client, cpts, token_headers, member, nurse):
    FeeFactory(membership=nurse, year=2026, amount="20.00", paid_on=datetime.date(2026, 2, 1))
    other = api_client.get(url(cpts, nurse.pk), **token_headers(member)).json()
    assert (other["fees"], other["events"], other["leave_reason"]) == ([], [], "")
    assert other["professional"]["last_name"] == "Martin", "the adhesion itself stays readable"

    nurse.professional.user = UserFactory()
    nurse.professional.save()
    CptsRoleFactory(cpts=cpts, user=nurse.professional.user)
    own = api_client.get(url(cpts, nurse.pk), **token_headers(nurse.professional.user)).json()
    assert own["fees"] == [{"year": 2026, "amount": "20.00", "paid_on": "2026-02-01"}]


def test_a_membership_of_another_cpts_is_404_like_a_missing_one(api_client, cpts, other_cpts, headers):
    elsewhere = MembershipFactory(cpts=other_cpts)
    hidden = api_client.get(url(cpts, elsewhere.pk), **headers)
    missing = api_client.get(url(cpts, 999_999), **headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Adhésion introuvable."}
    patched = api_client.patch(url(cpts, elsewhere.pk), {"action": "leave"}, content_type="application/json", **headers)
    assert patched.status_code == 404
    assert Membership.objects.get(pk=elsewhere.pk).status == "active"


def test_a_member_does_not_see_a_pending_request(api_client, cpts, member, token_headers):
    pending = MembershipFactory(cpts=cpts, requested=True)
    assert api_client.get(url(cpts, pending.pk), **token_headers(member)).status_code == 404


def test_reads_have_a_fixed_query_budget(api_client, cpts, headers, nurse):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get(url(cpts), **headers).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(5):
        place = PracticePlaceFactory(commune=Commune.objects.get(pk="78646"))
        MembershipFactory(cpts=cpts, professional=place.professional, college=nurse.college)
    assert queries() == few


# --- Create ---

NEW = {
    "first_name": "Éric",
    "last_name": "Durand",
    "profession": "Médecin généraliste",
    "rpps": "10002909371",
    "email": "eric.durand@example.org",
    "address": "2 rue Hoche",
    "commune": "78646",
    "skills": ["Pédiatrie"],
    "languages": ["en"],
    "accepts_new_patients": True,
}


def post(client, cpts, body, headers):
    return client.post(url(cpts), body, content_type="application/json", **headers)


def test_the_coordinator_adds_a_new_professional(api_client, cpts, coordinator, headers):
    LanguageFactory(code="en", name="Anglais")
    college = CollegeFactory(cpts=cpts, name="Médecins")
    response = post(api_client, cpts, {**NEW, "college_id": college.pk, "involvement": "mission"}, headers)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "active"
    assert body["joined_on"] == datetime.date.today().isoformat()
    assert body["college"]["name"] == "Médecins"
    assert body["involvement"] == "mission"
    assert body["professional"]["specialty"] == {"code": "SM54", "label": "Médecine générale"}
    assert body["professional"]["languages"] == ["en"]
    professional = Professional.objects.get(rpps="10002909371")
    assert (professional.profession, professional.specialty) == (Profession.MEDECIN, Specialty.GENERAL_PRACTICE)
    assert professional.practice_places.get().address == "2 rue Hoche"
    membership = Membership.objects.get(pk=body["id"])
    assert membership.decided_by == coordinator
    assert JournalEntry.objects.filter(action="create", object_type="members.Professional").exists()


def test_a_former_member_is_reused_without_touching_their_card(api_client, cpts, headers):
    known = ProfessionalFactory(rpps="10002909371", email="garde@example.org")
    MembershipFactory(cpts=cpts, professional=known, status="left")
    response = post(api_client, cpts, NEW, headers)
    assert response.status_code == 201
    assert response.json()["professional"]["id"] == known.pk
    known.refresh_from_db()
    assert known.email == "garde@example.org"
    assert Professional.objects.count() == 1


def test_an_open_adhesion_answers_409(api_client, cpts, headers):
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(rpps="10002909371"), requested=True)
    response = post(api_client, cpts, NEW, headers)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Ce membre a déjà une adhésion en cours ou une demande en attente dans cette CPTS."
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"rpps": "10002909372"}, "rpps", "RPPS : « 10002909372 » : 11 chiffres attendus"),
        ({"rpps": ""}, "rpps", "RPPS : indiquez le numéro RPPS ou, à défaut, le numéro ADELI."),
        ({"profession": "Sorcier"}, "profession", "Profession : « Sorcier » n'est pas une profession connue"),
        ({"commune": "99999"}, "commune", "Code INSEE : « 99999 » n'est pas le code INSEE d'une commune."),
        ({"email": "eric@"}, "email", "Email : « eric@ » n'est pas une adresse électronique valide."),
        ({"languages": ["xx"]}, "languages", "Langues : langue(s) inconnue(s) : « xx »."),
        ({"college_id": 999_999}, "college_id", "Ce collège n'existe pas dans cette CPTS."),
    ],
)
def test_invalid_data_is_a_french_422_naming_the_field(api_client, cpts, headers, change, field, message):
    response = post(api_client, cpts, {**NEW, **change}, headers)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", field]
    assert error["msg"].startswith(message)
    assert not Professional.objects.exists()


def test_a_missing_name_is_a_french_422(api_client, cpts, headers):
    response = post(api_client, cpts, {key: value for key, value in NEW.items() if key != "last_name"}, headers)
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "payload", "last_name"], "msg": "Champ obligatoire."}]


def test_a_college_of_another_cpts_is_refused(api_client, cpts, other_cpts, headers):
    response = post(api_client, cpts, {**NEW, "college_id": CollegeFactory(cpts=other_cpts).pk}, headers)
    assert response.status_code == 422
    assert not Professional.objects.exists()


def test_a_member_who_is_not_coordinator_gets_403(api_client, cpts, member, token_headers, nurse):
    headers = token_headers(member)
    response = post(api_client, cpts, NEW, headers)
    assert response.status_code == 403
    assert response.json() == {"detail": "Seuls les coordinateurs de cette CPTS peuvent modifier ses membres."}
    patched = api_client.patch(url(cpts, nurse.pk), {"action": "leave"}, content_type="application/json", **headers)
    assert patched.status_code == 403
    assert not Professional.objects.filter(rpps="10002909371").exists()


def test_a_member_who_changes_a_request_they_cannot_see_gets_404_like_a_missing_one(
    api_client, cpts, member, token_headers
):
    pending = MembershipFactory(cpts=cpts, requested=True)
    headers = token_headers(member)
    hidden = api_client.patch(url(cpts, pending.pk), {"action": "accept"}, content_type="application/json", **headers)
    missing = api_client.patch(url(cpts, 999999), {"action": "accept"}, content_type="application/json", **headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Adhésion introuvable."}
    pending.refresh_from_db()
    assert pending.status == MembershipStatus.REQUESTED


def test_a_platform_admin_without_a_role_sees_no_member(api_client, cpts, token_headers, nurse):
    """The adhesions are personal data: a superuser without a role answers as for a missing CPTS."""
    headers = token_headers(UserFactory(is_superuser=True, is_staff=True))
    for response in (
        api_client.get(url(cpts), **headers),
        api_client.get(url(cpts, nurse.pk), **headers),
        post(api_client, cpts, NEW, headers),
        patch(api_client, cpts, nurse, {"action": "leave"}, headers),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "CPTS introuvable."}


# --- Update ---


def patch(client, cpts, membership, body, headers):
    return client.patch(url(cpts, membership.pk), body, content_type="application/json", **headers)


def test_the_coordinator_changes_college_and_involvement(api_client, cpts, headers, nurse):
    medecins = CollegeFactory(cpts=cpts, name="Médecins")
    response = patch(api_client, cpts, nurse, {"college_id": medecins.pk, "involvement": "project_lead"}, headers)
    assert response.status_code == 200
    assert (response.json()["college"]["name"], response.json()["involvement"]) == ("Médecins", "project_lead")
    assert patch(api_client, cpts, nurse, {"college_id": None}, headers).json()["college"] is None
    nurse.refresh_from_db()
    assert nurse.college is None
    assert nurse.involvement == "project_lead", "a field not sent does not change"


def test_accept_then_leave_through_the_model_transitions(api_client, cpts, coordinator, headers):
    pending = MembershipFactory(cpts=cpts, requested=True)
    accepted = patch(api_client, cpts, pending, {"action": "accept", "on": "2026-01-05"}, headers).json()
    assert (accepted["status"], accepted["joined_on"]) == ("active", "2026-01-05")
    left = patch(api_client, cpts, pending, {"action": "leave", "on": "2026-03-01", "reason": "Déménagement"}, headers)
    assert left.json()["status"] == "left"
    assert left.json()["leave_reason"] == "Déménagement"
    assert [(e["from_status"], e["to_status"]) for e in left.json()["events"]] == [
        ("requested", "active"),
        ("active", "left"),
    ]
    pending.refresh_from_db()
    assert pending.decided_by == coordinator


def test_refuse_a_request(api_client, cpts, headers):
    pending = MembershipFactory(cpts=cpts, requested=True)
    response = patch(api_client, cpts, pending, {"action": "refuse", "reason": "Hors territoire"}, headers)
    assert response.json()["status"] == "refused"


def test_an_impossible_transition_is_a_409_with_the_state_and_changes_nothing(api_client, cpts, headers, nurse):
    response = patch(api_client, cpts, nurse, {"involvement": "mission", "action": "accept"}, headers)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cette adhésion est « Adhérent » : l'action n'est pas possible.",
        "status": "active",
        "status_label": "Adhérent",
    }
    nurse.refresh_from_db()
    assert nurse.involvement == "mailing_list", "rolled back"


def test_leaving_before_joining_names_the_date(api_client, cpts, headers, nurse):
    response = patch(api_client, cpts, nurse, {"action": "leave", "on": "2000-01-01"}, headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "on"]


def test_the_openapi_schema_lists_the_member_operations(api_client):
    paths = api_client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/cpts/{cpts_id}/members"])
    assert {"get", "patch"} <= set(paths["/api/v1/cpts/{cpts_id}/members/{membership_id}"])
    assert {"get", "post"} <= set(paths["/api/v1/cpts/{cpts_id}/structures"])
    assert {"get", "patch"} <= set(paths["/api/v1/cpts/{cpts_id}/structures/{structure_id}"])


def test_a_coordinator_cannot_enrol_a_card_brought_by_another_cpts_and_read_its_contacts(
    api_client, cpts, other_cpts, coordinator, token_headers
):
    from maillon.members.factories import MembershipFactory, ProfessionalFactory

    card = ProfessionalFactory(rpps="10002909371", email="prive@example.org", phone="06 01 02 03 04")
    MembershipFactory(cpts=other_cpts, professional=card)
    body = {"first_name": "X", "last_name": "Y", "profession": "10", "specialty": "SM54", "rpps": "10002909371"}
    response = api_client.post(
        f"/api/v1/cpts/{cpts.pk}/members", body, content_type="application/json", **token_headers(coordinator)
    )
    assert response.status_code == 409
    assert "prive@example.org" not in response.content.decode()
    assert not card.memberships.filter(cpts=cpts).exists()
