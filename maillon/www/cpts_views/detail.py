"""The public page of a CPTS: identity, lifecycle, territory map, the missions and fiches-actions
of its validated projet de santé (nothing before it is validated) and its coming prevention
sessions (the next ones, one query)."""

from django.shortcuts import render
from django.urls import reverse

from maillon.core import cpts_policies
from maillon.core.missions import Mission
from maillon.creation import selectors as creation_selectors
from maillon.prevention import policies as prevention_policies
from maillon.territories.selectors import cpts_territory

from ..contracts_views.access import contract_role
from ..toolkit.navigation import breadcrumb
from . import page
from .display import lifecycle_rows, stepper

# The next ones only: a page that stays short, a single query.
UPCOMING_SESSIONS = 20


@page("")
def cpts_detail(request, cpts_slug):
    cpts = request.cpts  # resolved by CurrentCptsMiddleware (404 if unknown)
    context = {
        "cpts": cpts,
        "territory": cpts_territory(cpts),
        "lifecycle": lifecycle_rows(cpts, cpts.steps.all()),
        "stepper": stepper(cpts),
        "sessions": list(
            prevention_policies.public_sessions(cpts).upcoming().select_related("commune")[:UPCOMING_SESSIONS]
        ),
        "project_missions": [
            (Mission(mission).label, titles)
            for mission, titles in sorted(creation_selectors.public_sheets(cpts).items())
        ],
        "is_member": cpts_policies.can_see_dashboard(request.user, cpts),
        # The ACI pages: coordinators, and the observers and authorities of the territory.
        "reads_contract": contract_role(request) is not None,
        "title": cpts.name,
        "nav": "cpts",
        "breadcrumb_data": breadcrumb(cpts.name, ("Les CPTS", reverse("cpts_list"))),
    }
    return render(request, "www/cpts/detail.html", context)
