"""Time paid to members: a member declares project time and sees theirs; the coordinator
validates declared time (with the yearly cap, see maillon.meetings.services) and sets the
hourly rate of each year."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from maillon.meetings import services
from maillon.meetings.models import HourlyRate, TimeEntry

from .common import add_errors, is_coordinator, meetings_breadcrumb, my_membership, posted_id, require_member
from .forms import RateForm, TimeForm


def meetings_time(request, cpts_slug):
    require_member(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    coordinator = is_coordinator(request)
    membership = my_membership(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    allowed = {"declare"} if membership else set()
    if coordinator:
        allowed |= {"validate", "rate"}
    if request.method == "POST" and action not in allowed:
        raise Http404
    back = redirect("meetings_time", cpts_slug=cpts.slug)
    year = services.current_year()
    time_form = TimeForm(request.POST if action == "declare" else None) if membership else None
    rate_form = RateForm(request.POST if action == "rate" else None, initial={"year": year}) if coordinator else None
    over_cap = None
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
    if action == "validate":
        entry = get_object_or_404(
            TimeEntry.objects.for_cpts(cpts).pending().select_related("membership"),
            pk=posted_id(request.POST.get("entry")),
        )
        outcome = services.validate_time(
            entry=entry, by=request.user, confirm_over_cap=request.POST.get("confirm") == "1"
        )
        if outcome.validated:
            if outcome.over_cap:
                messages.warning(request, outcome.message + " Validé à votre demande : seul le plafond sera versé.")
            else:
                messages.success(request, "Temps validé.")
            return back
        over_cap = outcome
    pending = []
    if coordinator:
        pending = list(
            TimeEntry.objects.for_cpts(cpts)
            .pending()
            .select_related("membership__professional", "membership__structure")
            .order_by("date", "pk")
        )
    mine = list(TimeEntry.objects.for_cpts(cpts).filter(membership=membership)[:100]) if membership else []
    context = {
        "cpts": cpts,
        "coordinator": coordinator,
        "membership": membership,
        "time_form": time_form,
        "rate_form": rate_form,
        "rates": list(HourlyRate.objects.for_cpts(cpts)) if coordinator else [],
        "pending": pending,
        "mine": mine,
        "over_cap": over_cap,
        "year": year,
        "section": "time",
        "title": f"Temps indemnisé — {cpts.name}",
        "breadcrumb_data": meetings_breadcrumb(cpts, "Temps indemnisé"),
    }
    return render(request, "meetings/time.html", context)
