"""Time paid to members: a member declares project time, sees theirs with its state
(à valider, validé, refusé with the reason) and edits or deletes it while it is not
validated; the coordinator validates declared time (with the yearly cap, see
maillon.meetings.services), rejects it with a reason, withdraws a validation of the
current year, and sets the hourly rate of each year. The page, then one view per action
that posts back to it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core import journal
from maillon.meetings import services
from maillon.meetings.models import HourlyRate, TimeEntry, TimeKind

from ..space import action_view, allow, posted_action, save_form
from . import page
from .common import add_errors, ensure_allowed, meetings_breadcrumb, my_membership, policies, require_meetings
from .forms import RateForm, RejectForm, TimeForm

REVIEWED_SHOWN = 50


def back_to_time(request, entry=None):
    return redirect("meetings_time", cpts_slug=request.cpts.slug)


def time_page(request, *, time_form=None, rate_form=None, over_cap=None, errors=()):
    """The page; after an action, with the posted form, the over-cap outcome to confirm or the refusal."""
    cpts = request.cpts
    coordinator = policies.can_see_all_time(request.user, cpts)
    membership = my_membership(request)
    year = services.current_year()
    can_set_rate = policies.can_set_hourly_rate(request.user, cpts)
    if membership and time_form is None:
        time_form = TimeForm()
    if can_set_rate and rate_form is None:
        rate_form = RateForm(initial={"year": year})
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


@page("temps/")
@allow("GET", check=require_meetings)
def meetings_time(request, cpts_slug):
    return time_page(request)


@page("temps/declarer/")
@allow("POST", check=require_meetings)
def meetings_time_declare(request, cpts_slug):
    ensure_allowed(policies.can_declare_time(request.user, request.cpts))
    form = TimeForm(request.POST)

    def declare():
        services.declare_time(membership=my_membership(request), **form.cleaned_data)

    if save_form(request, form, declare, "Temps déclaré : la coordination le validera."):
        return back_to_time(request)
    return time_page(request, time_form=form)


@page("temps/taux/")
@allow("POST", check=require_meetings)
def meetings_time_rate(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_set_hourly_rate(request.user, cpts))
    form = RateForm(request.POST)

    def set_rate():
        services.set_hourly_rate(cpts=cpts, **form.cleaned_data)

    if save_form(request, form, set_rate, "Taux horaire enregistré."):
        return back_to_time(request)
    return time_page(request, rate_form=form)


def time_review(*, pending=False):
    """A coordination's decision on one time entry (`space.action_view`): 404 for an entry the
    user may not see, as a missing one (or, with `pending`, one no longer to validate), 403 for
    one they see but may not review (their own); a refusal shows the time page with it."""

    def find(request, cpts_slug, pk):
        entries = policies.visible_time_entries(request.user, request.cpts).select_related("membership__professional")
        entry = get_object_or_404(entries.pending() if pending else entries, pk=pk)
        ensure_allowed(policies.can_review_time_entry(request.user, entry))
        return entry

    def refused(request, entry, errors):
        return time_page(request, errors=errors)

    return action_view(check=require_meetings, find=find, page=refused, back=back_to_time)


@page("temps/<int:pk>/valider/")
@time_review(pending=True)
def meetings_time_validate(request, entry):
    """Validate; over the yearly cap, the page asks to confirm (then only the cap is paid)."""
    outcome = services.validate_time(entry=entry, by=request.user, confirm_over_cap=request.POST.get("confirm") == "1")
    if not outcome.validated:
        return time_page(request, over_cap=outcome)
    if outcome.over_cap:
        messages.warning(request, outcome.message + " Validé à votre demande : seul le plafond sera versé.")
    else:
        messages.success(request, "Temps validé.")
    return None


@page("temps/<int:pk>/refuser/")
@time_review()
def meetings_time_reject(request, entry):
    form = RejectForm(request.POST)
    if not form.is_valid():
        raise ValidationError([error for errors in form.errors.values() for error in errors])
    services.reject_time(entry=entry, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, "Temps refusé : le membre voit le motif et peut le déclarer à nouveau.")


@page("temps/<int:pk>/retirer-la-validation/")
@time_review()
def meetings_time_unvalidate(request, entry):
    services.unvalidate_time(entry=entry, by=request.user)
    messages.success(request, "Validation retirée : ce temps est de nouveau à valider.")


@page("temps/<int:pk>/modifier/")
@allow("GET", "POST", check=require_meetings)
def meetings_time_edit(request, cpts_slug, pk):
    """One time entry: its member edits (re-declares) or deletes it while it is not
    validated; the coordinator reads it and validates, rejects or withdraws from here."""
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
    action = posted_action(request, owner, {"save", "delete"})
    if not owner:  # the coordinator reads someone else's entry, and may decide on it from here
        journal.record(journal.Action.READ, entry, fields=["membership.name", "note"])
    back = back_to_time(request)
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
