"""The members dashboard of a CPTS: adherents by profession, like the national table."""

from django.shortcuts import render
from django.utils import timezone

from maillon.core.policies import ensure_visible
from maillon.members import policies
from maillon.members.figures import cpts_table, quarter_ends, trend
from maillon.members.models import Membership

from ...space import space_breadcrumb
from .. import page


@page("membres/chiffres/")
def members_figures(request, cpts_slug):
    ensure_visible(policies.can_see_figures(request.user, request.cpts))
    cpts = request.cpts
    rows = cpts_table(cpts)
    points = trend(Membership.objects.for_cpts(cpts), quarter_ends(timezone.localdate()))
    context = {
        "cpts": cpts,
        "rows": rows,
        "total": sum(row.count for row in rows),
        "trend": points,
        "trend_max": max((point.total for point in points), default=0) or 1,
        "title": f"Adhérents — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(
            cpts,
            "Adhérents en chiffres",
        ),
    }
    return render(request, "members/figures/cpts.html", context)
