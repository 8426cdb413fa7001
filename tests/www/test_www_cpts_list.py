import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse

from maillon.core.factories import CptsFactory
from maillon.core.models import CptsStatus

pytestmark = pytest.mark.django_db


def test_the_list_shows_status_population_and_taille(client, cpts, other_cpts):
    html = client.get(reverse("cpts_list")).content.decode()

    assert "CPTS Plaine de Versailles" in html and "CPTS Boucle de Seine" in html
    assert reverse("cpts_detail", args=[cpts.slug]) in html
    assert "Lettre d&#x27;intention" in html or "Lettre d'intention" in html
    assert floatformat(83_000, "g") in html  # Versailles alone: 83 000, taille 3
    assert '<td class="maillon-number">3</td>' in html


def test_dissolved_cpts_are_hidden_by_default_and_shown_on_demand(client, cpts):
    CptsFactory(name="CPTS Ancienne", status=CptsStatus.DISSOLVED)

    default = client.get(reverse("cpts_list")).content.decode()
    everything = client.get(reverse("cpts_list"), {"status": "all"}).content.decode()
    dissolved_only = client.get(reverse("cpts_list"), {"status": "dissolved"}).content.decode()

    assert "CPTS Ancienne" not in default and "CPTS Plaine de Versailles" in default
    assert "CPTS Ancienne" in everything and "CPTS Plaine de Versailles" in everything
    assert "CPTS Ancienne" in dissolved_only and "CPTS Plaine de Versailles" not in dissolved_only


def test_filter_by_departement_keeps_cpts_with_a_commune_there(client, cpts, pas_de_calais, communes_in, cpts_with):
    cpts_with(communes_in(pas_de_calais, 2), name="CPTS Artois")

    html = client.get(reverse("cpts_list"), {"departement": "62"}).content.decode()

    assert "CPTS Artois" in html
    assert "CPTS Plaine de Versailles" not in html


def test_an_unknown_filter_value_says_which_field_is_wrong(client, cpts):
    html = client.get(reverse("cpts_list"), {"status": "nope"}).content.decode()

    assert "Étape : choisissez une des étapes proposées." in html
    assert "CPTS Plaine de Versailles" in html  # falls back to the default list
