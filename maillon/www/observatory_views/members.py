"""Adherents of the CPTS of a territory, for regional observers: counts only, no names."""

from django.http import Http404
from django.shortcuts import render

from maillon.members.figures import area_table
from maillon.territories.models import Region, TerritoryRole

from ..public_views.common import breadcrumb


def scopes_of(request):
    """The départements and régions the user observes; admins choose any région."""
    if request.user.is_superuser:
        code = request.GET.get("region", "")
        regions = Region.objects.filter(pk=code) if code else Region.objects.none()
        return [("region", region.code, region.name) for region in regions]
    roles = TerritoryRole.objects.filter(user=request.user).select_related("departement", "region")
    scopes = []
    for role in roles:
        if role.departement_id:
            scopes.append(("departement", role.departement_id, str(role.departement)))
        else:
            scopes.append(("region", role.region_id, role.region.name))
    return sorted(set(scopes))


def observatory_members(request):
    if not request.user.is_superuser and not TerritoryRole.objects.filter(user=request.user).exists():
        raise Http404
    sections = []
    for level, code, name in scopes_of(request):
        rows, cpts_count = area_table(**{f"{level}_code": code})
        sections.append({"name": name, "rows": rows, "total": sum(row.count for row in rows), "cpts_count": cpts_count})
    context = {
        "sections": sections,
        "regions": Region.objects.order_by("name") if request.user.is_superuser else [],
        "selected_region": request.GET.get("region", ""),
        "title": "Adhérents des CPTS du territoire",
        "breadcrumb_data": breadcrumb("Adhérents des CPTS"),
    }
    return render(request, "members/figures/observatory.html", context)
