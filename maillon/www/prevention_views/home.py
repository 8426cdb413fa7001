"""The « Prévention » home of a CPTS: its actions (filtered by theme, state and the perinatal
tag, paged), the sessions to come with their seats and waiting lists, and the key figures of
the year. Counts only: no registrant is named here."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from maillon.prevention.models import (
    PERINATAL_LABEL,
    ActionStatus,
    Registration,
    RegistrationStatus,
    SessionStatus,
    Theme,
)
from maillon.prevention.services import participants_count

from ..space import allow
from . import page
from .common import is_manager, policies, require_prevention, space_or_public_breadcrumb, with_waiting

PAGE_SIZE = 50
UPCOMING_SHOWN = 20


def key_figures(cpts, actions, sessions) -> dict:
    """Actions under way today, sessions to come and their registrations (confirmed and
    waiting), participants of the sessions of this calendar year — exact numbers."""
    now = timezone.now()
    today = timezone.localdate()
    year_start = datetime.date(today.year, 1, 1)
    under_way = actions.filter(status=ActionStatus.PLANNED, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    upcoming = sessions.upcoming(now)
    registrations = Registration.objects.filter(
        session__in=upcoming, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    )
    of_the_year = sessions.filter(
        starts_at__date__gte=year_start, starts_at__date__lt=datetime.date(today.year + 1, 1, 1)
    ).exclude(status=SessionStatus.CANCELLED)
    return {
        "under_way": under_way.count(),
        "upcoming": upcoming.count(),
        "registrations": registrations.count(),
        "participants": participants_count(of_the_year),
        "year": today.year,
    }


def chosen(request, name, values) -> str:
    value = str(request.GET.get(name, ""))
    return value if value in values else ""


@page("prevention/")
@allow("GET", check=require_prevention)
def prevention_home(request, cpts_slug):
    cpts, user = request.cpts, request.user
    all_actions = policies.visible_actions(user, cpts)
    sessions = policies.visible_sessions(user, cpts)
    theme = chosen(request, "theme", Theme.values)
    status = chosen(request, "etat", ActionStatus.values)
    perinatal = request.GET.get("perinatalite") == "1"
    actions = all_actions
    if theme:
        actions = actions.filter(theme=theme)
    if status:
        actions = actions.filter(status=status)
    if perinatal:
        actions = actions.filter(perinatal=True)
    actions = actions.select_related("owner__professional").annotate(
        session_count=Count("sessions", distinct=True), measure_count=Count("measures", distinct=True)
    )
    listed = Paginator(actions.order_by("-starts_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    upcoming = list(
        with_waiting(sessions.upcoming().select_related("action", "commune")).order_by("starts_at", "pk")[
            :UPCOMING_SHOWN
        ]
    )
    query = "&".join(
        part
        for part in (
            f"theme={theme}" if theme else "",
            f"etat={status}" if status else "",
            "perinatalite=1" if perinatal else "",
        )
        if part
    )
    context = {
        "cpts": cpts,
        "page": listed,
        "actions": list(listed.object_list),
        "themes": Theme.choices,
        "statuses": ActionStatus.choices,
        "theme": theme,
        "status": status,
        "perinatal": perinatal,
        "query": query,
        "upcoming": upcoming,
        "upcoming_more": len(upcoming) == UPCOMING_SHOWN,
        "figures": key_figures(cpts, all_actions, sessions),
        "perinatal_label": PERINATAL_LABEL,
        "manager": is_manager(request),
        "title": f"Prévention — {cpts.name}",
        "breadcrumb_data": space_or_public_breadcrumb(request, "Prévention"),
    }
    return render(request, "prevention/home.html", context)
