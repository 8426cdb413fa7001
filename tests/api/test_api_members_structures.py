"""/cpts/{id}/structures: structures (MSP, pharmacies, EHPAD…) members of a CPTS."""

import pytest

from maillon.core.models import JournalEntry
from maillon.members.factories import CollegeFactory, MembershipFactory, StructureFactory
from maillon.members.models import Membership, MembershipStatus, Structure

pytestmark = pytest.mark.django_db


def url(cpts, structure_id=None):
    base = f"/api/v1/cpts/{cpts.pk}/structures"
    return f"{base}/{structure_id}" if structure_id else base


@pytest.fixture
def headers(token_headers, coordinator):
    return token_headers(coordinator)


@pytest.fixture
def msp(cpts):
    structure = StructureFactory(name="MSP des Tilleuls", finess="750712184", commune_id="78646")
    return MembershipFactory(cpts=cpts, professional=None, structure=structure)


def structure_member(cpts, **kwargs):
    return MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory(**kwargs))


NEW = {"name": "Pharmacie du Château", "kind": "pharmacie", "finess": "780000014", "commune": "78646"}


def test_a_member_lists_active_structures(api_client, cpts, member, token_headers, msp):
    structure_member(cpts, name="EHPAD Les Lilas", kind="ehpad").leave(by=None)
    MembershipFactory(professional=None, structure=StructureFactory())  # another CPTS's
    body = api_client.get(url(cpts), **token_headers(member)).json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == msp.structure_id
    assert item["kind"] == {"code": "msp", "label": "Maison de santé pluriprofessionnelle (MSP)"}
    assert item["finess"] == "750712184"
    assert item["commune"] == {"code": "78646", "name": "Versailles"}
    assert item["membership"]["status"] == "active"


def test_the_coordinator_sees_each_structure_once_with_its_latest_adhesion(api_client, cpts, headers, msp):
    msp.leave(by=None)
    again = MembershipFactory(cpts=cpts, professional=None, structure=msp.structure, requested=True)
    body = api_client.get(url(cpts), **headers).json()
    assert body["count"] == 1
    assert body["items"][0]["membership"]["id"] == again.pk
    detail = api_client.get(url(cpts, msp.structure_id), **headers).json()
    assert detail["membership"]["status"] == "requested"


@pytest.mark.parametrize(
    ("query", "expected"),
    [("kind=msp", ["MSP des Tilleuls"]), ("q=tilleuls", ["MSP des Tilleuls"]), ("q=750 712 184", ["MSP des Tilleuls"])],
)
def test_filters(api_client, cpts, headers, msp, query, expected):
    structure_member(cpts, name="EHPAD Les Lilas", kind="ehpad")
    body = api_client.get(f"{url(cpts)}?{query}", **headers).json()
    assert [item["name"] for item in body["items"]] == expected


def test_a_structure_of_another_cpts_is_404_like_a_missing_one(api_client, cpts, other_cpts, headers):
    elsewhere = MembershipFactory(cpts=other_cpts, professional=None, structure=StructureFactory())
    hidden = api_client.get(url(cpts, elsewhere.structure_id), **headers)
    missing = api_client.get(url(cpts, 999_999), **headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_the_coordinator_adds_a_new_structure(api_client, cpts, headers):
    college = CollegeFactory(cpts=cpts, name="Établissements et structures")
    response = api_client.post(url(cpts), {**NEW, "college_id": college.pk}, content_type="application/json", **headers)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Pharmacie du Château"
    assert body["membership"]["status"] == "active"
    assert body["membership"]["college"]["name"] == "Établissements et structures"
    assert Structure.objects.get(finess="780000014").kind == "pharmacie"


def test_a_known_structure_is_reused_and_an_open_adhesion_is_409(api_client, cpts, other_cpts, headers):
    known = StructureFactory(finess="780000014", name="Pharmacie (nom officiel)")
    MembershipFactory(cpts=other_cpts, professional=None, structure=known)
    first = api_client.post(url(cpts), NEW, content_type="application/json", **headers)
    assert first.status_code == 201
    assert first.json()["id"] == known.pk
    assert first.json()["name"] == "Pharmacie (nom officiel)", "the card is not changed"
    second = api_client.post(url(cpts), NEW, content_type="application/json", **headers)
    assert second.status_code == 409
    assert Structure.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"finess": "780000015"}, "finess", "Le numéro FINESS doit compter 9 caractères"),
        ({"finess": ""}, "finess", "Indiquez le numéro FINESS ou le numéro SIRET de la structure."),
        ({"finess": "", "siret": "12345678901234"}, "siret", "Le numéro SIRET doit compter 14 chiffres"),
        ({"commune": "99999"}, "commune", "« 99999 » n'est pas le code INSEE d'une commune."),
        ({"email": "x@"}, "email", "Saisissez une adresse"),
        ({"college_id": 999_999}, "college_id", "Ce collège n'existe pas dans cette CPTS."),
    ],
)
def test_invalid_data_is_a_french_422_naming_the_field(api_client, cpts, headers, change, field, message):
    response = api_client.post(url(cpts), {**NEW, **change}, content_type="application/json", **headers)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "payload", field]
    assert error["msg"].startswith(message)
    assert not Structure.objects.exists()


def test_an_unknown_kind_is_a_french_422(api_client, cpts, headers):
    response = api_client.post(url(cpts), {**NEW, "kind": "garage"}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("Valeur non permise ; valeurs possibles : 'msp'")


def test_the_coordinator_records_a_departure(api_client, cpts, headers, msp):
    body = {"action": "leave", "reason": "Fermeture"}
    response = api_client.patch(url(cpts, msp.structure_id), body, content_type="application/json", **headers)
    assert response.status_code == 200
    assert response.json()["membership"]["status"] == "left"
    assert Membership.objects.get(pk=msp.pk).status == MembershipStatus.LEFT


def test_members_read_but_do_not_write(api_client, cpts, member, token_headers, msp):
    headers = token_headers(member)
    assert api_client.get(url(cpts, msp.structure_id), **headers).status_code == 200
    assert api_client.post(url(cpts), NEW, content_type="application/json", **headers).status_code == 403
    patched = api_client.patch(
        url(cpts, msp.structure_id), {"action": "leave"}, content_type="application/json", **headers
    )
    assert patched.status_code == 403
    assert Membership.objects.get(pk=msp.pk).status == MembershipStatus.ACTIVE


def test_structure_reads_are_journaled_once_each(api_client, cpts, member, token_headers, msp):
    headers = token_headers(member)
    before = JournalEntry.objects.count()
    api_client.get(url(cpts), **headers)
    api_client.get(url(cpts, msp.structure_id), **headers)
    entries = JournalEntry.objects.order_by("pk")[before:]
    assert [(e.action, e.object_type, e.object_id, e.cpts_id) for e in entries] == [
        ("read", "members.Structure", "", cpts.pk),
        ("read", "members.Structure", str(msp.structure_id), cpts.pk),
    ]
