"""The ACI overview of a CPTS: record the contract; then its term, taille, warnings, the
mission calendar (start and full-deployment dates), the avenants and « le contrat au … ».

Coordinators write; the observers and authorities of the territory and the platform admins
read (`maillon.contracts.policies`): 404 for anyone else, 403 when a reader writes."""

import datetime

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import policies, selectors, services
from maillon.core.missions import SOCLE, Mission
from maillon.core.policies import ensure_allowed
from maillon.territories.services import population_on
from maillon.territories.taille import taille_for_population

from ..space import allow, posted_id, save_form, space_breadcrumb
from ..toolkit.navigation import breadcrumb
from . import page
from .access import ADMIN, AUTHORITY, COORDINATOR, OBSERVER, require_reader
from .forms import AmendmentForm, ContractForm, MissionDatesForm, StateDateForm

ROLE_LABELS = {
    COORDINATOR: "Coordination (lecture et saisie)",
    AUTHORITY: "Autorité du territoire (ARS, CPAM) — lecture",
    OBSERVER: "Observateur du territoire — lecture",
    ADMIN: "Administration de la plateforme — lecture",
}


def aci_breadcrumb(request, cpts, current, *links):
    """Coordinators come from the CPTS space; the other readers from the CPTS's public page."""
    if request.cpts_role:
        return space_breadcrumb(cpts, current, *links)
    return breadcrumb(current, (cpts.name, reverse("cpts_detail", args=[cpts.slug])), *links)


def aci_link(cpts):
    return ("Contrat ACI", reverse("contracts_overview", args=[cpts.slug]))


COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS peuvent modifier son contrat ACI."


def aci_context(request, role, title, current, *links) -> dict:
    """What every ACI page shows around its content: the CPTS, its current contract (or None),
    whether the user edits it, the role, title and breadcrumb."""
    cpts = request.cpts
    return {
        "cpts": cpts,
        "contract": selectors.current_contract(cpts),
        "coordinator": policies.can_edit_contract(request.user, cpts),
        "role_label": ROLE_LABELS[role],
        "title": f"{title} — {cpts.name}",
        "breadcrumb_data": aci_breadcrumb(request, cpts, current, *links),
    }


def route_action(request, page, post_views):
    """One address, one view per action: GET renders `page(request, role)`; a POST goes to the
    view its `action` names, `view(request, role, contract)` — coordinators only (403), on the
    current contract (404 without one, or for an unknown action)."""
    role = require_reader(request)
    if request.method == "GET":
        return page(request, role)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    ensure_allowed(policies.can_edit_contract(request.user, request.cpts), COORDINATOR_ONLY)
    contract = selectors.current_contract(request.cpts)
    view = post_views.get(request.POST.get("action", ""))
    if contract is None or view is None:
        raise Http404
    return view(request, role, contract)


ACTIONS_WITHOUT_CONTRACT = {"contract"}
ACTIONS_WITH_CONTRACT = {"mission_dates", "amendment"}


@page("aci/")
@allow("GET", "POST", check=require_reader, role=True)
def contracts_overview(request, cpts_slug, role):
    cpts = request.cpts
    coordinator = policies.can_edit_contract(request.user, cpts)
    contract = selectors.current_contract(cpts)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        ensure_allowed(coordinator, COORDINATOR_ONLY)
        if action not in (ACTIONS_WITH_CONTRACT if contract else ACTIONS_WITHOUT_CONTRACT):
            raise Http404
    context = {
        "cpts": cpts,
        "coordinator": coordinator,
        "role_label": ROLE_LABELS[role],
        "contract": contract,
        "title": f"Contrat ACI — {cpts.name}",
        "breadcrumb_data": aci_breadcrumb(request, cpts, "Contrat ACI"),
    }
    if contract is None:
        return without_contract(request, cpts, coordinator, action, context)
    return with_contract(request, cpts, contract, coordinator, action, context)


def without_contract(request, cpts, coordinator, action, context):
    form = None
    if coordinator:
        population = population_on(cpts, None)
        initial = {"taille": taille_for_population(population), "signed_on": timezone.localdate()}
        form = ContractForm(request.POST if action == "contract" else None, initial=initial)
        context["population"] = population
        created = "Contrat ACI enregistré, avec ses missions et leurs échéances."
        if action == "contract" and save_form(
            request, form, lambda: create_contract(request, form.cleaned_data), created
        ):
            return redirect("contracts_overview", cpts_slug=cpts.slug)
    context["contract_form"] = form
    return render(request, "contracts/overview.html", context)


def create_contract(request, data):
    return services.create_contract(
        cpts=request.cpts,
        signed_on=data["signed_on"],
        taille=data["taille"],
        reference=data["reference"],
        missions=[*SOCLE, *data["optional_missions"]],
        by=request.user,
    )


def state_date(request, contract):
    """The date of « le contrat au … » (?date=AAAA-MM-JJ), today by default, and its form."""
    form = StateDateForm(request.GET if "date" in request.GET else None)
    on = timezone.localdate()
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["date"]
    elif not form.is_bound:
        form = StateDateForm(initial={"date": on})
    return on, form


def with_contract(request, cpts, contract, coordinator, action, context):
    today = timezone.localdate()
    back = redirect("contracts_overview", cpts_slug=cpts.slug)
    posted_mission = None
    mission_form = amendment_form = None
    if action == "mission_dates":
        commitment = get_object_or_404(
            contract.missions.filter(removed_on__isnull=True), pk=posted_id(request.POST.get("commitment"))
        )
        mission_form = MissionDatesForm(request.POST, prefix=f"m{commitment.pk}")
        posted_mission = commitment.pk
        dated = f"{commitment.get_mission_display()} : dates enregistrées."
        if save_form(
            request, mission_form, lambda: services.record_mission_dates(commitment, **mission_form.cleaned_data), dated
        ):
            return back
    if coordinator:
        amendment_form = AmendmentForm(
            request.POST if action == "amendment" else None, prefix="avenant", contract=contract
        )
    if action == "amendment" and save_form(
        request,
        amendment_form,
        lambda: services.sign_amendment(contract=contract, by=request.user, **amendment_form.cleaned_data),
        lambda amendment: f"{amendment} enregistré.",
    ):
        return back

    calendar = selectors.calendar(contract, today)
    rows = []
    for commitment, deadlines in calendar:
        form = None
        if coordinator:
            if posted_mission == commitment.pk:
                form = mission_form
            else:
                form = MissionDatesForm(
                    prefix=f"m{commitment.pk}",
                    initial={"started_on": commitment.started_on, "deployed_on": commitment.deployed_on},
                )
        rows.append({"commitment": commitment, "deadlines": deadlines, "form": form})
    on, date_form = state_date(request, contract)
    periods = contract.taille_periods()
    taille_today = next((taille for start, taille in reversed(periods) if start <= today), contract.taille)
    amendments = list(
        contract.amendments.order_by("signed_on", "number").prefetch_related("missions_added", "missions_removed")
    )
    context |= {
        "today": today,
        "last_day": contract.ends_on - datetime.timedelta(days=1),
        "year_number": contract.year_number_on(today),
        "taille_today": taille_today,
        "taille_periods": periods,
        "warnings": selectors.warnings(contract, today),
        "calendar": rows,
        "mission_form": mission_form,
        "amendments": amendments,
        "amendment_form": amendment_form,
        "state": contract.state_on(on) if contract.is_in_force_on(on) else None,
        "state_on": on,
        "date_form": date_form,
        "funding_url": reverse("contracts_funding", args=[cpts.slug]),
        "indicators_url": reverse("contracts_indicators", args=[cpts.slug]),
        "missions": Mission,
    }
    return render(request, "contracts/overview.html", context)
