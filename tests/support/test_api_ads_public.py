"""The public ads of the API (maillon/api/ads.py), the Pinned shape of issue 21: `GET /api/v1/ads`
and `GET /api/v1/ads?commune=<INSEE>` answer `{"items": [{"id", "kind", "title", "profession",
"commune": {"code", "name"}, "published_on", "cpts": null | {"id", "slug", "name", "status",
"status_label", "taille", "missions", "url"}}], "count": N}` — published, unexpired ads only, each
stamped with the CPTS whose current territory holds its commune, computed when read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillon.contracts import services as contracts
from maillon.core.factories import CptsFactory
from maillon.members.professions import Profession
from maillon.support.factories import AdFactory
from maillon.support.models import AdKind, AdStatus
from maillon.territories import services as territories
from maillon.territories.factories import CommuneFactory, DepartementFactory, TerritoryCommuneFactory
from maillon.territories.models import Commune

from .api_helpers import call

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ITEM_KEYS = {"id", "kind", "title", "profession", "commune", "published_on", "cpts"}
STAMP_KEYS = {"id", "slug", "name", "status", "status_label", "taille", "missions", "url"}


def versailles():
    return Commune.objects.get(code="78646")


def test_an_ad_in_a_covered_commune_is_stamped_with_the_cpts_exactly_as_pinned(cpts, coordinator):
    contracts.create_contract(
        cpts=cpts, signed_on=TODAY - datetime.timedelta(days=400), taille=2, missions=[1, 2, 3, 4, 6], by=coordinator
    )
    ad = AdFactory(cpts=cpts, published=True, commune=versailles(), kind=AdKind.PRACTICE_SALE)

    response = call("get", "/ads", commune="78646")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 1
    [item] = body["items"]
    assert set(item) == ITEM_KEYS
    assert set(item["cpts"]) == STAMP_KEYS
    assert item == {
        "id": ad.pk,
        "kind": "practice_sale",
        "title": ad.title,
        "profession": Profession.MEDECIN.value,
        "commune": {"code": "78646", "name": "Versailles"},
        "published_on": TODAY.isoformat(),
        "cpts": {
            "id": cpts.pk,
            "slug": "plaine-de-versailles",
            "name": "CPTS Plaine de Versailles",
            "status": "aci_signed",
            "status_label": "ACI signé",
            "taille": 3,
            "missions": [1, 2, 3, 4, 6],
            "url": "http://testserver/cpts/plaine-de-versailles/",
        },
    }


def test_the_stamp_s_status_is_the_lifecycle_code_of_the_cpts_directory(cpts):
    AdFactory(cpts=cpts, published=True, commune=versailles())
    stamp = call("get", "/ads").json()["items"][0]["cpts"]
    [listed] = [row for row in call("get", "/cpts").json() if row["id"] == cpts.pk]
    assert (stamp["status"], stamp["status_label"], stamp["taille"]) == (
        listed["status"],
        listed["status_label"],
        listed["taille"],
    )
    assert stamp["missions"] == []  # no ACI in force


def test_an_ad_where_no_cpts_works_says_so_with_null(cpts):
    alone = CommuneFactory(code="23001", name="Ahun")
    AdFactory(cpts=cpts, published=True, commune=alone)
    body = call("get", "/ads", commune="23001").json()
    assert body["count"] == 1
    assert body["items"][0]["cpts"] is None
    assert body["items"][0]["commune"] == {"code": "23001", "name": "Ahun"}


def test_the_stamp_follows_the_current_territory_when_read(cpts, other_cpts, coordinator):
    ad = AdFactory(cpts=cpts, published=True, commune=versailles())
    assert call("get", "/ads").json()["items"][0]["cpts"]["id"] == cpts.pk
    # Versailles leaves the Plaine de Versailles for the Boucle de Seine: the same ad, another stamp.
    territories.set_territory(cpts, [], on=TODAY - datetime.timedelta(days=1), by=coordinator)
    territories.set_territory(other_cpts, ["78498", "78646"], on=TODAY, by=coordinator)
    [item] = call("get", "/ads").json()["items"]
    assert (item["id"], item["cpts"]["id"], item["cpts"]["slug"]) == (ad.pk, other_cpts.pk, "boucle-de-seine")


def test_only_published_unexpired_ads_are_listed(cpts):
    shown = AdFactory(cpts=cpts, published=True, commune=versailles())
    last_day = AdFactory(cpts=cpts, published=True, commune=versailles(), expires_on=TODAY)
    AdFactory(cpts=cpts, commune=versailles())  # waiting for moderation
    AdFactory(cpts=cpts, expired=True, commune=versailles())
    AdFactory(cpts=cpts, filled=True, commune=versailles())
    AdFactory(cpts=cpts, status=AdStatus.REFUSED, commune=versailles())
    AdFactory(cpts=cpts, status=AdStatus.WITHDRAWN, commune=versailles())
    for params in ({}, {"commune": "78646"}):
        body = call("get", "/ads", **params).json()
        assert body["count"] == 2
        assert {item["id"] for item in body["items"]} == {shown.pk, last_day.pk}


def test_an_unknown_commune_code_answers_422_naming_the_commune_query_field(cpts):
    AdFactory(cpts=cpts, published=True, commune=versailles())
    response = call("get", "/ads", commune="99999")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["query", "commune"], "msg": "Commune inconnue : aucun code INSEE « 99999 »."}]
    }
    assert call("get", "/ads", commune="x" * 11).json()["detail"][0]["loc"] == ["query", "commune"]


def test_the_list_pages_with_page_and_page_size_newest_first(cpts):
    ads = [
        AdFactory(cpts=cpts, published=True, commune=versailles(), published_on=TODAY - datetime.timedelta(days=n))
        for n in range(5)
    ]
    first = call("get", "/ads", page_size=2).json()
    second = call("get", "/ads", page=2, page_size=2).json()
    last = call("get", "/ads", page=3, page_size=2).json()
    beyond = call("get", "/ads", page=4, page_size=2).json()
    assert [item["id"] for item in first["items"] + second["items"] + last["items"]] == [ad.pk for ad in ads]
    assert (first["count"], beyond) == (5, {"items": [], "count": 5})
    assert call("get", "/ads", page=0).status_code == 422
    assert call("get", "/ads", page_size=101).json()["detail"][0]["loc"] == ["query", "page_size"]


def test_the_filters_profession_kind_departement_and_radius(cpts):
    creuse = DepartementFactory(code="23", name="Creuse")
    gueret = CommuneFactory(code="23096", name="Guéret", departement=creuse, latitude=46.17, longitude=1.87)
    near = CommuneFactory(code="23176", name="Saint-Fiel", departement=creuse, latitude=46.21, longitude=1.90)
    nurse = AdFactory(
        cpts=cpts, published=True, commune=gueret, profession=Profession.INFIRMIER, kind=AdKind.COLLABORATION
    )
    premises = AdFactory(cpts=cpts, published=True, commune=near, kind=AdKind.PREMISES)
    here = AdFactory(cpts=cpts, published=True, commune=versailles())

    def ids(**params):
        response = call("get", "/ads", **params)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids(profession=Profession.INFIRMIER.value) == {nurse.pk}
    assert ids(kind="premises") == {premises.pk}
    assert ids(departement="23") == {nurse.pk, premises.pk}
    assert ids(departement="78") == {here.pk}
    assert ids(commune="23096") == {nurse.pk}
    assert ids(commune="23096", radius_km=10) == {nurse.pk, premises.pk}
    assert call("get", "/ads", kind="villa").json()["detail"][0]["loc"] == ["query", "kind"]
    assert call("get", "/ads", profession="999").json()["detail"][0]["loc"] == ["query", "profession"]


def test_no_personal_data_nor_contact_is_listed(cpts):
    AdFactory(cpts=cpts, published=True, commune=versailles(), contact_email="dr.martin@example.org")
    content = call("get", "/ads").content.decode()
    assert "dr.martin@example.org" not in content and "Dr Martin" not in content


def test_the_list_runs_as_many_queries_with_30_ads_in_30_cpts_as_with_3(cpts):
    def ads(count):
        for _ in range(count):
            commune = CommuneFactory()
            TerritoryCommuneFactory(cpts=CptsFactory(), commune=commune)
            AdFactory(cpts=cpts, published=True, commune=commune)
            AdFactory(cpts=cpts, published=True)  # uncovered

    ads(3)
    call("get", "/ads", page_size=100)
    with CaptureQueriesContext(connection) as few:
        first = call("get", "/ads", page_size=100)
    ads(27)
    with CaptureQueriesContext(connection) as many:
        second = call("get", "/ads", page_size=100)
    assert (first.json()["count"], second.json()["count"]) == (6, 60)
    assert len(many) == len(few), "\n".join(query["sql"][:200] for query in many.captured_queries)
