"""The public page of a CPTS, its small website (mission 6): first what a patient looks for —
the CPTS's single number or contact and the first step of the médecin traitant request (the
commune, then the registration form of `mt_register`, whose logic stays there) —, then the
coordinator's presentation, the missions of its ACI in force and the fiches-actions of its
validated projet de santé (nothing before it is validated), its coming prevention sessions (the
next ones, one query), its published ads (each stamped with the CPTS of its commune), how to
join and « Faire son stage ici »; then the territory, the lifecycle and the identity.

The texts are the coordinator's (`support.PublicSite`, edited at `site_edit`); a number of
queries that does not depend on the size of the territory nor on the number of ads."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from maillon.contracts.selectors import current_contract
from maillon.core import cpts_policies
from maillon.core.missions import Mission
from maillon.creation import selectors as creation_selectors
from maillon.prevention import policies as prevention_policies
from maillon.support import policies as support_policies
from maillon.support import selectors as support_selectors
from maillon.support.models import Ad
from maillon.territories.selectors import cpts_territory

from ..contracts_views.access import contract_role
from ..support_views.ads_public import stamped
from ..toolkit.navigation import breadcrumb
from . import page
from .display import lifecycle_rows, stepper

# The next ones only: a page that stays short, a single query.
UPCOMING_SESSIONS = 20
ADS_SHOWN = 6


def aci_missions(cpts, today) -> list[str]:
    """The labels of the missions of the ACI in force today ([] without one): two queries."""
    contract = current_contract(cpts, today)
    if contract is None or not contract.is_in_force_on(today):
        return []
    numbers = contract.missions.in_force_on(today).order_by("mission").values_list("mission", flat=True)
    return [Mission(number).label for number in numbers]


def public_ads(cpts, site) -> list:
    """The CPTS's published ads that have not expired, the latest first, each with its stamp
    (none when the coordinator chose not to show them)."""
    if not site.show_ads:
        return []
    ads = (
        Ad.objects.for_cpts(cpts)
        .public()
        .select_related("commune")
        .defer("commune__contour")
        .order_by("-published_on", "-pk")[:ADS_SHOWN]
    )
    return stamped(ads)


def patient_contact(cpts, site) -> dict:
    """The patients' number and e-mail: the page's own, else the CPTS's record."""
    return {
        "phone": site.patient_phone or cpts.phone,
        "email": site.patient_email or cpts.email,
        "hours": site.patient_hours,
    }


@page("")
def cpts_detail(request, cpts_slug):
    cpts = request.cpts  # resolved by CurrentCptsMiddleware (404 if unknown)
    today = timezone.localdate()
    site = support_selectors.site_of(cpts)
    context = {
        "cpts": cpts,
        "site": site,
        "patient": patient_contact(cpts, site),
        "territory": cpts_territory(cpts),
        "lifecycle": lifecycle_rows(cpts, cpts.steps.all()),
        "stepper": stepper(cpts),
        "sessions": list(
            prevention_policies.public_sessions(cpts).upcoming().select_related("commune")[:UPCOMING_SESSIONS]
        ),
        "aci_missions": aci_missions(cpts, today),
        "project_missions": [
            (Mission(mission).label, titles)
            for mission, titles in sorted(creation_selectors.public_sheets(cpts).items())
        ],
        "ads": public_ads(cpts, site),
        "is_member": cpts_policies.can_see_dashboard(request.user, cpts),
        "may_edit_site": support_policies.can_edit_site(request.user, cpts),
        # The ACI pages: coordinators, and the observers and authorities of the territory.
        "reads_contract": contract_role(request) is not None,
        "title": cpts.name,
        "nav": "cpts",
        "breadcrumb_data": breadcrumb(cpts.name, ("Les CPTS", reverse("cpts_list"))),
    }
    return render(request, "www/cpts/detail.html", context)
