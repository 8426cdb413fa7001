"""A measure of an action: created by the coordination (compared by default with the
territory's département), drawn as a chart of the territory against its département and the
target, with the same figures in an accessible table; a value hidden by the small-count rule
is « < 6 (masqué) » in the table and a gap (null) in the chart's data."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from maillon.prevention.factories import MeasureFactory, MeasureValueFactory
from maillon.prevention.models import Measure, MeasureValue, Scope
from maillon.territories.models import Commune

from ..conftest import verified_client
from .test_pages_access import action_fixture, measure_fixture, owner_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def chart_data(page: str) -> dict:
    found = re.search(r'<script id="measure-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def table_rows(page: str) -> list[list[str]]:
    table = page[page.index("<caption>") : page.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_the_coordination_creates_a_measure_compared_with_the_territory_s_departement(cpts, coordinator, action):
    client = verified_client(coordinator)
    url = reverse("prevention_measure_new", args=[cpts.slug, action.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "colorectal_screening",
            "name": "",
            "unit": "%",
            "baseline_value": "32,5",
            "baseline_source": "rezone",
            "baseline_on": "31/12/2022",
            "target_value": "45",
            "departement": "",
        },
    )
    measure = Measure.objects.get(action=action)
    assert response.status_code == 302
    assert response["Location"] == reverse("prevention_measure", args=[cpts.slug, measure.pk])
    assert measure.baseline_value == Decimal("32.50")
    assert measure.departement == Commune.objects.get(code="78646").departement


def test_a_custom_measure_needs_its_name_and_refusals_name_their_field(cpts, coordinator, action):
    client = verified_client(coordinator)
    response = client.post(
        reverse("prevention_measure_new", args=[cpts.slug, action.pk]),
        {
            "kind": "custom",
            "name": "",
            "unit": "%",
            "baseline_value": "beaucoup",
            "baseline_source": "",
            "baseline_on": "",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Intitulé : nommez la mesure" in page
    assert "Valeur de référence : un nombre est attendu." in page
    assert "Source de la référence : ce champ est obligatoire." in page or "Source de la référence : choisissez" in page
    assert "Date de la référence : indiquez la date." in page
    assert not Measure.objects.exists()


def test_the_chart_and_its_table_give_the_same_figures_baseline_first(cpts, member, measure):
    MeasureValueFactory(measure=measure, year=2024, value=Decimal("3.00"), numerator=4, denominator=130)
    MeasureValueFactory(measure=measure, year=2025, value=Decimal("39.80"))
    page = verified_client(member).get(reverse("prevention_measure", args=[cpts.slug, measure.pk])).content.decode()
    data = chart_data(page)
    assert data["labels"] == ["Référence (2022)", "2023", "2024", "2025"]
    series = {item["key"]: item["values"] for item in data["series"]}
    assert series["territory"] == [32.5, 34.1, None, 39.8]  # the hidden value is a gap
    assert series["departement"] == [None, 36.0, None, None]
    assert series["target"] == [45.0] * 4
    assert table_rows(page) == [
        ["Référence (2022)", "32,50 %", "—", "45,00 %"],
        ["2023", "34,10 %", "36,00 %", "45,00 %"],
        ["2024", "&lt; 6 (masqué)", "—", "45,00 %"],
        ["2025", "39,80 %", "—", "45,00 %"],
    ]
    assert 'role="img"' in page and "aria-label=" in page
    assert '<th scope="col">Territoire de la CPTS</th>' in page
    assert "vendor/chart.js/dist/chart.umd.js" in page and "www/js/charts.js" in page
    # A member reads; entering values is the coordination's.
    assert "Enregistrer la valeur" not in page


def test_a_measure_without_target_draws_no_target_line(cpts, coordinator, action):
    measure = MeasureFactory(action=action, target_value=None)
    page = (
        verified_client(coordinator).get(reverse("prevention_measure", args=[cpts.slug, measure.pk])).content.decode()
    )
    assert [item["key"] for item in chart_data(page)["series"]] == ["territory", "departement"]


def test_the_coordination_enters_a_value_which_replaces_the_same_year_s(cpts, coordinator, measure):
    client = verified_client(coordinator)
    url = reverse("prevention_measure_value", args=[cpts.slug, measure.pk])
    posted = {
        "year": "2023",
        "scope": "territory",
        "value": "35,2",
        "numerator": "1200",
        "denominator": "3400",
        "source": "odisse",
        "source_on": "2024-06-30",
        "note": "Chiffre corrigé",
    }
    response = client.post(url, posted)
    assert response.status_code == 302
    value = MeasureValue.objects.get(measure=measure, year=2023, scope=Scope.TERRITORY)
    assert value.value == Decimal("35.20") and value.source == "odisse" and value.entered_by == coordinator
    assert MeasureValue.objects.filter(measure=measure).count() == 2


def test_a_refused_value_shows_the_measure_page_again_with_errors_naming_the_field(cpts, coordinator, measure):
    client = verified_client(coordinator)
    response = client.post(
        reverse("prevention_measure_value", args=[cpts.slug, measure.pk]),
        {"year": "1990", "scope": "territory", "value": "x", "numerator": "10", "denominator": "5", "source": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Année : le nombre doit être au moins 2000." in page
    assert "Valeur : un nombre est attendu." in page
    assert "Source : " in page
    assert "measure-data" in page  # the chart is still there


def test_the_measure_page_links_to_the_import_of_values(cpts, coordinator, measure):
    page = (
        verified_client(coordinator).get(reverse("prevention_measure", args=[cpts.slug, measure.pk])).content.decode()
    )
    assert reverse("prevention_measure_import", args=[cpts.slug, measure.pk]) in page
