"""« Mes créneaux SNP »: a member publishes slots (one, a weekly series, an .ics file),
sees and cancels them, chooses what is shared with the SAS, and gets the .ics feed of
their bookings; the coordinator sees every slot of the CPTS and opens professions to SNP.

Who (`maillon.snp.policies`): a member of an open profession with an active adhesion
publishes; the coordinator reads every slot and may cancel one (a member who left, an
absence), but never changes what a member shares with the SAS (403). Others in the CPTS get
the page saying who it is for; no role in the CPTS gets 404, and so does a slot or series the
user may not see.
"""

import datetime
from functools import partial, wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import Cpts
from maillon.core.policies import ensure_allowed, ensure_visible
from maillon.core.time import paris
from maillon.snp import policies
from maillon.snp import slots as services
from maillon.snp.models import Agenda, Slot, SlotSeries, SlotStatus

from ..space import allow, posted_id, save_form, space_breadcrumb, visible_if
from ..toolkit.links import space_link
from . import page
from .slot_forms import AgendaSharingForm, ExceptionsForm, IcsImportForm, SeriesForm, SlotForm, SnpSetupForm

MEMBER_CHOICE = "Le partage avec le SAS est le choix du membre : lui seul le change."
WINDOW_DAYS = 14
LIST_LIMIT = 600
slots_link = space_link("Mes créneaux SNP", "snp_slots")


def base_context(request, section: str, title: str, *, nested=True) -> dict:
    cpts = request.cpts
    links = (slots_link(cpts),) if nested else ()
    return {
        "cpts": cpts,
        "section": section,
        "coordinator": policies.can_see_all_slots(request.user, cpts),
        "publisher": services.publisher(request.user, cpts),
        "open_professions": sorted(services.open_professions(cpts)),
        "title": f"{title} — {cpts.name}",
        "breadcrumb_data": space_breadcrumb(cpts, title, *links),
    }


def places_of(professional):
    return list(professional.practice_places.select_related("commune")) if professional else []


def agenda_for(request, professional, place) -> Agenda:
    return services.ensure_agenda(request.cpts, professional, place)


def require_slots(request):
    """« Mes créneaux SNP »: a role in the CPTS, else 404 as for a missing CPTS."""
    ensure_visible(policies.can_use_slots(request.user, request.cpts))


def visible_slot_or_404(request, pk) -> Slot:
    """A slot of this CPTS: its member's, or any for the coordinator."""
    require_slots(request)
    slot = Slot.objects.for_cpts(request.cpts).select_related("professional", "commune").filter(pk=pk).first()
    ensure_visible(slot is not None and policies.can_see_slot(request.user, slot))
    return slot


# --- The list ----------------------------------------------------------------------------


def window_start(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("du", ""))
    except ValueError:
        return timezone.localdate()


def grouped_by_day(rows):
    days = {}
    for slot in rows:
        days.setdefault(timezone.localdate(slot.start), []).append(slot)
    return list(days.items())


@page("snp/creneaux/")
def snp_slots(request, cpts_slug):
    """The member's slots (or, for the coordinator with ?tous=1, the CPTS's) two weeks at a time."""
    require_slots(request)
    context = base_context(request, "list", "Mes créneaux SNP", nested=False)
    everyone = context["coordinator"] and request.GET.get("tous") == "1"
    professional = context["publisher"] or getattr(request.user, "professional", None)
    first = window_start(request)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time(0)))
    end = start + datetime.timedelta(days=WINDOW_DAYS)
    rows = policies.visible_slots(request.user, request.cpts).filter(start__gte=start, start__lt=end)
    if not everyone:
        rows = rows.filter(professional=professional) if professional else rows.none()
    rows = rows.select_related("professional", "commune", "series").order_by("start", "pk")[:LIST_LIMIT]
    context.update(
        {
            "everyone": everyone,
            "days": grouped_by_day(rows),
            "first": first,
            "last": first + datetime.timedelta(days=WINDOW_DAYS - 1),
            "previous": (first - datetime.timedelta(days=WINDOW_DAYS)).isoformat(),
            "next": (first + datetime.timedelta(days=WINDOW_DAYS)).isoformat(),
            "series": SlotSeries.objects.filter(agenda__cpts=request.cpts, agenda__professional=professional)
            .select_related("agenda__practice_place__commune")
            .order_by("-pk")[:20]
            if professional
            else [],
        }
    )
    return render(request, "snp/slots_list.html", context)


# --- Publishing --------------------------------------------------------------------------


def publish_form(request, professional, form, write) -> str:
    """Publish a valid form in the agenda of its practice place, shared as it says; the success message."""
    data = form.cleaned_data
    agenda = agenda_for(request, professional, data["practice_place"])
    return write(agenda, data, audience=data["audience"], shared_with_sas=data["shared_with_sas"])


@allow("GET", "POST", check=require_slots)
def publishing_page(request, form_class, section, title, template, write):
    """GET/POST of a publishing form: `write(agenda, data, **sharing)` saves and returns the success message."""
    context = base_context(request, section, title)
    professional = context["publisher"]
    if professional is None:
        return render(request, template, context)
    form = form_class(request.POST or None, request.FILES or None, places=places_of(professional))
    publish = partial(publish_form, request, professional, form, write)
    if request.method == "POST" and not request.cpts.is_dissolved and save_form(request, form, publish, str):
        return redirect("snp_slots", request.cpts.slug)
    context["form"] = form
    return render(request, template, context)


def publishing(form_class, section, title, template):
    """The page of a publishing form (`publishing_page`): the decorated function is its `write`."""

    def page_of(write):
        @wraps(write)
        def view(request, cpts_slug):
            return publishing_page(request, form_class, section, title, template, write)

        return view

    return page_of


def aware(date, time):
    """In UTC, so adding the duration counts real minutes across a DST change."""
    return paris(datetime.datetime.combine(date, time)).astimezone(datetime.UTC)


@page("snp/creneaux/nouveau/")
@publishing(SlotForm, "new", "Publier un créneau", "snp/slots_new.html")
def snp_slot_new(agenda, data, **sharing):
    start = aware(data["date"], data["start_time"])
    end = start + datetime.timedelta(minutes=data["duration_minutes"])
    slot = services.publish_slot(agenda, start=start, end=end, **sharing)
    shared = "partagé avec le SAS" if slot.shared_with_sas else "non partagé avec le SAS"
    return f"Créneau publié le {services.fr_datetime(slot.start)} ({shared})."


@page("snp/creneaux/recurrence/")
@publishing(SeriesForm, "series", "Publier une récurrence", "snp/slots_series_new.html")
def snp_slot_series_new(agenda, data, **sharing):
    series = services.create_series(
        agenda,
        weekdays=data["weekdays"],
        start_time=data["start_time"],
        duration_minutes=data["duration_minutes"],
        count_per_day=data["count_per_day"],
        first_date=data["first_date"],
        last_date=data["last_date"],
        exceptions=data["exceptions"],
        **sharing,
    )
    count = series.slots.count()
    return f"Récurrence enregistrée : {count} créneau{'x' if count > 1 else ''} publié{'s' if count > 1 else ''}."


@page("snp/creneaux/import-ics/")
@publishing(IcsImportForm, "import", "Importer un agenda (.ics)", "snp/slots_import.html")
def snp_slot_import(agenda, data, **sharing):
    summary = services.import_ics(agenda, data["file"].read(), **sharing)
    return (
        f"Import terminé : {summary.created} créneau(x) créé(s), {summary.updated} mis à jour, "
        f"{summary.unchanged} inchangé(s), {summary.cancelled} annulé(s) car retiré(s) du fichier."
    )


def exceptions_message(change) -> str:
    return (
        f"Exceptions enregistrées : {change.cancelled} créneau(x) annulé(s), {change.restored} remis ; "
        f"{change.kept_booked} créneau(x) réservé(s) restent à annuler un par un s'il le faut."
    )


@page("snp/creneaux/recurrences/<int:pk>/")
@allow("GET", "POST", check=require_slots)
def snp_slot_series(request, cpts_slug, pk):
    """A series and its exception dates (the member edits them; the coordinator reads)."""
    series = (
        SlotSeries.objects.filter(agenda__cpts=request.cpts, pk=pk)
        .select_related("agenda__professional", "agenda__practice_place__commune")
        .first()
    )
    ensure_visible(series is not None and policies.can_see_series(request.user, series))
    owner = policies.can_edit_series(request.user, series)
    if request.method == "POST":
        ensure_allowed(owner, "Seul le membre change les exceptions de sa récurrence.")
    context = base_context(request, "list", str(series))
    initial = {
        "exceptions": ", ".join(datetime.date.fromisoformat(day).strftime("%d/%m/%Y") for day in series.exceptions)
    }
    form = ExceptionsForm(request.POST or None, initial=initial) if owner else None
    posted = form is not None and request.method == "POST" and not request.cpts.is_dissolved
    if posted and save_form(
        request, form, lambda: services.set_exceptions(series, form.cleaned_data["exceptions"]), exceptions_message
    ):
        return redirect("snp_slot_series", request.cpts.slug, series.pk)
    context.update(
        {
            "series_obj": series,
            "form": form,
            "weekday_names": [services.WEEKDAY_NAMES[day] for day in series.weekdays],
            "counts": {status.label: series.slots.filter(status=status).count() for status in SlotStatus},
        }
    )
    return render(request, "snp/slots_series.html", context)


# --- Cancelling and sharing one slot -----------------------------------------------------


@page("snp/creneaux/<int:pk>/annuler/")
def snp_slot_cancel(request, cpts_slug, pk):
    """GET: the confirmation; POST: the cancellation (and its booking's, with an e-mail)."""
    slot = visible_slot_or_404(request, pk)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    context = base_context(request, "list", f"Annuler le créneau n° {slot.pk}")
    context["slot"] = slot
    if request.method == "POST" and not request.cpts.is_dissolved:
        try:
            booking = services.cancel_slot(slot, by=request.user)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            text = f"Créneau du {services.fr_datetime(slot.start)} annulé."
            if booking is not None:
                text += f" Le rendez-vous n° {booking.pk} est annulé et son demandeur prévenu par courriel."
            messages.success(request, text)
            return redirect("snp_slots", request.cpts.slug)
    return render(request, "snp/slots_cancel.html", context)


@page("snp/creneaux/<int:pk>/partage/")
def snp_slot_sharing(request, cpts_slug, pk):
    """The member shares one slot with the SAS, or stops: only they decide (not the coordinator)."""
    slot = visible_slot_or_404(request, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ensure_allowed(policies.can_share_slot(request.user, slot), MEMBER_CHOICE)
    if not request.cpts.is_dissolved:
        try:
            services.set_slot_sharing(slot, request.POST.get("shared") == "1")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            state = "partagé avec le SAS" if slot.shared_with_sas else "n'est plus partagé avec le SAS"
            messages.success(request, f"Le créneau du {services.fr_datetime(slot.start)} {state}.")
    return redirect(f"{reverse('snp_slots', args=[request.cpts.slug])}?du={timezone.localdate(slot.start).isoformat()}")


# --- Agendas: SAS sharing default and the bookings feed -------------------------------


def feed_url(request, agenda) -> str:
    return request.build_absolute_uri(reverse("snp_slots_feed", args=[request.cpts.slug, agenda.feed_token]))


@page("snp/agendas/")
@allow("GET", "POST", check=require_slots)
def snp_slot_agendas(request, cpts_slug):
    """The member's agendas: the SAS sharing default, the feed address and its renewal."""
    context = base_context(request, "agendas", "Mes agendas SNP")
    professional = context["publisher"] or getattr(request.user, "professional", None)
    agendas = (
        list(
            policies.visible_agendas(request.user, request.cpts)
            .filter(professional=professional)
            .select_related("practice_place__commune")
        )
        if professional
        else []
    )
    if request.method == "POST" and not request.cpts.is_dissolved:
        agenda = next((agenda for agenda in agendas if agenda.pk == posted_id(request.POST.get("agenda"))), None)
        if agenda is None:
            raise Http404
        if request.POST.get("action") == "regenerate":
            services.regenerate_feed_token(agenda)
            messages.success(request, "Nouvelle adresse du flux : l'ancienne ne fonctionne plus.")
            return redirect("snp_slot_agendas", request.cpts.slug)
        form = AgendaSharingForm(request.POST)
        if form.is_valid():
            changed = services.set_agenda_sharing(
                agenda,
                form.cleaned_data["shares_with_sas"],
                apply_to_free_slots=form.cleaned_data["apply_to_free_slots"],
            )
            state = "partagés" if agenda.shares_with_sas else "non partagés"
            messages.success(
                request,
                f"Vos nouveaux créneaux à {agenda.practice_place.commune.name} seront {state} avec le SAS"
                f"{f' ; {changed} créneau(x) libre(s) modifié(s)' if changed else ''}.",
            )
            return redirect("snp_slot_agendas", request.cpts.slug)
    context["agendas"] = [
        (
            agenda,
            AgendaSharingForm(initial={"shares_with_sas": agenda.shares_with_sas}),
            feed_url(request, agenda),
        )
        for agenda in agendas
    ]
    return render(request, "snp/slots_agendas.html", context)


@page("snp/flux/<str:token>.ics")
def snp_slots_feed(request, cpts_slug, token):
    """The .ics feed of a member's bookings, reached by its secret address (no login)."""
    cpts = Cpts.objects.filter(slug=cpts_slug).first()
    agenda = (
        Agenda.objects.filter(cpts=cpts, feed_token=token).select_related("cpts").first()
        if cpts and len(token) <= 64
        else None
    )
    if agenda is None:
        raise Http404
    response = HttpResponse(services.bookings_feed(agenda), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rendez-vous-snp.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- The coordinator's setup -----------------------------------------------------------------


@page("snp/professions/")
@allow("GET", "POST", check=visible_if(policies.can_set_up_snp))
def snp_slot_setup(request, cpts_slug):
    """The professions whose members publish SNP slots (médecins always)."""
    context = base_context(request, "setup", "Professions ouvertes aux SNP")
    form = SnpSetupForm(request.POST or None, initial={"professions": sorted(services.open_professions(request.cpts))})
    if request.method == "POST" and not request.cpts.is_dissolved and form.is_valid():
        setup = services.set_open_professions(request.cpts, form.cleaned_data["professions"], by=request.user)
        messages.success(request, f"{len(setup.professions)} profession(s) ouverte(s) aux soins non programmés.")
        return redirect("snp_slot_setup", request.cpts.slug)
    context["form"] = form
    return render(request, "snp/slots_setup.html", context)
