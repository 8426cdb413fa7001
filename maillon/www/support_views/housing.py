"""The housing offered to trainees (« logements », mission 6): every role in the CPTS reads the
housing and its month calendar of free rooms (`?mois=AAAA-MM`, previous and next month as plain
links); the coordination adds and changes housing, books a room for a trainee
(`services.book_housing` refuses a night that would exceed the rooms) and cancels a booking.
Bookings name their occupant: only who `policies.visible_housing_bookings` lets see them."""

import calendar
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone

from maillon.core.policies import ensure_allowed
from maillon.support import policies, services
from maillon.support.models import BookingStatus, Housing, HousingBooking

from ..space import action_view, allow, save_form
from ..toolkit.communes import commune_suggestions
from . import page
from .forms_training import HousingBookingForm, HousingForm, NoteForm
from .home import require_support, support_breadcrumb

HOUSING_TITLE = "Logements des stagiaires"
WEEKDAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
PAST_BOOKINGS_SHOWN = 20
MONTH_PARAMETER = "mois"
# The months a calendar may show (a typed address outside them shows the current month).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def housing_link(cpts) -> tuple[str, str]:
    return (HOUSING_TITLE, reverse("housing_list", args=[cpts.slug]))


def housing_one_link(housing) -> tuple[str, str]:
    return (housing.name, reverse("housing_detail", args=[housing.cpts.slug, housing.pk]))


# --- The month calendar ------------------------------------------------------------------------


def month_of(value, default: datetime.date) -> datetime.date:
    """The first day of the month « AAAA-MM » (`?mois=2027-03`), else of `default`'s month."""
    value = str(value or "")
    try:
        year, month = (int(part) for part in value.split("-")) if len(value) == 7 and value[4] == "-" else (0, 0)
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    except ValueError:
        pass
    return default.replace(day=1)


def shift(month: datetime.date, months: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_name(month: datetime.date) -> str:
    """« mars 2027 »."""
    return formats.date_format(month, "F Y")


def month_calendar(housing, month: datetime.date, today: datetime.date) -> dict:
    """The free rooms of each night of `month` (`housing.free_rooms`), by weeks from Monday: a
    cell is None outside the month. The night of a day is the one that starts that evening."""
    days = calendar.monthrange(month.year, month.month)[1]
    end = month + datetime.timedelta(days=days)
    free = housing.free_rooms(month, end)
    cells = [None] * month.weekday()
    for offset in range(days):
        day = month + datetime.timedelta(days=offset)
        rooms = free.get(day, housing.rooms)
        cells.append({"day": day, "free": rooms, "full": rooms <= 0, "past": day < today, "today": day == today})
    cells += [None] * (-len(cells) % 7)
    previous, following = shift(month, -1), shift(month, 1)
    return {
        "name": month_name(month),
        "weeks": [cells[start : start + 7] for start in range(0, len(cells), 7)],
        "weekdays": WEEKDAYS,
        "previous": (month_name(previous), f"{previous:%Y-%m}") if previous.year >= FIRST_YEAR else None,
        "next": (month_name(following), f"{following:%Y-%m}") if following.year <= LAST_YEAR else None,
        "current": f"{today:%Y-%m}" if month != today.replace(day=1) else "",
    }


# --- The list ----------------------------------------------------------------------------------


@page("accompagnement/logements/")
@allow("GET", check=require_support)
def housing_list(request, cpts_slug):
    cpts, user = request.cpts, request.user
    today = timezone.localdate()
    tonight = Q(bookings__status=BookingStatus.BOOKED, bookings__arrives_on__lte=today, bookings__leaves_on__gt=today)
    rows = list(
        policies.visible_housing(user, cpts)
        .select_related("commune")
        .annotate(booked_tonight=Count("bookings", filter=tonight, distinct=True))
        .order_by("-active", "commune__name", "name", "pk")
    )
    for housing in rows:
        housing.free_tonight = max(housing.rooms - housing.booked_tonight, 0)
    context = {
        "cpts": cpts,
        "housings": rows,
        "may_manage": policies.can_manage_housing(user, cpts),
        "title": f"{HOUSING_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, HOUSING_TITLE),
    }
    return render(request, "support/training/housing_list.html", context)


# --- Adding and changing housing ---------------------------------------------------------------


def write(housing, form):
    for name, value in form.housing_fields().items():
        setattr(housing, name, value)
    housing.full_clean()
    housing.save()
    return housing


def form_page(request, form, *, heading, post_to, cancel_url, crumbs):
    cpts = request.cpts
    context = {
        "cpts": cpts,
        "form": form,
        "heading": heading,
        "post_to": post_to,
        "cancel_url": cancel_url,
        "title": f"{heading} — {cpts.name}",
        "breadcrumb_data": crumbs,
    }
    return render(request, "support/training/housing_form.html", context, status=400 if form.errors else 200)


@page("accompagnement/logements/nouveau/")
@allow("GET", "POST", check=require_support)
def housing_create(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_manage_housing(request.user, cpts))
    page_url = reverse("housing_create", args=[cpts.slug])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    form = HousingForm(request.POST or None, search_url=page_url)
    housing = Housing(cpts=cpts)

    if request.method == "POST" and save_form(request, form, lambda: write(housing, form), "Logement ajouté."):
        return redirect("housing_detail", cpts_slug=cpts.slug, pk=housing.pk)
    return form_page(
        request,
        form,
        heading="Nouveau logement",
        post_to=page_url,
        cancel_url=reverse("housing_list", args=[cpts.slug]),
        crumbs=support_breadcrumb(cpts, "Nouveau logement", housing_link(cpts)),
    )


def housing_or_404(request, pk) -> Housing:
    return get_object_or_404(policies.visible_housing(request.user, request.cpts).select_related("commune"), pk=pk)


@page("accompagnement/logements/<int:pk>/modifier/")
@allow("GET", "POST", check=require_support)
def housing_edit(request, cpts_slug, pk):
    cpts = request.cpts
    housing = housing_or_404(request, pk)
    ensure_allowed(policies.can_manage_housing(request.user, cpts))
    page_url = reverse("housing_edit", args=[cpts.slug, housing.pk])
    suggestions = commune_suggestions(request, search_url=page_url)
    if suggestions is not None:
        return suggestions
    form = HousingForm(request.POST or None, housing=housing, search_url=page_url)

    if request.method == "POST" and save_form(request, form, lambda: write(housing, form), "Logement enregistré."):
        return redirect("housing_detail", cpts_slug=cpts.slug, pk=housing.pk)
    return form_page(
        request,
        form,
        heading=f"Modifier « {housing.name} »",
        post_to=page_url,
        cancel_url=reverse("housing_detail", args=[cpts.slug, housing.pk]),
        crumbs=support_breadcrumb(cpts, "Modifier", housing_link(cpts), housing_one_link(housing)),
    )


# --- One housing: its calendar and its bookings ------------------------------------------------


def bookings_of(user, cpts, housing, today, *, manage: bool) -> dict | None:
    """The bookings of the housing the user sees (`policies.visible_housing_bookings`): those
    still to come or under way, then the latest past or cancelled ones; None when there is
    nothing to show to someone who does not manage the housing (no empty section for a member)."""
    rows = policies.visible_housing_bookings(user, cpts).filter(housing=housing).select_related("placement")
    coming = Q(status=BookingStatus.BOOKED, leaves_on__gt=today)
    shown = {
        "coming": list(rows.filter(coming).order_by("arrives_on", "pk")),
        "past": list(rows.exclude(coming).order_by("-arrives_on", "-pk")[:PAST_BOOKINGS_SHOWN]),
    }
    for booking in shown["coming"]:
        booking.may_cancel = policies.can_cancel_housing_booking(user, booking)
    return shown if manage or shown["coming"] or shown["past"] else None


def housing_page(request, housing, *, errors=(), book_form=None, month=None, status=None):
    """The housing, the month calendar of its free rooms and its bookings; after a refused booking,
    with the posted form and its errors, on the month of the arrival asked (400)."""
    cpts, user = request.cpts, request.user
    today = timezone.localdate()
    month = month or month_of(request.GET.get(MONTH_PARAMETER), today)
    manage = policies.can_manage_housing(user, cpts)
    if manage and book_form is None and housing.active:
        book_form = HousingBookingForm(cpts=cpts)
    failed = bool(errors) or bool(book_form is not None and book_form.errors)
    context = {
        "cpts": cpts,
        "housing": housing,
        "calendar": month_calendar(housing, month, today),
        "page_url": reverse("housing_detail", args=[cpts.slug, housing.pk]),
        "bookings": bookings_of(user, cpts, housing, today, manage=manage),
        "book_form": book_form,
        "errors": list(errors),
        "may_manage": manage,
        "title": f"{housing.name} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, housing.name, housing_link(cpts)),
    }
    return render(request, "support/training/housing.html", context, status=status or (400 if failed else 200))


@page("accompagnement/logements/<int:pk>/")
@allow("GET", check=require_support)
def housing_detail(request, cpts_slug, pk):
    return housing_page(request, housing_or_404(request, pk))


def managed_housing(request, cpts_slug, pk) -> Housing:
    """404 for housing the user does not see, 403 unless they manage the CPTS's housing."""
    housing = housing_or_404(request, pk)
    ensure_allowed(policies.can_manage_housing(request.user, request.cpts))
    return housing


def back_to_housing(request, housing, month: datetime.date | None = None):
    url = reverse("housing_detail", args=[request.cpts.slug, housing.pk])
    return redirect(f"{url}?{MONTH_PARAMETER}={month:%Y-%m}" if month else url)


@page("accompagnement/logements/<int:pk>/reserver/")
@action_view(check=require_support, find=managed_housing, page=housing_page, back=back_to_housing)
def housing_book(request, housing):
    form = HousingBookingForm(request.POST, cpts=request.cpts)

    def book():
        return services.book_housing(housing=housing, by=request.user, **form.cleaned_data)

    def done(booking):
        stay = f"du {booking.arrives_on:%d/%m/%Y} au {booking.leaves_on:%d/%m/%Y}"
        return f"Chambre réservée pour {booking.occupant_name}, {stay}."

    if save_form(request, form, book, done):
        return back_to_housing(request, housing, form.cleaned_data["arrives_on"].replace(day=1))
    arrival = form.cleaned_data.get("arrives_on") if hasattr(form, "cleaned_data") else None
    return housing_page(request, housing, book_form=form, month=arrival.replace(day=1) if arrival else None)


def booking_or_404(request, cpts_slug, pk) -> HousingBooking:
    """404 for a booking the user does not see, 403 unless they may cancel it."""
    bookings = policies.visible_housing_bookings(request.user, request.cpts).select_related("housing__commune")
    booking = get_object_or_404(bookings, pk=pk)
    ensure_allowed(policies.can_cancel_housing_booking(request.user, booking))
    return booking


def booking_refused(request, booking, *, errors=()):
    return housing_page(request, booking.housing, errors=errors, month=booking.arrives_on.replace(day=1))


def back_from_booking(request, booking):
    return back_to_housing(request, booking.housing, booking.arrives_on.replace(day=1))


@page("accompagnement/reservations-logement/<int:pk>/annuler/")
@action_view(check=require_support, find=booking_or_404, page=booking_refused, back=back_from_booking)
def housing_booking_cancel(request, booking):
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise ValidationError([text for texts in form.errors.values() for text in texts])
    booking.cancel(by=request.user, note=form.cleaned_data["note"])
    messages.success(request, f"Réservation de {booking.occupant_name} annulée : la chambre est de nouveau libre.")
