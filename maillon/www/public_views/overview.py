"""Regional overview: coverage of the population by CPTS, maps of a région or a département."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from maillon.core.models import LIFECYCLE_ORDER
from maillon.territories.models import Region
from maillon.territories.selectors import Coverage, coverage_by_region, departement_overview, region_overview

from ..toolkit.navigation import breadcrumb
from . import page
from .forms import RegionChoiceForm


def total_of(areas) -> Coverage:
    return Coverage(
        population=sum(area.coverage.population for area in areas),
        signed=sum(area.coverage.signed for area in areas),
        project=sum(area.coverage.project for area in areas),
    )


def legend():
    """Map legend entries: the lifecycle steps in order (a dissolved CPTS has no territory)."""
    return [{"status": status.value, "label": status.label} for status in LIFECYCLE_ORDER]


def map_context(overview):
    return {
        "overview": overview,
        "area": overview.map,
        "legend": legend(),
        "status_labels": {status.value: status.label for status in LIFECYCLE_ORDER},
    }


@page("regions/", name="region_overview")
def region_overview_page(request):
    code = request.GET.get("region", "")
    if not code:
        regions = coverage_by_region()
        form = RegionChoiceForm(request.GET, regions=[(area.code, area.name) for area in regions])
        context = {
            "form": form,
            "regions": regions,
            "national": total_of(regions),
            "title": "Vue régionale",
            "nav": "overview",
            "breadcrumb_data": breadcrumb("Vue régionale"),
        }
        return render(request, "www/overview/regions.html", context)
    overview = region_overview(code)
    if overview is None:
        raise Http404
    form = RegionChoiceForm(request.GET, regions=Region.objects.values_list("code", "name"))
    context = {
        **map_context(overview),
        "form": form,
        "title": f"{overview.region.name} — Vue régionale",
        "nav": "overview",
        "breadcrumb_data": breadcrumb(overview.region.name, ("Vue régionale", reverse("region_overview"))),
    }
    return render(request, "www/overview/region.html", context)


@page("departements/<str:code>/", name="departement_overview")
def departement_overview_page(request, code):
    overview = departement_overview(code)
    if overview is None:
        raise Http404
    departement = overview.departement
    region_url = f"{reverse('region_overview')}?region={departement.region.code}"
    context = {
        **map_context(overview),
        "title": f"{departement.name} ({departement.code}) — Vue régionale",
        "nav": "overview",
        "breadcrumb_data": breadcrumb(
            f"{departement.name} ({departement.code})",
            ("Vue régionale", reverse("region_overview")),
            (departement.region.name, region_url),
        ),
    }
    return render(request, "www/overview/departement.html", context)
