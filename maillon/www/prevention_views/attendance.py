"""The attendance sheet of a session, made for a phone: the coordination or the adherent in
charge of the action ticks who among the confirmed came, and counts the walk-ins by age band
and sex (`services.record_attendance`); the sheet opens the day of the session. Below, the
participants counted by age band and sex — the CPTS's own sheet, exact numbers."""

from django.shortcuts import redirect, render
from django.utils import timezone

from maillon.core import journal
from maillon.prevention import services
from maillon.prevention.models import AgeBand, Registration, SessionStatus, Sex

from ..space import allow, save_form
from . import page
from .common import ensure_allowed, policies, require_prevention, session_or_404
from .forms import AttendanceForm
from .sessions import session_breadcrumb

NAME_FIELDS = ["first_name", "last_name"]


def band_table(session) -> dict:
    """Participants by age band (rows) and sex (columns), with totals."""
    counts = services.participants_by_band([session])
    rows = []
    for band in AgeBand:
        cells = [counts.get((band.value, sex.value), 0) for sex in Sex]
        rows.append({"label": band.label, "cells": cells, "total": sum(cells)})
    totals = [sum(row["cells"][index] for row in rows) for index in range(len(Sex))]
    return {"sexes": [sex.label for sex in Sex], "rows": rows, "totals": totals, "total": sum(totals)}


@page("prevention/seances/<int:pk>/presences/")
@allow("GET", "POST", check=require_prevention)
def prevention_session_attendance(request, cpts_slug, pk):
    cpts, user = request.cpts, request.user
    session = session_or_404(request, pk)
    ensure_allowed(policies.can_keep_attendance(user, session))
    opens = services.attendance_opens(session)
    is_open = timezone.localdate() >= opens and session.status != SessionStatus.CANCELLED
    registrations = list(
        policies.visible_registrations(user, session)
        .filter(status="confirmed")
        .order_by("last_name", "first_name", "pk")
    )
    walk_ins = {(row.age_band, row.sex): row.count for row in session.walk_ins.all()}
    form = AttendanceForm(request.POST or None, registrations=registrations, walk_ins=walk_ins)
    if request.method == "POST":
        ensure_allowed(is_open)

        def write():
            services.record_attendance(
                session, present=set(form.cleaned_data["present"]), walk_ins=form.walk_ins(), by=user
            )

        if save_form(request, form, write, "Feuille de présence enregistrée."):
            return redirect("prevention_session_attendance", cpts_slug=cpts.slug, pk=session.pk)
    shown = [row.pk for row in registrations if not row.purged]
    if shown:
        journal.record_reads(Registration, shown, NAME_FIELDS, cpts_id=cpts.pk, note="feuille de présence")
    context = {
        "cpts": cpts,
        "session": session,
        "form": form,
        "registrations": registrations,
        "checks": list(zip(registrations, form["present"], strict=True)),
        "is_open": is_open,
        "opens": opens,
        "bands": band_table(session),
        "title": f"Présences — {session.title} — {cpts.name}",
        "breadcrumb_data": session_breadcrumb(request, session, "Présences"),
    }
    return render(request, "prevention/attendance.html", context, status=400 if form.errors else 200)
