"""The members' home of a CPTS (any role)."""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse

from maillon.core import cpts_policies
from maillon.core.models import CptsRoleKind
from maillon.core.policies import PLATFORM_ADMIN_LABEL, ensure_visible, has_cpts_role
from maillon.creation import policies as creation_policies
from maillon.creation import selectors as creation_selectors
from maillon.creation import services as creation_services
from maillon.territories.models import TerritoryCommune
from maillon.territories.selectors import cpts_territory

from ..creation_views.project_common import creation_links
from ..home_views import waiting
from ..home_views.menus import space_menu
from ..toolkit.navigation import breadcrumb
from . import page
from .display import lifecycle_rows, stepper

RECENT_CHANGES = 10


@dataclass(frozen=True)
class TerritoryEvent:
    date: object
    kind: str  # "entrée" or "sortie"
    commune: str


def recent_territory_events(cpts, limit=RECENT_CHANGES) -> list[TerritoryEvent]:
    """Latest communes in and out of the territory (two queries)."""
    rows = TerritoryCommune.objects.for_cpts(cpts).select_related("commune")
    entries = [
        TerritoryEvent(row.valid_from, "entrée", str(row.commune)) for row in rows.order_by("-valid_from")[:limit]
    ]
    exits = [
        TerritoryEvent(row.valid_to, "sortie", str(row.commune))
        for row in rows.filter(valid_to__isnull=False).order_by("-valid_to")[:limit]
    ]
    return sorted(entries + exits, key=lambda event: event.date, reverse=True)[:limit]


def waiting_for(user, cpts) -> list:
    """What waits for this person in this CPTS: the coordination's work, and their own as a
    member (a coordinator who is also a professional has slots and proposals too)."""
    coordinator = cpts_policies.can_coordinate(user, cpts)
    items = waiting.coordinator_items(user, cpts) if coordinator else []
    if has_cpts_role(user, cpts) and (not coordinator or getattr(user, "professional", None) is not None):
        items += waiting.member_items(user, cpts)
    return items


def creation_block(user, cpts) -> dict | None:
    """The « Création de la CPTS » block: the checklist's progress, the projet de santé's state
    and the creation pages the user reads."""
    links = creation_links(user, cpts)
    if not links:
        return None
    block = {"links": links}
    if creation_policies.can_see_creation(user, cpts):
        block["done"], block["total"] = creation_selectors.progress(cpts)
        block["project"] = creation_services.working_version(cpts) or creation_services.latest_version(cpts)
    return block


@page("espace/")
def cpts_dashboard(request, cpts_slug):
    cpts = request.cpts
    user = request.user
    ensure_visible(cpts_policies.can_see_dashboard(user, cpts))
    context = {
        "cpts": cpts,
        "territory": cpts_territory(cpts),
        "lifecycle": lifecycle_rows(cpts, cpts.steps.all()),
        "stepper": stepper(cpts),
        "events": recent_territory_events(cpts),
        "is_coordinator": cpts_policies.can_coordinate(user, cpts),
        "can_edit_territory": cpts_policies.can_edit_territory(user, cpts),
        "can_record_step": cpts_policies.can_record_step(user, cpts),
        "can_invite": cpts_policies.can_invite(user, cpts),
        "has_role": request.cpts_role is not None,
        "waiting": waiting_for(user, cpts),
        "creation": creation_block(user, cpts),
        "sections": space_menu(user, cpts),
        "role_label": CptsRoleKind(request.cpts_role).label if request.cpts_role else PLATFORM_ADMIN_LABEL,
        "title": f"Espace de la {cpts.name}",
        "breadcrumb_data": breadcrumb("Espace membres", (cpts.name, reverse("cpts_detail", args=[cpts.slug]))),
    }
    return render(request, "www/cpts/dashboard.html", context)
