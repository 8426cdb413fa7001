"""The money of the ACI, per contract year: what the year pays line by line (the funding
engine), the facts of the year, the payment schedule, what was received, and what the
money paid for — by mission and nature — with « reçu / dépensé / prévu » side by side.

Coordinators write; the observers and authorities of the territory read (access.py)."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from maillon.contracts import policies, registry, selectors, services
from maillon.contracts.funding import euros
from maillon.contracts.models import FactCode, SpendingCategory
from maillon.contracts.tariffs import TARIFFS, mission_title
from maillon.core.missions import Mission
from maillon.core.policies import ensure_allowed

from ..space import add_errors, posted_id
from .access import require_reader
from .contract import COORDINATOR_ONLY, ROLE_LABELS, aci_breadcrumb, aci_link
from .forms import ReceiptForm, SpendingForm

ACTIONS = {"facts", "receipt", "spending", "delete_spending"}
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
    return FONCTIONNEMENT_LABEL if mission is None else Mission(mission).label


def funding_blocks(year_funding):
    """The year's lines grouped as the seeds' table: fonctionnement, then each mission."""
    blocks = []
    for line in year_funding.lines:
        if not blocks or blocks[-1]["mission"] != line.mission:
            blocks.append({"mission": line.mission, "title": mission_title(line.mission), "lines": []})
        blocks[-1]["lines"].append(
            {
                "label": line.label_fr,
                "envelope": euros(line.envelope),
                "amount": euros(line.amount),
                "detail": line.detail,
                "fixed": line.is_fixed,
            }
        )
    return blocks


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


def contracts_funding(request, cpts_slug):
    role = require_reader(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    coordinator = policies.can_edit_contract(request.user, cpts)
    contract = selectors.current_contract(cpts)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        ensure_allowed(coordinator, COORDINATOR_ONLY)
        if contract is None or action not in ACTIONS:
            raise Http404
    context = {
        "cpts": cpts,
        "contract": contract,
        "coordinator": coordinator,
        "role_label": ROLE_LABELS[role],
        "title": f"Financement ACI — {cpts.name}",
        "breadcrumb_data": aci_breadcrumb(request, cpts, "Financement", aci_link(cpts)),
    }
    if contract is None:
        return render(request, "contracts/funding.html", context)

    number = selected_year(request, contract)
    back = redirect(f"{reverse('contracts_funding', args=[cpts.slug])}?annee={number}")
    missions = sorted({commitment.mission for commitment in contract.missions.all()})
    receipt_form = spending_form = None
    if coordinator:
        receipt_form = ReceiptForm(
            request.POST if action == "receipt" else None,
            contract=contract,
            prefix="recu",
            initial={"contract_year": number},
        )
        spending_form = SpendingForm(
            request.POST if action == "spending" else None,
            contract=contract,
            missions=missions,
            prefix="depense",
            initial={"contract_year": number},
        )
    if action == "facts":
        changed = save_facts(request, contract, number)
        messages.success(
            request, f"Faits de l'année {number} enregistrés ({changed} modifié{'s' if changed > 1 else ''})."
        )
        return back
    if action == "delete_spending":
        spending = get_object_or_404(contract.spendings.all(), pk=posted_id(request.POST.get("spending")))
        services.delete_spending(spending)
        messages.success(request, f"Dépense « {spending.label} » supprimée.")
        return back
    if action == "receipt" and receipt_form.is_valid():
        try:
            services.add_receipt(contract=contract, by=request.user, **receipt_form.cleaned_data)
        except ValidationError as error:
            add_errors(receipt_form, error)
        else:
            messages.success(request, "Versement enregistré.")
            return back
    if action == "spending" and spending_form.is_valid():
        try:
            services.add_spending(contract=contract, by=request.user, **spending_form.cleaned_data)
        except ValidationError as error:
            add_errors(spending_form, error)
        else:
            messages.success(request, "Dépense enregistrée.")
            return back

    year = contract.year(number)
    year_funding = selectors.funding_for_year(contract, number)
    plan = selectors.payment_schedule(contract)
    money = selectors.money_by_year(contract, plan)
    today = timezone.localdate()
    spendings = list(contract.spendings.filter(contract_year=number).order_by("mission", "category", "spent_on", "pk"))
    periods = contract.taille_periods()
    context |= {
        "year": year,
        "taille_at_start": contract.taille_on(year.starts_on),
        "taille_changes": [(start, taille) for start, taille in periods if year.starts_on < start < year.ends_on],
        "years": [
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
        ],
        "totals": {
            name: euros(sum((getattr(row, name) for row in money), Decimal(0)))
            for name in ("due", "maximum", "scheduled", "received", "spent", "balance")
        },
        "blocks": funding_blocks(year_funding),
        "total": euros(year_funding.total),
        "maximum": euros(year_funding.maximum),
        "tariff_label": next(
            (tariff.label for tariff in TARIFFS if tariff.version == year_funding.tariff_version),
            year_funding.tariff_version,
        ),
        "facts": facts_rows(contract, number),
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
        "receipt_form": receipt_form,
        "spending_form": spending_form,
    }
    return render(request, "contracts/funding.html", context)
