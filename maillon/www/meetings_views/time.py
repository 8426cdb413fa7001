"""Time paid to members: a member declares project time, sees theirs with its state
(à valider, validé, refusé with the reason) and edits or deletes it while it is not
validated; the coordinator validates declared time (with the yearly cap, see
maillon.meetings.services), rejects it with a reason, withdraws a validation of the
current year, and sets the hourly rate of each year."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core import journal
from maillon.meetings import services
from maillon.meetings.models import HourlyRate, TimeEntry, TimeKind

from .common import (
    add_errors,
    ensure_allowed,
    meetings_breadcrumb,
    my_membership,
    policies,
    posted_id,
    require_meetings,
)
from .forms import RateForm, RejectForm, TimeForm

REVIEWED_SHOWN = 50
REVIEW_ACTIONS = {"validate", "reject", "unvalidate"}


def validate(request, entry):
    """Validate; None when done (messages set), else the over-cap outcome to confirm."""
    outcome = services.validate_time(entry=entry, by=request.user, confirm_over_cap=request.POST.get("confirm") == "1")
    if not outcome.validated:
        return outcome
    if outcome.over_cap:
        messages.warning(request, outcome.message + " Validé à votre demande : seul le plafond sera versé.")
    else:
        messages.success(request, "Temps validé.")
    return None


def meetings_time(request, cpts_slug):
    require_meetings(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    coordinator = policies.can_see_all_time(request.user, cpts)
    membership = my_membership(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "declare":
        ensure_allowed(policies.can_declare_time(request.user, cpts))
    elif action == "rate":
        ensure_allowed(policies.can_set_hourly_rate(request.user, cpts))
    elif request.method == "POST" and action not in REVIEW_ACTIONS:
        raise Http404
    back = redirect("meetings_time", cpts_slug=cpts.slug)
    year = services.current_year()
    time_form = TimeForm(request.POST if action == "declare" else None) if membership else None
    can_set_rate = policies.can_set_hourly_rate(request.user, cpts)
    rate_form = RateForm(request.POST if action == "rate" else None, initial={"year": year}) if can_set_rate else None
    over_cap = None
    errors = []
    if action == "declare" and time_form.is_valid():
        try:
            services.declare_time(membership=membership, **time_form.cleaned_data)
        except ValidationError as error:
            add_errors(time_form, error)
        else:
            messages.success(request, "Temps déclaré : la coordination le validera.")
            return back
    if action == "rate" and rate_form.is_valid():
        try:
            services.set_hourly_rate(cpts=cpts, **rate_form.cleaned_data)
        except ValidationError as error:
            add_errors(rate_form, error)
        else:
            messages.success(request, "Taux horaire enregistré.")
            return back
    if action in REVIEW_ACTIONS:
        # 404 for an entry the user may not see (as a missing one), 403 for their own.
        entries = policies.visible_time_entries(request.user, cpts).select_related("membership__professional")
        entry = get_object_or_404(
            entries.pending() if action == "validate" else entries, pk=posted_id(request.POST.get("entry"))
        )
        ensure_allowed(policies.can_review_time_entry(request.user, entry))
        try:
            if action == "validate":
                over_cap = validate(request, entry)
                if over_cap is None:
                    return back
            elif action == "reject":
                form = RejectForm(request.POST)
                if not form.is_valid():
                    raise ValidationError([error for errors in form.errors.values() for error in errors])
                services.reject_time(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, "Temps refusé : le membre voit le motif et peut le déclarer à nouveau.")
                return back
            else:
                services.unvalidate_time(entry=entry, by=request.user)
                messages.success(request, "Validation retirée : ce temps est de nouveau à valider.")
                return back
        except ValidationError as error:
            errors = error.messages
    pending, reviewed = [], []
    if coordinator:
        pending = list(
            TimeEntry.objects.for_cpts(cpts)
            .pending()
            .select_related("membership__professional", "membership__structure")
            .order_by("date", "pk")
        )
        # Validated project time of the open year: its validation can still be withdrawn.
        reviewed = list(
            TimeEntry.objects.for_cpts(cpts)
            .validated()
            .filter(kind=TimeKind.PROJECT)
            .of_year(year)
            .select_related("membership__professional", "membership__structure")
            .order_by("-validated_at", "-pk")[:REVIEWED_SHOWN]
        )
    mine = list(TimeEntry.objects.for_cpts(cpts).filter(membership=membership)[:100]) if membership else []
    context = {
        "cpts": cpts,
        "coordinator": coordinator,
        "membership": membership,
        "time_form": time_form,
        "rate_form": rate_form,
        "rates": list(HourlyRate.objects.for_cpts(cpts)) if can_set_rate else [],
        "pending": pending,
        "reviewed": reviewed,
        "reviewed_shown": REVIEWED_SHOWN,
        "mine": mine,
        "over_cap": over_cap,
        "errors": errors,
        "year": year,
        "section": "time",
        "title": f"Temps indemnisé — {cpts.name}",
        "breadcrumb_data": meetings_breadcrumb(cpts, "Temps indemnisé"),
    }
    return render(request, "meetings/time.html", context)


def meetings_time_edit(request, cpts_slug, pk):
    """One time entry: its member edits (re-declares) or deletes it while it is not
    validated; the coordinator reads it and validates, rejects or withdraws from here."""
    require_meetings(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    membership = my_membership(request)
    entry = get_object_or_404(
        policies.visible_time_entries(request.user, cpts).select_related(
            "membership__professional", "membership__structure", "meeting"
        ),
        pk=pk,
    )
    owner = policies.can_edit_time_entry(request.user, entry)
    coordinator = policies.can_review_time_entry(request.user, entry)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        if action not in {"save", "delete"}:
            raise Http404
        ensure_allowed(owner)
    if not owner:  # the coordinator reads someone else's entry, and may decide on it from here
        journal.record(journal.Action.READ, entry, fields=["membership.name", "note"])
    back = redirect("meetings_time", cpts_slug=cpts.slug)
    initial = {"date": entry.date, "hours": entry.hours, "mission": entry.mission, "note": entry.note}
    form = TimeForm(request.POST if action == "save" else None, initial=initial)
    errors = []
    try:
        if action == "delete":
            services.delete_time(entry=entry, membership=membership)
            messages.success(request, "Temps supprimé.")
            return back
        if action == "save" and form.is_valid():
            was_rejected = entry.is_rejected
            services.edit_time(entry=entry, membership=membership, by=request.user, **form.cleaned_data)
            messages.success(
                request, "Temps déclaré à nouveau : la coordination le validera." if was_rejected else "Temps modifié."
            )
            return back
    except ValidationError as error:
        if action == "save" and hasattr(error, "error_dict") and "entry" not in error.error_dict:
            add_errors(form, error)
        else:
            errors = error.messages
    reopenable = entry.kind == TimeKind.PROJECT and entry.date.year >= services.current_year()
    context = {
        "cpts": cpts,
        "coordinator": coordinator,
        "owner": owner,
        "reopenable": reopenable,
        # The coordination's buttons: its right and the entry's state (`TimeEntry.workflow`).
        "can_validate": coordinator and TimeEntry.workflow.can(entry, "validate"),
        "can_unvalidate": coordinator and reopenable and TimeEntry.workflow.can(entry, "unvalidate"),
        "can_reject": coordinator
        and TimeEntry.workflow.can(entry, "reject")
        and entry.kind == TimeKind.PROJECT
        and (not entry.is_validated or reopenable),
        "membership": membership,
        "entry": entry,
        "form": form,
        "errors": errors,
        "section": "time",
        "title": f"Modifier mon temps — {cpts.name}",
        "breadcrumb_data": meetings_breadcrumb(cpts, "Modifier mon temps"),
    }
    return render(request, "meetings/time_entry.html", context)
