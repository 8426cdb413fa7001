"""Adherents of the CPTS of a territory, for regional observers: counts only, no names.

Who sees which area: `maillon.members.policies` (`can_see_observatory`, `visible_areas`):
the territorial roles their départements and régions; a platform admin any région they
choose; anyone else 404.
"""

from django.shortcuts import render

from maillon.core.policies import ensure_visible, is_platform_admin
from maillon.members import policies
from maillon.members.figures import area_table
from maillon.territories.models import Region

from ..toolkit.navigation import breadcrumb
from . import page


@page("adherents/")
def observatory_members(request):
    chosen_region = request.GET.get("region", "")
    ensure_visible(policies.can_see_observatory(request.user, chosen_region))
    sections = []
    for level, code, name in policies.visible_areas(request.user, chosen_region):
        rows, cpts_count = area_table(**{f"{level}_code": code})
        sections.append({"name": name, "rows": rows, "total": sum(row.count for row in rows), "cpts_count": cpts_count})
    context = {
        "sections": sections,
        # A platform admin picks the région (the others see their own areas).
        "regions": Region.objects.order_by("name") if is_platform_admin(request.user) else [],
        "selected_region": chosen_region,
        "title": "Adhérents des CPTS du territoire",
        "breadcrumb_data": breadcrumb("Adhérents des CPTS"),
    }
    return render(request, "members/figures/observatory.html", context)
