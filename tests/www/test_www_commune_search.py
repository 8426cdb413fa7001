import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import CptsStatus
from maillon.territories.factories import CommuneFactory, PostalCodeFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def search(client, query, **headers):
    return client.get(reverse("commune_search"), {"q": query}, **headers)


def test_a_commune_shows_its_departement_population_and_covering_cpts(client, cpts):
    cpts.record_step(status=CptsStatus.ACI_SIGNED, on=timezone.localdate(), by=None)

    response = search(client, "versailles")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Versailles" in html and "78646" in html
    assert "Yvelines (78)" in html
    assert f"{floatformat(83_000, 'g')} habitants" in html
    assert reverse("cpts_detail", args=[cpts.slug]) in html
    assert "ACI signé" in html


def test_a_commune_without_current_territory_is_a_zone_blanche(client, db):
    CommuneFactory(code="78123", name="Carrières-sous-Poissy")

    html = search(client, "carrieres").content.decode()

    assert "Carrières-sous-Poissy" in html
    assert "Aucune CPTS : zone blanche" in html


def test_a_commune_left_by_its_cpts_is_a_zone_blanche(client, cpts):
    cpts.territory_rows.update(valid_to="2099-01-01")  # closed row: not current any more

    html = search(client, "versailles").content.decode()

    assert "Aucune CPTS : zone blanche" in html
    assert reverse("cpts_detail", args=[cpts.slug]) not in html


def test_search_by_postal_code(client, cpts):
    PostalCodeFactory(code="78000", commune_id="78646")

    html = search(client, "78000").content.decode()

    assert "Versailles" in html and "CPTS Plaine de Versailles" in html


def test_without_javascript_the_page_is_a_plain_get_form(client, db):
    html = client.get(reverse("commune_search")).content.decode()

    assert 'method="get"' in html
    assert 'name="q"' in html
    assert 'for="commune-search-input"' in html  # a real label
    assert "<html" in html


def test_htmx_gets_only_the_results_and_the_status_out_of_band(client, cpts):
    response = search(client, "versailles", **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert "Versailles" in html
    assert 'id="commune-results-status"' in html and 'hx-swap-oob="true"' in html
    assert "1 commune trouvée" in html
    assert "HX-Request" in response["Vary"]


def test_no_result_says_so(client, db):
    html = search(client, "introuvableville").content.decode()

    assert "Aucune commune trouvée pour « introuvableville »" in html


def test_results_are_limited_and_the_page_says_to_refine(client, db):
    for index in range(25):
        CommuneFactory(code=f"01{index:03d}", name=f"Saint-Martin {index}")

    html = search(client, "saint martin").content.decode()

    assert html.count("<h3") == 20
    assert "Plus de 20 communes trouvées" in html


def test_the_search_runs_a_fixed_number_of_queries(client, cpts, other_cpts, django_assert_num_queries):
    for index in range(10):
        CommuneFactory(code=f"01{index:03d}", name=f"Saint-Martin {index}")

    with django_assert_num_queries(2):
        search(client, "saint martin")
