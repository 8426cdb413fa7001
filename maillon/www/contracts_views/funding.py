"""The money of the ACI, per contract year: what the year pays line by line (the funding
engine), the facts of the year, the payment schedule, what was received, and what the
money paid for — by mission and nature — with « reçu / dépensé / prévu » side by side.

Coordinators write; the observers and authorities of the territory read (access.py)."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from maillon.contracts import funding_table, registry, selectors, services
from maillon.contracts.funding import euros
from maillon.contracts.models import FactCode, SpendingCategory
from maillon.core.missions import label as mission_label
from maillon.creation import policies as creation_policies
from maillon.creation.models import StartupGrant

from ..creation_views.grant import grant_summary
from ..space import posted_id, save_form
from . import page
from .contract import aci_context, aci_link, route_action
from .forms import ReceiptForm, SpendingForm

FONCTIONNEMENT_LABEL = "Fonctionnement (toutes missions)"


def selected_year(request, contract) -> int:
    """?annee=N when it is a year of the contract, else the current one (the last once over)."""
    value = request.GET.get("annee", "")
    if value.isascii() and value.isdigit() and 1 <= int(value) <= contract.duration_years:
        return int(value)
    today = timezone.localdate()
    number = contract.year_number_on(today)
    if number:
        return number
    return 1 if today < contract.signed_on else contract.duration_years


def report_url(cpts, number) -> str | None:
    """The dialogue de gestion of the year, once that page exists."""
    try:
        return reverse("contracts_report", args=[cpts.slug, number])
    except NoReverseMatch:
        return None


def mission_name(mission) -> str:
    return mission_label(mission, none=FONCTIONNEMENT_LABEL)


def facts_rows(contract, number):
    values = services.facts_of_year(contract, number)
    return [
        {"code": code, "label": label, "value": values[code], "computed": registry.has_fact(code)}
        for code, label in FactCode.choices
    ]


def spending_table(spendings):
    """Mission × nature, with totals: what the money paid for this year."""
    categories = [code for code, _ in SpendingCategory.choices if any(s.category == code for s in spendings)]
    cells: dict = defaultdict(Decimal)
    for spending in spendings:
        cells[(spending.mission, spending.category)] += spending.amount
    missions = sorted({spending.mission for spending in spendings}, key=lambda mission: (mission is not None, mission))
    rows = []
    for mission in missions:
        amounts = [cells.get((mission, category), Decimal(0)) for category in categories]
        rows.append(
            {
                "mission": mission_name(mission),
                "cells": [euros(amount) if amount else "—" for amount in amounts],
                "total": euros(sum(amounts, Decimal(0))),
            }
        )
    totals = [sum((cells.get((m, c), Decimal(0)) for m in missions), Decimal(0)) for c in categories]
    return {
        "headers": [SpendingCategory(category).label for category in categories],
        "rows": rows,
        "totals": [euros(total) for total in totals],
        "total": euros(sum(totals, Decimal(0))),
    }


def save_facts(request, contract, number) -> int:
    """The coordinator's checkboxes: only the facts no mission app computes, only those that change."""
    current = services.facts_of_year(contract, number)
    changed = 0
    for code in FactCode.values:
        if registry.has_fact(code):
            continue
        value = request.POST.get(f"fact-{code}") == "on"
        if value != current[code]:
            services.state_fact(contract=contract, contract_year=number, code=code, value=value, by=request.user)
            changed += 1
    return changed


@page("aci/financement/")
def contracts_funding(request, cpts_slug):
    """One address, one view per action: the page (GET) or the POST its `action` names."""
    return route_action(request, funding_page, POST_VIEWS)


def year_url(request, number):
    return redirect(f"{reverse('contracts_funding', args=[request.cpts.slug])}?annee={number}")


def receipt_form(request, contract, number, *, posted=False):
    data = request.POST if posted else None
    return ReceiptForm(data, contract=contract, prefix="recu", initial={"contract_year": number})


def spending_form(request, contract, number, *, posted=False):
    data = request.POST if posted else None
    missions = sorted({commitment.mission for commitment in contract.missions.all()})
    return SpendingForm(data, contract=contract, missions=missions, prefix="depense", initial={"contract_year": number})


def post_facts(request, role, contract):
    number = selected_year(request, contract)
    changed = save_facts(request, contract, number)
    messages.success(request, f"Faits de l'année {number} enregistrés ({changed} modifié{'s' if changed > 1 else ''}).")
    return year_url(request, number)


def post_delete_spending(request, role, contract):
    number = selected_year(request, contract)
    spending = get_object_or_404(contract.spendings.all(), pk=posted_id(request.POST.get("spending")))
    services.delete_spending(spending)
    messages.success(request, f"Dépense « {spending.label} » supprimée.")
    return year_url(request, number)


def post_money(form_of, write, done: str, name: str):
    """The POST view that adds a receipt or a spending of the selected year (`name`: its form on the page)."""

    def view(request, role, contract):
        number = selected_year(request, contract)
        form = form_of(request, contract, number, posted=True)
        if save_form(request, form, lambda: write(contract=contract, by=request.user, **form.cleaned_data), done):
            return year_url(request, number)
        return funding_page(request, role, **{name: form})

    view.__name__ = f"post_{name}"
    return view


POST_VIEWS = {
    "facts": post_facts,
    "receipt": post_money(receipt_form, services.add_receipt, "Versement enregistré.", "receipt"),
    "spending": post_money(spending_form, services.add_spending, "Dépense enregistrée.", "spending"),
    "delete_spending": post_delete_spending,
}


def year_rows(cpts, money, number) -> tuple[list[dict], dict]:
    """The « reçu, dépensé, prévu » table: one row per year, and the contract's totals."""
    rows = [
        {
            "number": row.year.number,
            "label": str(row.year),
            "current": row.year.number == number,
            "due": euros(row.due),
            "maximum": euros(row.maximum),
            "scheduled": euros(row.scheduled),
            "received": euros(row.received),
            "spent": euros(row.spent),
            "balance": euros(row.balance),
            "overspent": row.balance < 0,
            "report_url": report_url(cpts, row.year.number),
        }
        for row in money
    ]
    totals = {
        name: euros(sum((getattr(row, name) for row in money), Decimal(0)))
        for name in ("due", "maximum", "scheduled", "received", "spent", "balance")
    }
    return rows, totals


def money_lists(contract, plan, spendings) -> dict:
    today = timezone.localdate()
    return {
        "payments": [
            {
                "on": payment.on,
                "past": payment.on <= today,
                "contract_year": payment.contract_year,
                "label": payment.label_fr,
                "amount": euros(payment.amount),
                "negative": payment.amount < 0,
            }
            for payment in plan.payments
        ],
        "schedule_total": euros(plan.total),
        "receipts": [
            {
                "on": receipt.received_on,
                "year": receipt.contract_year,
                "label": receipt.label,
                "amount": euros(receipt.amount),
            }
            for receipt in contract.receipts.order_by("received_on", "pk")
        ],
        "spendings": [
            {
                "pk": spending.pk,
                "on": spending.spent_on,
                "mission": mission_name(spending.mission),
                "category": spending.get_category_display(),
                "label": spending.label,
                "amount": euros(spending.amount),
            }
            for spending in spendings
        ],
        "spending_table": spending_table(spendings),
    }


def startup_grant(request, contract) -> dict | None:
    """The ARS's start-up grant beside the ACI (for who reads it): its totals once recorded; a
    CPTS without an ACI yet is told where the grant is recorded."""
    cpts = request.cpts
    if not creation_policies.can_see_grant(request.user, cpts):
        return None
    grant = StartupGrant.objects.for_cpts(cpts).first()
    if grant is None and contract is not None:
        return None
    return {"grant": grant, "summary": grant_summary(grant) if grant else None}


def funding_page(request, role, *, receipt=None, spending=None):
    """The page: the years side by side, the selected year's table, facts, schedule and money."""
    cpts = request.cpts
    context = aci_context(request, role, "Financement ACI", "Financement", aci_link(cpts))
    contract, coordinator = context["contract"], context["coordinator"]
    context["startup_grant"] = startup_grant(request, contract)
    if contract is None:
        return render(request, "contracts/funding.html", context)
    number = selected_year(request, contract)
    plan = selectors.payment_schedule(contract)
    spendings = list(contract.spendings.filter(contract_year=number).order_by("mission", "category", "spent_on", "pk"))
    periods = selectors.taille_periods_of_year(contract, number)
    years, totals = year_rows(cpts, selectors.money_by_year(contract, plan), number)
    context |= {
        "year": contract.year(number),
        "taille_at_start": periods[0][1],
        "taille_changes": list(periods[1:]),
        "years": years,
        "totals": totals,
        "facts": facts_rows(contract, number),
        "receipt_form": (receipt or receipt_form(request, contract, number)) if coordinator else None,
        "spending_form": (spending or spending_form(request, contract, number)) if coordinator else None,
    }
    context |= funding_table.page_context(selectors.funding_table_for_year(contract, number))
    context |= money_lists(contract, plan, spendings)
    return render(request, "contracts/funding.html", context)
