import datetime
import json
import re

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse

from maillon.core.models import CptsStatus
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def detail(client, cpts):
    return client.get(reverse("cpts_detail", args=[cpts.slug]))


def geojson_of(html, script_id):
    match = re.search(rf'<script type="application/json" id="{script_id}">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_public_page_shows_identity_contact_and_numbers(client, cpts):
    cpts.siren, cpts.siret, cpts.finess = "732829320", "73282932000074", "750712184"
    cpts.phone, cpts.address = "01 23 45 67 89", "1 place d'Armes, Versailles"
    cpts.save()

    html = detail(client, cpts).content.decode()

    assert "<h1>CPTS Plaine de Versailles</h1>" in html
    assert "Association loi 1901" in html
    for value in ("732829320", "73282932000074", "750712184", "01 23 45 67 89", cpts.email):
        assert value in html
    assert floatformat(83_000, "g") in html
    assert "Taille 3" in html
    assert "Versailles" in html and "78646" in html


def test_lifecycle_shows_each_step_with_its_date(client, cpts):
    cpts.record_step(status=CptsStatus.LETTER_OF_INTENT, on=datetime.date(2024, 3, 1), by=None)
    cpts.record_step(status=CptsStatus.PROJECT_SUBMITTED, on=datetime.date(2024, 9, 15), by=None)

    html = detail(client, cpts).content.decode()

    assert "le 1 mars 2024" in html
    assert "le 15 septembre 2024" in html
    assert "Étape 2 sur 5" in html
    assert "Projet de santé validé" in html and "à venir" in html


def test_territory_map_data_is_a_feature_collection_of_the_current_communes(client, cpts):
    gone = CommuneFactory(code="78001", name="Partie")
    TerritoryCommuneFactory(cpts=cpts, commune=gone, valid_from="2020-01-01", valid_to="2021-01-01")

    html = detail(client, cpts).content.decode()

    data = geojson_of(html, "territory-geojson")
    assert data["type"] == "FeatureCollection"
    assert [feature["properties"]["code"] for feature in data["features"]] == ["78646"]
    assert data["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert "Partie" not in html
    assert not re.search(r'(src|href)="https?://', html)  # blank background, nothing fetched elsewhere


def test_unknown_cpts_is_404(client, db):
    assert client.get(reverse("cpts_detail", args=["nexiste-pas"])).status_code == 404


def test_members_get_a_link_to_their_space_visitors_do_not(client, cpts, member):
    assert "Espace membres de la CPTS" not in detail(client, cpts).content.decode()
    assert "Espace membres de la CPTS" in detail(verified_client(member), cpts).content.decode()
