"""Shared equipment (mission 6, point 4): an ECG, a doppler… that the adherents lend each other.
Every role reads the equipment and its week's bookings (a calendar moved week by week with links,
`?semaine=AAAA-MM-JJ`); an adherent books it for their own adhesion, the coordination for any
adherent (`support.services.book_equipment`: never two bookings at the same time, 14 days at
most); the borrower or the coordination cancels a booking; the coordination adds equipment."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core.policies import ensure_allowed
from maillon.support import policies, services
from maillon.support.models import BookingStatus, Equipment

from ..space import allow, save_form
from ..toolkit.dates import day_label, monday_of, week_label
from . import page
from .forms_peer import BookingForm, EquipmentForm
from .home import require_support, support_breadcrumb, week_bounds

EQUIPMENT_TITLE = "Matériel partagé"
WEEK_PARAMETER = "semaine"
DAY_PARAMETER = "jour"
DEFAULT_HOURS = (datetime.time(9), datetime.time(18))


def equipment_link(cpts) -> tuple[str, str]:
    return (EQUIPMENT_TITLE, reverse("equipment_list", args=[cpts.slug]))


def equipment_url(equipment, monday=None) -> str:
    url = reverse("equipment_detail", args=[equipment.cpts.slug, equipment.pk])
    return f"{url}?{WEEK_PARAMETER}={monday:%Y-%m-%d}" if monday else url


def parsed_day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


@page("accompagnement/materiel/")
@allow("GET", check=require_support)
def equipment_list(request, cpts_slug):
    cpts, user = request.cpts, request.user
    now = timezone.now()
    coming = Q(bookings__status=BookingStatus.BOOKED, bookings__ends_at__gt=now)
    equipment = (
        policies.visible_equipment(user, cpts)
        .select_related("holder__professional")
        .annotate(next_at=Min("bookings__starts_at", filter=coming))
        .order_by("-active", "name", "pk")
    )
    context = {
        "cpts": cpts,
        "equipment": list(equipment),
        "now": now,
        "may_create": policies.can_manage_equipment(user, cpts),
        "may_book": policies.can_book_equipment(user, cpts),
        "title": f"{EQUIPMENT_TITLE} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, EQUIPMENT_TITLE),
    }
    return render(request, "support/peer/equipment_list.html", context)


@page("accompagnement/materiel/nouveau/")
@allow("GET", "POST", check=require_support)
def equipment_create(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_manage_equipment(request.user, cpts))
    form = EquipmentForm(request.POST or None, cpts=cpts)
    created = Equipment(cpts=cpts)

    def write():
        for name, value in form.equipment_fields().items():
            setattr(created, name, value.strip() if isinstance(value, str) else value)
        created.full_clean()
        created.save()

    if request.method == "POST" and save_form(request, form, write, "Matériel ajouté."):
        return redirect("equipment_detail", cpts_slug=cpts.slug, pk=created.pk)
    context = {
        "cpts": cpts,
        "form": form,
        "title": f"Ajouter du matériel — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, "Ajouter du matériel", equipment_link(cpts)),
    }
    return render(request, "support/peer/equipment_form.html", context, status=400 if form.errors else 200)


def equipment_or_404(request, pk) -> Equipment:
    found = policies.visible_equipment(request.user, request.cpts).select_related("holder__professional")
    return get_object_or_404(found, pk=pk)


def week_days(request, equipment, monday) -> list[dict]:
    """The seven days of the week from `monday`, each with the bookings it touches (one query);
    a booking over several days shows on each, said « depuis » or « jusqu'au » where it spills."""
    user, cpts = request.user, request.cpts
    start, end = week_bounds(monday)
    bookings = list(
        policies.visible_equipment_bookings(user, cpts)
        .filter(equipment=equipment)
        .overlapping(start, end)
        .select_related("membership__professional")
        .order_by("starts_at", "pk")
    )
    for booking in bookings:
        booking.may_cancel = policies.can_cancel_equipment_booking(user, booking)
        booking.may_read_purpose = policies.can_read_booking_purpose(user, booking)
        booking.local_start = timezone.localtime(booking.starts_at)
        booking.local_end = timezone.localtime(booking.ends_at)
    today = timezone.localdate()
    days = []
    for offset in range(7):
        day = monday + datetime.timedelta(days=offset)
        day_start, day_end = week_bounds_of_day(day)
        days.append(
            {
                "day": day,
                "label": day_label(day),
                "is_today": day == today,
                "past": day < today,
                "bookings": [
                    booking for booking in bookings if booking.starts_at < day_end and booking.ends_at > day_start
                ],
            }
        )
    return days


def week_bounds_of_day(day) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


@page("accompagnement/materiel/<int:pk>/")
@allow("GET", check=require_support)
def equipment_detail(request, cpts_slug, pk):
    cpts, user = request.cpts, request.user
    equipment = equipment_or_404(request, pk)
    monday = monday_of(parsed_day(request.GET.get(WEEK_PARAMETER)) or timezone.localdate())
    context = {
        "cpts": cpts,
        "equipment": equipment,
        "monday": monday,
        "week_label": week_label(monday),
        "days": week_days(request, equipment, monday),
        "previous_url": equipment_url(equipment, monday - datetime.timedelta(days=7)),
        "next_url": equipment_url(equipment, monday + datetime.timedelta(days=7)),
        "this_week_url": equipment_url(equipment),
        "is_this_week": monday == monday_of(timezone.localdate()),
        "may_book": equipment.active and policies.can_book_equipment(user, cpts),
        "here": equipment_url(equipment, monday),
        "title": f"{equipment.name} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, equipment.name, equipment_link(cpts)),
    }
    return render(request, "support/peer/equipment_detail.html", context)


def booking_initial(request) -> dict:
    """The day clicked on the calendar (`?jour=AAAA-MM-JJ`): its usual hours, proposed."""
    day = parsed_day(request.GET.get(DAY_PARAMETER))
    if day is None or day < timezone.localdate():
        return {}
    start, end = DEFAULT_HOURS
    return {
        "starts_at": datetime.datetime.combine(day, start),
        "ends_at": datetime.datetime.combine(day, end),
    }


@page("accompagnement/materiel/<int:pk>/reserver/")
@allow("GET", "POST", check=require_support)
def equipment_book(request, cpts_slug, pk):
    cpts, user = request.cpts, request.user
    equipment = equipment_or_404(request, pk)
    ensure_allowed(equipment.active and policies.can_book_equipment(user, cpts))
    for_adherent = policies.can_book_for_others(user, cpts)
    own = policies.booking_membership(user, cpts)
    initial = booking_initial(request) if request.method == "GET" else {}
    if for_adherent and own is not None:
        initial["membership"] = own.pk
    form = BookingForm(request.POST or None, cpts=cpts, for_adherent=for_adherent, initial=initial)

    def write():
        membership = form.cleaned_data["membership"] if for_adherent else own
        return services.book_equipment(equipment=equipment, membership=membership, by=user, **form.booking_fields())

    def done(booking):
        start = timezone.localtime(booking.starts_at)
        return f"Réservation enregistrée : {equipment.name}, à partir du {start:%d/%m/%Y à %H:%M}."

    if request.method == "POST" and save_form(request, form, write, done):
        return redirect(equipment_url(equipment, monday_of(form.cleaned_data["starts_at"])))
    context = {
        "cpts": cpts,
        "equipment": equipment,
        "form": form,
        "for_adherent": for_adherent,
        "title": f"Réserver : {equipment.name} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(
            cpts, "Réserver", equipment_link(cpts), (equipment.name, equipment_url(equipment))
        ),
    }
    return render(request, "support/peer/booking_form.html", context, status=400 if form.errors else 200)


@page("accompagnement/reservations-materiel/<int:pk>/annuler/")
@allow("POST", check=require_support)
def equipment_booking_cancel(request, cpts_slug, pk):
    user, cpts = request.user, request.cpts
    booking = get_object_or_404(
        policies.visible_equipment_bookings(user, cpts).select_related("equipment", "membership__professional"),
        pk=pk,
    )
    ensure_allowed(policies.can_cancel_equipment_booking(user, booking))
    try:
        booking.cancel(by=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        start = timezone.localtime(booking.starts_at)
        messages.success(request, f"Réservation du {start:%d/%m/%Y à %H:%M} annulée.")
    return redirect(equipment_url(booking.equipment, monday_of(booking.starts_at)))
