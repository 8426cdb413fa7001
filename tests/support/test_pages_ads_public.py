"""The public ads, without login: the search (profession, type, département, or commune and
distance) lists the published ads that have not expired, each stamped with the CPTS whose current
territory holds its commune — or « Aucune CPTS ne couvre cette commune » —, with a map of the
results built from a GeoJSON; one ad's page shows its contact, and answers 404 for an ad that is
not published or has expired."""

import datetime
import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import services as contracts
from maillon.core.factories import CptsFactory
from maillon.support.factories import AdFactory
from maillon.support.models import AdKind
from maillon.territories.factories import CommuneFactory, DepartementFactory, TerritoryCommuneFactory
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SEARCH = reverse("ad_search")


def text(response) -> str:
    return html.unescape(response.content.decode())


def search(client, **criteria):
    return client.get(SEARCH, criteria)


def points(response) -> dict:
    found = re.search(r'<script id="ad-points" type="application/json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(found.group(1))


@pytest.fixture
def versailles(cpts):
    return Commune.objects.get(code="78646")


def test_only_published_ads_that_have_not_expired_are_listed(client, cpts, versailles):
    AdFactory(cpts=cpts, commune=versailles, published=True, title="Remplacement publié")
    AdFactory(cpts=cpts, commune=versailles, title="Remplacement en attente")
    AdFactory(cpts=cpts, commune=versailles, expired=True, title="Remplacement expiré")
    AdFactory(cpts=cpts, commune=versailles, filled=True, title="Remplacement pourvu")

    page = text(search(client))

    assert "Remplacement publié" in page and "1 annonce trouvée" in page
    for hidden in ("Remplacement en attente", "Remplacement expiré", "Remplacement pourvu"):
        assert hidden not in page


def test_each_ad_is_stamped_with_the_cpts_of_its_commune_or_says_none_covers_it(client, cpts, coordinator, versailles):
    contracts.create_contract(
        cpts=cpts, signed_on=TODAY - datetime.timedelta(days=30), taille=3, missions=[1, 2, 3, 4], by=coordinator
    )
    AdFactory(cpts=cpts, commune=versailles, published=True, title="Cabinet à céder à Versailles")
    AdFactory(cpts=cpts, commune=CommuneFactory(name="Bourg isolé"), published=True, title="Local à Bourg isolé")

    page = text(search(client))

    covered = page[page.index("Cabinet à céder à Versailles") :]
    assert 'Sur le territoire de la <a href="/cpts/plaine-de-versailles/">CPTS Plaine de Versailles</a>' in covered
    assert "taille 3 — missions de l'ACI : 1, 2, 3, 4" in covered
    uncovered = page[page.index("Local à Bourg isolé") :]
    assert "Aucune CPTS ne couvre cette commune" in uncovered.split("</li>")[0]


def test_the_search_filters_by_profession_and_type(client, cpts, versailles):
    AdFactory(cpts=cpts, commune=versailles, published=True, title="Médecin remplaçant", profession="10")
    AdFactory(
        cpts=cpts,
        commune=versailles,
        published=True,
        title="Cabinet infirmier à céder",
        profession="60",
        kind=AdKind.PRACTICE_SALE,
    )

    by_profession = text(search(client, profession="60"))
    by_kind = text(search(client, kind="replacement"))

    assert "Cabinet infirmier à céder" in by_profession and "Médecin remplaçant" not in by_profession
    assert "Médecin remplaçant" in by_kind and "Cabinet infirmier à céder" not in by_kind


def test_the_search_filters_by_departement_or_around_a_commune(client, cpts, versailles):
    hauts_de_seine = DepartementFactory(code="92", name="Hauts-de-Seine")
    near = CommuneFactory(name="Voisine", latitude=versailles.latitude + 0.05, longitude=versailles.longitude)
    far = CommuneFactory(name="Lointaine", latitude=versailles.latitude + 1, longitude=versailles.longitude)
    other = CommuneFactory(code="92050", name="Nanterre", departement=hauts_de_seine)
    for commune in (versailles, near, far, other):
        AdFactory(cpts=cpts, commune=commune, published=True, title=f"Annonce à {commune.name}")

    in_92 = text(search(client, departement="92"))
    at_versailles = text(search(client, commune="Versailles (78646)"))
    around = text(search(client, commune="Versailles (78646)", rayon="10"))

    assert "Annonce à Nanterre" in in_92 and "Annonce à Versailles" not in in_92
    assert "Annonce à Versailles" in at_versailles and "Annonce à Voisine" not in at_versailles
    assert "Annonce à Versailles" in around and "Annonce à Voisine" in around
    assert "Annonce à Lointaine" not in around and "à moins de 10 km de Versailles (78646)" in around


def test_wrong_criteria_are_refused_naming_the_field(client, cpts):
    no_commune = search(client, rayon="10")
    both = search(client, departement="78", commune="Versailles (78646)")
    unknown = search(client, commune="Nulle-Part-sur-Mer")

    assert no_commune.status_code == both.status_code == unknown.status_code == 400
    assert "Distance : indiquez aussi la commune autour de laquelle chercher." in text(no_commune)
    assert "Département : cherchez par département ou par commune, pas les deux." in text(both)
    assert "Commune : aucune commune ne correspond à « Nulle-Part-sur-Mer »." in text(unknown)


def test_the_map_draws_one_point_per_commune_of_the_results(client, cpts, versailles):
    AdFactory(cpts=cpts, commune=versailles, published=True, title="Premier remplacement")
    AdFactory(cpts=cpts, commune=versailles, published=True, title="Second remplacement")
    elsewhere = AdFactory(cpts=cpts, commune=CommuneFactory(name="Ailleurs"), published=True)

    response = search(client)

    data = points(response)
    assert data["type"] == "FeatureCollection"
    by_code = {feature["properties"]["code"]: feature for feature in data["features"]}
    assert set(by_code) == {"78646", elsewhere.commune_id}
    assert by_code["78646"]["geometry"] == {"type": "Point", "coordinates": [versailles.longitude, versailles.latitude]}
    assert by_code["78646"]["properties"]["cpts"] == "CPTS Plaine de Versailles"
    assert len(by_code["78646"]["properties"]["ads"]) == 2
    assert by_code[elsewhere.commune_id]["properties"]["cpts"] is None
    assert not re.search(r'(src|href)="https?://', response.content.decode())  # nothing fetched elsewhere


def test_the_commune_field_suggests_communes_while_typing(client, cpts):
    response = client.get(SEARCH, {"commune": "Versa"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="commune-options")
    assert '<option value="Versailles (78646)">' in response.content.decode()


def test_the_search_runs_as_many_queries_for_3_ads_as_for_30(client):
    def stamped_ads(count):
        for _ in range(count):
            owner = CptsFactory()
            commune = CommuneFactory()
            TerritoryCommuneFactory(cpts=owner, commune=commune)
            AdFactory(cpts=owner, commune=commune, published=True)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert search(client).status_code == 200
        return len(captured)

    stamped_ads(3)
    few = queries()
    stamped_ads(27)
    assert queries() == few


# --- One ad ----------------------------------------------------------------------------------------


def test_a_published_ad_shows_its_contact_and_its_cpts(client, cpts, versailles):
    ad = AdFactory(
        cpts=cpts, commune=versailles, published=True, contact_name="Dr Martin", contact_phone="01 39 00 00 00"
    )

    page = text(client.get(reverse("ad_public_detail", args=[ad.pk])))

    assert ad.title in page and "Dr Martin" in page and "contact@example.org" in page and "01 39 00 00 00" in page
    assert (
        "CPTS Plaine de Versailles" in page
        and "Pas d'accord conventionnel interprofessionnel (ACI) en vigueur." in page
    )


@pytest.mark.parametrize("state", [{}, {"expired": True}, {"filled": True}])
def test_an_ad_not_published_or_expired_answers_404(client, cpts, state):
    ad = AdFactory(cpts=cpts, **state)
    assert client.get(reverse("ad_public_detail", args=[ad.pk])).status_code == 404
