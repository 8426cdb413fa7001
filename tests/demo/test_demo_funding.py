"""Issue 13: the funding page, the API and the dialogue de gestion report show the same
funding for every year of every demo contract — the year's table, and the report's
next-year forecast (once 330 500 € in the report against 290 000 € on the page).

The demo's two signed ACI (« Seine et Forêt », taille 2, signed 30 months before the load
date; « Plaine de Versailles », taille 4, signed 14 months before) are built with the
demo's own functions (`maillon/demo/crisis.py`, `maillon/demo/contracts.py`) on a small
fixture instead of the whole demo region.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from maillon.contracts import funding_table
from maillon.contracts.report import build_report
from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.models import LIFECYCLE_ORDER, CptsStatus, LifecycleStep
from maillon.demo import builder
from maillon.demo import contracts as demo_contracts
from maillon.demo import crisis as demo_crisis
from maillon.territories import services as territory_services
from tests.conftest import verified_client

SIGNED = [spec for spec in builder.CPTS_SPECS if spec.status == CptsStatus.ACI_SIGNED]


def demo_contract(spec):
    today = timezone.localdate()  # the pages compute on today, as the demo does
    cpts = CptsFactory(name=spec.name, slug=spec.slug)
    coordinator = CptsRoleFactory(cpts=cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    dates = [today - datetime.timedelta(days=round(age * builder.DAYS_PER_MONTH)) for age in spec.step_ages]
    for status, day in zip(LIFECYCLE_ORDER, dates, strict=False):
        if status == CptsStatus.LETTER_OF_INTENT:
            LifecycleStep.objects.create(cpts=cpts, to_status=status, date=day)
        else:
            territory_services.record_step(cpts, status=status, on=day, by=None)
    cpts.refresh_from_db()
    demo_crisis.ensure_plan(cpts, coordinator, seed=1, today=today)
    contract = demo_contracts.ensure_contract(cpts, coordinator, taille=spec.taille, seed=1, today=today)
    assert contract is not None
    return cpts, coordinator, contract


def page_table(client, cpts, number) -> funding_table.FundingTable:
    response = client.get(f"/cpts/{cpts.slug}/aci/financement/?annee={number}")
    assert response.status_code == 200
    return response.context["funding_table"]


def api_funding(client, cpts, number, headers) -> dict:
    response = client.get(f"/api/v1/cpts/{cpts.pk}/aci/years/{number}/funding", **headers)
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("spec", SIGNED, ids=[spec.slug for spec in SIGNED])
def test_the_page_the_api_and_the_report_agree_on_every_year(spec, token_headers):
    cpts, coordinator, contract = demo_contract(spec)
    client = verified_client(coordinator)
    headers = token_headers(coordinator)
    forecasts = {}
    for year in contract.years():
        number = year.number
        page = funding_table.to_data(page_table(client, cpts, number))
        api = api_funding(client, cpts, number, headers)
        report = build_report(contract, number)
        assert report["funding"] == page, f"année {number} : rapport ≠ page"
        assert Decimal(api["total"]) == Decimal(page["total"]), f"année {number} : API ≠ page"
        assert Decimal(api["maximum"]) == Decimal(page["maximum"])
        assert [(line["mission"], line["part"], Decimal(line["amount"])) for line in api["lines"]] == [
            (line["mission"], line["part"], Decimal(line["amount"])) for line in page["lines"]
        ]
        if number in forecasts:
            assert forecasts[number] == page, f"année {number} : prévisionnel du rapport ≠ page"
        if report["next_year"]:
            forecasts[number + 1] = {key: report["next_year"][key] for key in page}
    assert len(forecasts) == contract.duration_years - 1
