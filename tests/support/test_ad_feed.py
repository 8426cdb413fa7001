"""The RSS feed of the public ads (`annonces/rss/`): the published ads that have not expired, with
the search's filters, each item linking to the ad's public page and saying the CPTS of its
commune; wrong criteria answer 400 in French."""

from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillon.core.factories import CptsFactory
from maillon.support.factories import AdFactory
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db

FEED = reverse("ad_feed")


def items(response) -> list[dict]:
    channel = ElementTree.fromstring(response.content).find("channel")
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


def test_the_feed_lists_the_public_ads_with_their_stamp(client, cpts):
    versailles = Commune.objects.get(code="78646")
    covered = AdFactory(cpts=cpts, commune=versailles, published=True, title="Cabinet à céder")
    AdFactory(cpts=cpts, commune=CommuneFactory(name="Bourg isolé"), published=True, title="Local libre")
    AdFactory(cpts=cpts, commune=versailles, title="En attente de modération")
    AdFactory(cpts=cpts, commune=versailles, expired=True, title="Expirée")

    response = client.get(FEED)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    found = {item["title"]: item for item in items(response)}
    assert set(found) == {
        "Remplacement — Cabinet à céder (Versailles)",
        "Remplacement — Local libre (Bourg isolé)",
    }
    item = found["Remplacement — Cabinet à céder (Versailles)"]
    assert item["link"].endswith(reverse("ad_public_detail", args=[covered.pk]))
    assert "CPTS de la commune : CPTS Plaine de Versailles (" in item["description"]
    assert "Aucune CPTS ne couvre cette commune." in found["Remplacement — Local libre (Bourg isolé)"]["description"]


def test_the_feed_takes_the_filters_of_the_search(client, cpts):
    plaisir = CommuneFactory(name="Plaisir")
    AdFactory(cpts=cpts, commune=plaisir, published=True, title="Infirmier", profession="60")
    AdFactory(cpts=cpts, commune=plaisir, published=True, title="Médecin", profession="10")

    response = client.get(FEED, {"profession": "60"})

    assert [item["title"] for item in items(response)] == ["Remplacement — Infirmier (Plaisir)"]
    assert ElementTree.fromstring(response.content).find("channel/link").text.endswith("/annonces/?profession=60")


def test_wrong_criteria_answer_400_in_french(client, db):
    response = client.get(FEED, {"rayon": "10"})
    assert response.status_code == 400
    assert "Distance : indiquez aussi la commune autour de laquelle chercher." in response.content.decode()


def test_the_feed_runs_as_many_queries_for_3_ads_as_for_30(client, db):
    def stamped_ads(count):
        for _ in range(count):
            owner, commune = CptsFactory(), CommuneFactory()
            TerritoryCommuneFactory(cpts=owner, commune=commune)
            AdFactory(cpts=owner, commune=commune, published=True)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(FEED).status_code == 200
        return len(captured)

    stamped_ads(3)
    few = queries()
    stamped_ads(27)
    assert queries() == few
