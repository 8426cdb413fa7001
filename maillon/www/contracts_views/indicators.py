"""The indicators of the ACI, by mission: baseline, target, tiers with their amounts, the
value of each contract year and the amount it earned. The coordinator adds indicators
(from the catalogue or her own), edits tiers, retires them, enters a year's value with a
note and a justificatif, and recomputes the indicators the platform computes.

Coordinators write; the observers and authorities of the territory read (access.py)."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from maillon.contracts import selectors, services
from maillon.contracts.funding import euros
from maillon.core.missions import label as mission_label
from maillon.creation import selectors as creation_selectors

from ..space import posted_id, save_form
from . import page
from .contract import aci_context, aci_link, route_action
from .forms import IndicatorForm, RefreshForm, RetireForm, TiersForm, ValueForm


def display_on(contract):
    """Today, kept inside the contract (its last day once it is over)."""
    today = timezone.localdate()
    if today < contract.signed_on:
        return contract.signed_on
    if today >= contract.ends_on:
        return contract.ends_on - datetime.timedelta(days=1)
    return today


def document_name(indicator, contract_year, upload) -> str:
    """A neutral stored name: nothing of the uploaded file's name is kept."""
    extension = upload.name.rsplit(".", 1)[-1].lower()
    return f"indicateur-{indicator.pk}-annee-{contract_year}.{extension}"


def handle_indicator_action(request, contract, action, indicator, forms):
    """Run a per-indicator action; True when done (redirect), else the bound form shows its errors."""
    if action == "tiers":
        form = forms["tiers"] = TiersForm(request.POST, prefix=f"p{indicator.pk}")
        written = f"« {indicator.name} » : paliers enregistrés."
        return save_form(request, form, lambda: services.set_tiers(indicator, form.cleaned_data["tiers"]), written)
    if action == "retire":
        form = forms["retire"] = RetireForm(request.POST, prefix=f"r{indicator.pk}")
        retired = f"« {indicator.name} » : indicateur retiré."
        return save_form(
            request, form, lambda: services.retire_indicator(indicator, on=form.cleaned_data["retired_on"]), retired
        )
    form = forms["value"] = ValueForm(request.POST, request.FILES, contract=contract, prefix=f"v{indicator.pk}")
    return save_form(
        request,
        form,
        lambda: record_value(request, indicator, form.cleaned_data),
        lambda year: f"« {indicator.name} » : valeur de l'année {year} enregistrée.",
    )


def record_value(request, indicator, data):
    """A year's value of an indicator, its justificatif under a neutral name; returns the year."""
    document = data["document"]
    if document:
        document.name = document_name(indicator, data["contract_year"], document)
    services.record_value(
        indicator=indicator,
        contract_year=data["contract_year"],
        value=data["value"],
        note=data["note"],
        document=document,
        by=request.user,
    )
    return data["contract_year"]


def indicator_rows(contract, indicators, coordinator, posted_pk, posted_forms):
    year_numbers = [year.number for year in contract.years()]
    rows = []
    for indicator in indicators:
        terms = selectors.indicator_terms(indicator)
        values = {row.contract_year: row for row in indicator.values.all()}
        row = {
            "indicator": indicator,
            "tiers": [{"tier": tier, "amount": euros(tier.amount)} for tier in indicator.tiers.all()],
            "envelope": euros(indicator.envelope_amount),
            "years": [
                {
                    "number": number,
                    "value": values.get(number),
                    "earned": euros(terms.earned(values[number].value)) if number in values else None,
                }
                for number in year_numbers
            ],
        }
        if coordinator:
            mine = posted_pk == indicator.pk
            row["tiers_form"] = (mine and posted_forms.get("tiers")) or TiersForm(
                indicator=indicator, prefix=f"p{indicator.pk}"
            )
            row["retire_form"] = (mine and posted_forms.get("retire")) or RetireForm(
                prefix=f"r{indicator.pk}", initial={"retired_on": timezone.localdate()}
            )
            if not indicator.is_computed:
                row["value_form"] = (mine and posted_forms.get("value")) or ValueForm(
                    contract=contract,
                    prefix=f"v{indicator.pk}",
                    initial={"contract_year": contract.year_number_on(timezone.localdate()) or 1},
                )
        rows.append(row)
    return rows


@page("aci/indicateurs/")
def contracts_indicators(request, cpts_slug):
    """One address, one view per action: the page (GET) or the POST its `action` names."""
    return route_action(request, indicators_page, POST_VIEWS)


def back_to_indicators(request):
    return redirect("contracts_indicators", cpts_slug=request.cpts.slug)


def per_indicator(action):
    """The POST view of an action on one indicator in force (tiers, retire, value)."""

    def view(request, role, contract):
        on = display_on(contract)
        indicator = get_object_or_404(contract.indicators.in_force_on(on), pk=posted_id(request.POST.get("indicator")))
        posted_forms: dict = {}
        if handle_indicator_action(request, contract, action, indicator, posted_forms):
            return back_to_indicators(request)
        return indicators_page(request, role, posted_pk=indicator.pk, posted_forms=posted_forms)

    view.__name__ = f"post_{action}"
    return view


def proposed(request, offered) -> dict | None:
    """The indicator of the projet de santé chosen by ?proposition=N (4 digits at most, else
    ignored: a huge number never reaches `int`), to prefill the form."""
    value = request.GET.get("proposition", "")
    if value.isascii() and value.isdigit() and len(value) <= 4 and int(value) < len(offered):
        return offered[int(value)]
    return None


def indicator_form(request, contract, *, posted=False, offered=()):
    missions = list(contract.state_on(display_on(contract)).mission_numbers)
    data = request.POST if posted else None
    initial = {"added_on": contract.signed_on}
    chosen = None if posted else proposed(request, offered)
    if chosen:
        initial["name"] = chosen["label"][:200]
        if chosen["mission"] in missions:
            initial["mission"] = chosen["mission"]
    return IndicatorForm(data, missions=missions, prefix="ind", initial=initial)


def offered_rows(cpts, indicators, coordinator) -> list[dict]:
    """The indicators the validated projet de santé's fiches-actions name, offered to the contract:
    each with its mission and fiche, whether the contract has one of that name, and for the
    coordinator the address that prefills the form with it."""
    names = {indicator.name.strip().lower() for indicator in indicators}
    rows = []
    for index, item in enumerate(creation_selectors.offered_indicators(cpts)):
        rows.append(
            {
                **item,
                "mission_label": mission_label(item["mission"]),
                "in_contract": item["label"].strip().lower() in names,
                "prefill": f"?proposition={index}#ajouter" if coordinator else None,
            }
        )
    return rows


def refresh_form(request, contract, *, posted=False):
    data = request.POST if posted else None
    initial = {"contract_year": contract.year_number_on(timezone.localdate()) or 1}
    return RefreshForm(data, contract=contract, prefix="calc", initial=initial)


def post_indicator(request, role, contract):
    form = indicator_form(request, contract, posted=True)
    if save_form(request, form, lambda: add_indicator(contract, form.cleaned_data), added_message):
        return back_to_indicators(request)
    return indicators_page(request, role, indicator=form)


def added_message(indicator) -> str:
    return f"Indicateur « {indicator.name} » ajouté : indiquez ses paliers."


def add_indicator(contract, data):
    fields = {key: data[key] for key in ("definition", "unit", "baseline_source", "target") if data[key]}
    fields |= {key: data[key] for key in ("baseline_value", "baseline_on") if data[key] is not None}
    return services.add_indicator(
        contract=contract,
        mission=data["mission"],
        name=data["name"],
        added_on=data["added_on"],
        catalogue_code=data["catalogue_code"],
        **fields,
    )


def post_refresh(request, role, contract):
    form = refresh_form(request, contract, posted=True)
    if not form.is_valid():
        return indicators_page(request, role, refresh=form)
    number = form.cleaned_data["contract_year"]
    count = services.refresh_computed_values(contract, number)
    plural = "s" if count > 1 else ""
    messages.success(request, f"Année {number} : {count} indicateur{plural} recalculé{plural}.")
    return back_to_indicators(request)


POST_VIEWS = {
    "indicator": post_indicator,
    "refresh": post_refresh,
    **{action: per_indicator(action) for action in ("tiers", "retire", "value")},
}


def indicators_page(request, role, *, posted_pk=None, posted_forms=None, indicator=None, refresh=None):
    """The indicators by mission, their tiers and yearly values, and the coordinator's forms."""
    cpts = request.cpts
    context = aci_context(request, role, "Indicateurs ACI", "Indicateurs", aci_link(cpts))
    contract, coordinator = context["contract"], context["coordinator"]
    if contract is None:
        return render(request, "contracts/indicators.html", context)
    on = display_on(contract)
    posted_forms = posted_forms or {}
    indicators = selectors.indicators_with_values(contract, on)
    rows = indicator_rows(contract, indicators, coordinator, posted_pk, posted_forms)
    offered = offered_rows(cpts, indicators, coordinator)
    by_mission = []
    for row in rows:
        mission = row["indicator"].mission
        if not by_mission or by_mission[-1]["mission"] != mission:
            by_mission.append({"mission": mission, "label": mission_label(mission), "rows": []})
        by_mission[-1]["rows"].append(row)
    context |= {
        "on": on,
        "years": contract.years(),
        "by_mission": by_mission,
        "has_computed": any(row["indicator"].is_computed for row in rows),
        "offered": offered,
        "indicator_form": (indicator or indicator_form(request, contract, offered=offered)) if coordinator else None,
        "refresh_form": (refresh or refresh_form(request, contract)) if coordinator else None,
        "posted_form": next(iter(posted_forms.values()), None),
    }
    return render(request, "contracts/indicators.html", context)
