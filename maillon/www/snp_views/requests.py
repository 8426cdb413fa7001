"""Same-day care requests in the CPTS space: create, search and book, the duty list, the
outcome, the coordinators' queue and a member's appointments.

Who sees and does what is `maillon.snp.policies` (the coordinators, the requester, the member
booked, the SAS regulation over the CPTS's territory for the SAS's requests): a request the
user may not see answers 404 as one that does not exist; a visible request whose action the
user may not take answers 403. Every request shown is journaled (one entry per row of a
list); no name in a URL.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.core.policies import ensure_allowed, ensure_visible, has_cpts_role
from maillon.members.models import Professional
from maillon.snp import booking as booking_service
from maillon.snp import duty, policies, search
from maillon.snp.models import (
    OPEN_REQUEST_STATUSES,
    Booking,
    CareRequest,
    Outcome,
    RequesterKind,
    RequestStatus,
    Slot,
)
from maillon.snp.outcomes import record_outcome
from maillon.snp.requests import PATIENT_FIELDS, cancel_request, create_request

from ..space import add_errors, allow, posted_id, space_breadcrumb, visible_if
from ..toolkit.communes import commune_suggestions
from ..toolkit.navigation import breadcrumb
from . import page
from .request_forms import AcceptForm, CareRequestForm, OutcomeForm

LIST_FIELDS = ["first_name", "last_name", "commune", "urgency", "profession"]
RECENT_LIMIT = 50
PLACE_REFUSED = "Seuls le demandeur, la coordination ou la régulation SAS placent cette demande."
OUTCOME_REFUSED = "Seul le professionnel du rendez-vous, ou la coordination, en renseigne l'issue."
CANCEL_REFUSED = "Seuls le demandeur, la coordination, la régulation SAS ou le professionnel du rendez-vous l'annulent."


def require_desk(request):
    """A role in the CPTS, or the SAS regulation over its territory; 404 otherwise."""
    ensure_visible(request.cpts is not None and policies.can_use_requests(request.user, request.cpts))


def viewer_context(request) -> dict:
    """What the templates show of the user's place at the desk."""
    user, cpts = request.user, request.cpts
    return {
        "coordinator": policies.can_see_all_requests(user, cpts),
        "member": has_cpts_role(user, cpts),
        "sas": policies.is_sas_regulator_of(user, cpts),
    }


def visible_request_or_404(request, pk) -> CareRequest:
    care_request = (
        CareRequest.objects.for_cpts(request.cpts).select_related("commune", "requested_by").filter(pk=pk).first()
    )
    ensure_visible(care_request is not None and policies.can_see_request(request.user, care_request))
    return care_request


def placeable_request(request, pk) -> CareRequest:
    """A request the user may place (search, book, send to the duty list, cancel): 404 if they
    may not see it, 403 if they see it (the member booked) but may not place it."""
    care_request = visible_request_or_404(request, pk)
    ensure_allowed(policies.can_place_request(request.user, care_request), PLACE_REFUSED)
    return care_request


def desk_breadcrumb(request, cpts, current: str, *links) -> dict:
    """Space › … for the CPTS's own people; the SAS regulation has no members' space there: its
    home › CPTS › …"""
    if has_cpts_role(request.user, cpts):
        return space_breadcrumb(cpts, current, *links)
    return breadcrumb(
        current,
        ("Accueil de la régulation SAS", reverse("home_sas")),
        (cpts.name, reverse("cpts_detail", args=[cpts.slug])),
        *links,
    )


def request_breadcrumb(request, cpts, current: str) -> dict:
    return desk_breadcrumb(request, cpts, current, ("Soins non programmés", reverse("snp_requests", args=[cpts.slug])))


def journal_list(cpts, care_requests, note: str) -> None:
    if care_requests:
        journal.record_reads(CareRequest, [item.pk for item in care_requests], LIST_FIELDS, cpts_id=cpts.pk, note=note)


# --- Pages ------------------------------------------------------------------------------


@page("snp/demandes/")
@allow("GET", check=require_desk)
def snp_requests(request, cpts_slug):
    """The coordinators' queue (escalated first, then the nearest deadline); others, their requests."""
    cpts = request.cpts
    visible = policies.visible_requests(request.user, cpts)
    waiting = list(
        visible.filter(status__in=OPEN_REQUEST_STATUSES)
        .annotate(
            escalated_first=Case(
                When(status=RequestStatus.ESCALATED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("escalated_first", "deadline", "pk")
    )
    recent = list(visible.exclude(status__in=OPEN_REQUEST_STATUSES).order_by("-created_at", "-pk")[:RECENT_LIMIT])
    journal_list(cpts, waiting + recent, "demandes de SNP")
    context = {
        "cpts": cpts,
        "viewer": viewer_context(request),
        "waiting": waiting,
        "recent": recent,
        "section": "requests",
        "title": f"Soins non programmés — {cpts.name}",
        "breadcrumb_data": desk_breadcrumb(request, cpts, "Soins non programmés"),
    }
    return render(request, "snp/requests_list.html", context)


@page("snp/demandes/nouvelle/")
@allow("GET", "POST", check=require_desk)
def snp_request_new(request, cpts_slug):
    ensure_allowed(policies.can_create_request(request.user, request.cpts))
    cpts = request.cpts
    page_url = reverse("snp_request_new", args=[cpts.slug])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    form = CareRequestForm(request.POST or None, search_url=page_url)
    if request.method == "POST" and form.is_valid():
        try:
            care_request = create_request(
                cpts,
                by=request.user,
                requester_kind=policies.requester_kind(request.user, cpts),
                **form.request_data(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Demande n° {care_request.pk} enregistrée : choisissez un créneau.")
            return redirect("snp_request_search", cpts.slug, care_request.pk)
    context = {
        "cpts": cpts,
        "form": form,
        "page_url": page_url,
        "section": "new",
        "viewer": viewer_context(request),
        "title": f"Nouvelle demande de soins non programmés — {cpts.name}",
        "breadcrumb_data": request_breadcrumb(request, cpts, "Nouvelle demande"),
    }
    return render(request, "snp/requests_new.html", context)


@page("snp/demandes/<int:pk>/")
@allow("GET", check=require_desk)
def snp_request_detail(request, cpts_slug, pk):
    care_request = visible_request_or_404(request, pk)
    user = request.user
    journal.record(journal.Action.READ, care_request, fields=PATIENT_FIELDS, cpts_id=request.cpts.pk)
    bookings = list(care_request.bookings.select_related("professional", "practice_place__commune", "slot"))
    live = next((item for item in bookings if item.cancelled_at is None), None)
    now = timezone.now()
    return render_request_page(
        request,
        care_request,
        "snp/requests_detail.html",
        f"Demande n° {care_request.pk}",
        events=care_request.events.all(),
        bookings=bookings,
        live=live,
        can_place=policies.can_place_request(user, care_request),
        is_waiting=care_request.workflow.can(care_request, "cancel"),
        can_send_to_duty=care_request.workflow.can(care_request, "send_to_duty"),
        outcome_form=OutcomeForm()
        if live and policies.can_record_outcome(user, live) and live.appointment_at <= now
        else None,
        can_cancel_booking=live is not None
        and live.outcome == Outcome.PENDING
        and policies.can_cancel_booking(user, live),
        duty_calls=care_request.duty_calls.select_related("professional")
        if policies.can_see_duty_calls_of(user, care_request)
        else [],
    )


def render_request_page(request, care_request, template, title, *, crumb=None, **context):
    """A page of one request: the user's place at the desk, the request, title and breadcrumb."""
    cpts = request.cpts
    context |= {
        "cpts": cpts,
        "viewer": viewer_context(request),
        "care_request": care_request,
        "title": f"{title} — {cpts.name}",
        "breadcrumb_data": request_breadcrumb(request, cpts, crumb or title),
    }
    return render(request, template, context)


@page("snp/demandes/<int:pk>/creneaux/")
@allow("GET", check=require_desk)
def snp_request_search(request, cpts_slug, pk):
    """The free slots, nearest first, with the distance; one « Réserver » button each."""
    care_request = placeable_request(request, pk)
    journal.record(
        journal.Action.READ, care_request, fields=["commune", "urgency", "profession"], cpts_id=request.cpts.pk
    )
    result = search.search(care_request) if care_request.status in OPEN_REQUEST_STATUSES else None
    counts = {}
    if result and care_request.requester_kind == RequesterKind.SAS:
        counts = booking_service.sas_counts_by_slot([hit.slot for hit in result.hits])
    rows = [
        {
            "hit": hit,
            "sas_count": counts.get(hit.slot.pk, 0),
            "at_cap": counts.get(hit.slot.pk, 0) >= booking_service.SAS_WEEKLY_CAP,
        }
        for hit in (result.hits if result else [])
    ]
    return render_request_page(
        request,
        care_request,
        "snp/requests_search.html",
        f"Créneaux pour la demande n° {care_request.pk}",
        crumb=f"Créneaux, demande n° {care_request.pk}",
        result=result,
        rows=rows,
        sas=care_request.requester_kind == RequesterKind.SAS,
        cap=booking_service.SAS_WEEKLY_CAP,
    )


@page("snp/demandes/<int:pk>/reserver/")
@allow("POST", check=require_desk)
def snp_request_book(request, cpts_slug, pk):
    care_request = placeable_request(request, pk)
    cpts = request.cpts
    slot = (
        Slot.objects.for_cpts(cpts)
        .select_related("agenda", "professional")
        .filter(pk=posted_id(request.POST.get("slot")))
        .first()
    )
    if slot is None:
        raise Http404
    try:
        booking = booking_service.book(care_request, slot, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("snp_request_search", cpts.slug, care_request.pk)
    messages.success(request, f"Rendez-vous réservé le {timezone.localtime(booking.appointment_at):%d/%m/%Y à %H:%M}.")
    if booking.via_sas and (warning := booking_service.cap_warning(slot.professional, booking.appointment_at)):
        messages.warning(request, warning)
    return redirect("snp_request_detail", cpts.slug, care_request.pk)


@page("snp/demandes/<int:pk>/garde/")
@allow("POST", check=require_desk)
def snp_request_send_to_duty(request, cpts_slug, pk):
    care_request = placeable_request(request, pk)
    try:
        asked = duty.send_to_duty_list(care_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if asked:
            messages.success(request, f"Demande envoyée à {asked} volontaire{'s' if asked > 1 else ''} de garde.")
        else:
            messages.warning(
                request, "Aucun volontaire de cette profession : la demande est remontée à la coordination."
            )
    return redirect("snp_request_detail", request.cpts.slug, care_request.pk)


@page("snp/demandes/<int:pk>/annuler/")
@allow("POST", check=require_desk)
def snp_request_cancel(request, cpts_slug, pk):
    care_request = placeable_request(request, pk)
    try:
        cancel_request(care_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Demande n° {care_request.pk} annulée.")
    return redirect("snp_request_detail", request.cpts.slug, care_request.pk)


def booking_or_404(request, pk) -> Booking:
    """A booking of a request the user sees; 404 otherwise, as a missing one."""
    booking = Booking.objects.for_cpts(request.cpts).select_related("request", "professional").filter(pk=pk).first()
    ensure_visible(booking is not None and policies.can_see_booking(request.user, booking))
    return booking


@page("snp/demandes/rendez-vous/<int:pk>/annuler/")
@allow("POST", check=require_desk)
def snp_request_booking_cancel(request, cpts_slug, pk):
    booking = booking_or_404(request, pk)
    ensure_allowed(policies.can_cancel_booking(request.user, booking), CANCEL_REFUSED)
    try:
        booking_service.cancel_booking(booking, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Rendez-vous annulé : la demande est de nouveau à placer.")
    return redirect("snp_request_detail", request.cpts.slug, booking.request_id)


@page("snp/demandes/rendez-vous/<int:pk>/issue/")
@allow("POST", check=require_desk)
def snp_request_outcome(request, cpts_slug, pk):
    """The booked member (or the coordination) tells how the appointment went."""
    booking = booking_or_404(request, pk)
    ensure_allowed(policies.can_record_outcome(request.user, booking), OUTCOME_REFUSED)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            record_outcome(booking, form.cleaned_data["outcome"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Issue enregistrée : {booking.get_outcome_display()}.")
    else:
        messages.error(request, "Issue du rendez-vous : choisissez l'une des réponses.")
    return redirect("snp_request_detail", request.cpts.slug, booking.request_id)


# What a volunteer sees of a request before accepting it (the patient's commune is personal).
DUTY_FIELDS = ["commune", "deadline", "profession", "urgency"]


def my_professional(request) -> Professional | None:
    return getattr(request.user, "professional", None)


@page("snp/demandes/garde/")
@allow("GET", "POST", check=visible_if(policies.can_use_duty_list))
def snp_request_duty(request, cpts_slug):
    """A volunteer's calls: accept (with the time and place) or decline. Nothing personal is
    shown before accepting: the profession, the commune, the urgency and the deadline."""
    cpts = request.cpts
    professional = my_professional(request)
    calls = (
        policies.visible_duty_calls(request.user, cpts)
        .select_related("request__commune")
        .order_by("request__deadline", "pk")
    )
    places = list(professional.practice_places.select_related("commune")) if professional else []
    if request.method == "POST":
        call = calls.filter(pk=posted_id(request.POST.get("call"))).first()
        if call is None:
            raise Http404
        if request.POST.get("action") == "decline":
            try:
                duty.decline(call, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.info(request, f"Vous avez décliné la demande n° {call.request_id}.")
            return redirect("snp_request_duty", cpts.slug)
        form = AcceptForm(request.POST, places=places, prefix=f"call{call.pk}")
        if form.is_valid():
            try:
                booking = duty.accept(
                    call,
                    by=request.user,
                    appointment_at=form.cleaned_data["appointment_at"],
                    practice_place=form.place(),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("snp_request_duty", cpts.slug)
            messages.success(request, f"Vous prenez la demande n° {call.request_id}.")
            return redirect("snp_request_detail", cpts.slug, booking.request_id)
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect("snp_request_duty", cpts.slug)
    rows = [{"call": call, "form": AcceptForm(places=places, prefix=f"call{call.pk}")} for call in calls]
    if rows:
        journal.record_reads(
            CareRequest, [row["call"].request_id for row in rows], DUTY_FIELDS, cpts_id=cpts.pk, note="liste de garde"
        )
    context = {
        "cpts": cpts,
        "professional": professional,
        "rows": rows,
        "section": "duty",
        "title": f"Liste de garde SNP — {cpts.name}",
        "breadcrumb_data": request_breadcrumb(request, cpts, "Liste de garde"),
    }
    return render(request, "snp/requests_duty.html", context)


@page("snp/demandes/mes-rendez-vous/")
@allow("GET", check=visible_if(policies.can_see_appointments))
def snp_request_appointments(request, cpts_slug):
    """« Mes rendez-vous SNP » with the week's SAS count; the coordinators see every doctor's count."""
    cpts = request.cpts
    now = timezone.now()
    professional = my_professional(request)
    bookings = []
    history = []
    if professional:
        bookings = list(
            Booking.objects.for_cpts(cpts)
            .live()
            .filter(professional=professional)
            .filter(Q(appointment_at__gte=now - datetime.timedelta(days=30)) | Q(outcome=Outcome.PENDING))
            .select_related("request__commune", "practice_place__commune")
            .order_by("appointment_at")
        )
        journal_list(cpts, [item.request for item in bookings], "mes rendez-vous SNP")
        history = booking_service.sas_weekly_history(professional.pk, now=now)
    doctors = []
    if policies.can_see_all_requests(request.user, cpts):
        start, end = booking_service.iso_week_bounds(now)
        ids = (
            Booking.objects.for_cpts(cpts)
            .live()
            .filter(via_sas=True, appointment_at__gte=start, appointment_at__lt=end)
            .values_list("professional_id", flat=True)
        )
        counts = booking_service.sas_counts(ids, now)
        people = Professional.objects.filter(pk__in=counts).order_by("last_name", "first_name")
        doctors = [{"professional": person, "count": counts[person.pk]} for person in people]
    context = {
        "cpts": cpts,
        "viewer": viewer_context(request),
        "professional": professional,
        "bookings": bookings,
        "history": history,
        "this_week": history[0][1] if history else 0,
        "doctors": doctors,
        "cap": booking_service.SAS_WEEKLY_CAP,
        "now": now,
        "section": "appointments",
        "title": f"Mes rendez-vous SNP — {cpts.name}",
        "breadcrumb_data": request_breadcrumb(request, cpts, "Mes rendez-vous SNP"),
    }
    return render(request, "snp/requests_appointments.html", context)
