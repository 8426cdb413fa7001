"""The « Parcours » home of a CPTS: its current programmes, and the inclusions the user may
see (coordination: all; a member: those they lead or whose care team they are in), filtered
by programme and state, paged. Every patient shown is journaled."""

import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from maillon.pathways import services
from maillon.pathways.models import PERINATAL_LABEL, InclusionStatus
from maillon.pathways.reminders import reminder_counts

from ..space import allow
from . import page
from .common import policies, require_pathways, space_breadcrumb
from .queries import inclusions_for_list, programme_rows

PAGE_SIZE = 50
LIST_FIELDS = ["birth_name", "used_name", "first_given_name", "birth_date"]


def chosen_programme(request, rows):
    """The programme of the filter (the number of one of its current versions), or None."""
    value = str(request.GET.get("programme", ""))
    for row in rows:
        if value == str(row.programme.pk):
            return row.programme
    return None


def reminders_of_the_year(cpts) -> dict:
    """The patients' reminders of the last twelve months: sent, failed, stopped (coordination)."""
    today = timezone.localdate()
    return reminder_counts(cpts, today - datetime.timedelta(days=365), today)


@page("parcours/")
@allow("GET", check=require_pathways)
def pathways_home(request, cpts_slug):
    cpts, user = request.cpts, request.user
    rows = programme_rows(user, cpts)
    programme = chosen_programme(request, rows)
    status = request.GET.get("etat", "")
    status = status if status in InclusionStatus.values else ""
    lineage = programme.lineage if programme is not None else None
    inclusions = inclusions_for_list(user, cpts, lineage=lineage, status=status)
    listed = Paginator(inclusions, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(listed.object_list)
    services.record_inclusion_reads(shown, LIST_FIELDS, note="liste des inclusions")
    query = "&".join(
        part for part in (f"programme={programme.pk}" if programme else "", f"etat={status}" if status else "") if part
    )
    context = {
        "cpts": cpts,
        "rows": rows,
        "programme": programme,
        "status": status,
        "statuses": InclusionStatus.choices,
        "page": listed,
        "shown": shown,
        "query": query,
        "perinatal_label": PERINATAL_LABEL,
        "coordinator": policies.can_manage_programmes(user, cpts),
        "reminders": reminders_of_the_year(cpts) if policies.can_manage_programmes(user, cpts) else None,
        "can_include": policies.can_include(user, cpts) and not cpts.is_dissolved,
        "section": "home",
        "title": f"Parcours — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, "Parcours"),
    }
    return render(request, "pathways/home.html", context)
