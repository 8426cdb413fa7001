"""Public sessions of an action: the coordination creates and changes them
(`services.save_session`), cancels them (everyone registered is told) or says they were held.
The management page shows the seats and, to the coordination and the adherent in charge of
the action only, the registrants and the waiting list in order — each display journaled."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core import journal
from maillon.prevention import services
from maillon.prevention.models import PublicSession, Registration, RegistrationStatus, SessionStatus

from ..space import allow, save_form
from . import page
from .common import (
    action_link,
    action_or_404,
    ensure_allowed,
    ensure_manager,
    is_manager,
    policies,
    reader_breadcrumb,
    require_prevention,
    session_or_404,
)
from .forms import SESSION_FIELDS, NoteForm, SessionForm

SHOWN_FIELDS = ["first_name", "last_name", "email", "phone", "age_band", "sex"]


def session_breadcrumb(request, session, current=None):
    links = [action_link(session.action)]
    if current:
        links.append((session.title, reverse("prevention_session", args=[request.cpts.slug, session.pk])))
    return reader_breadcrumb(request, current or session.title, *links)


def session_page(request, session, *, errors=()):
    cpts, user = request.cpts, request.user
    registrants = policies.can_see_registrants(user, session)
    confirmed, waiting = [], []
    if registrants:
        rows = list(
            policies.visible_registrations(user, session)
            .filter(status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING])
            .order_by("registered_at", "pk")
        )
        confirmed = [row for row in rows if row.status == RegistrationStatus.CONFIRMED]
        waiting = [row for row in rows if row.status == RegistrationStatus.WAITING]
        shown = [row.pk for row in rows if not row.purged]
        if shown:
            journal.record_reads(Registration, shown, SHOWN_FIELDS, cpts_id=cpts.pk, note="inscrits d'une séance")
    manager = is_manager(request)
    scheduled = session.status == SessionStatus.SCHEDULED
    context = {
        "cpts": cpts,
        "session": session,
        "action": session.action,
        "registrants": registrants,
        "confirmed": confirmed,
        "waiting": waiting,
        "manager": manager,
        "can_cancel": manager and scheduled,
        "can_mark_held": manager and scheduled and session.starts_at <= timezone.now(),
        "can_keep_attendance": policies.can_keep_attendance(user, session),
        "note_form": NoteForm(),
        "errors": list(errors),
        "title": f"{session.title} — {cpts.name}",
        "breadcrumb_data": session_breadcrumb(request, session),
    }
    return render(request, "prevention/session.html", context, status=400 if errors else 200)


def session_form_page(request, form, *, action, session=None):
    cpts = request.cpts
    if session is None:
        page_url = reverse("prevention_session_new", args=[cpts.slug, action.pk])
        cancel_url = reverse("prevention_action", args=[cpts.slug, action.pk])
        heading, breadcrumb = "Nouvelle séance", reader_breadcrumb(request, "Nouvelle séance", action_link(action))
    else:
        page_url = reverse("prevention_session_edit", args=[cpts.slug, session.pk])
        cancel_url = reverse("prevention_session", args=[cpts.slug, session.pk])
        heading, breadcrumb = f"Modifier « {session.title} »", session_breadcrumb(request, session, "Modifier")
    context = {
        "cpts": cpts,
        "action": action,
        "session": session,
        "form": form,
        "page_url": page_url,
        "cancel_url": cancel_url,
        "heading": heading,
        "title": f"{heading} — {cpts.name}",
        "breadcrumb_data": breadcrumb,
    }
    return render(request, "prevention/session_form.html", context, status=400 if form.errors else 200)


@page("prevention/actions/<int:pk>/seances/nouvelle/")
@allow("GET", "POST", check=require_prevention)
def prevention_session_new(request, cpts_slug, pk):
    cpts = request.cpts
    action = action_or_404(request, pk)
    ensure_manager(request)
    form = SessionForm(request.POST or None, cpts=cpts)
    created = []

    def write():
        session = PublicSession(cpts=cpts, action=action, **{name: form.cleaned_data[name] for name in SESSION_FIELDS})
        created.append(services.save_session(session, by=request.user))
        return created[0]

    if request.method == "POST" and save_form(request, form, write, "Séance créée."):
        return redirect("prevention_session", cpts_slug=cpts.slug, pk=created[0].pk)
    return session_form_page(request, form, action=action)


@page("prevention/seances/<int:pk>/gestion/")
@allow("GET", check=require_prevention)
def prevention_session(request, cpts_slug, pk):
    return session_page(request, session_or_404(request, pk))


@page("prevention/seances/<int:pk>/modifier/")
@allow("GET", "POST", check=require_prevention)
def prevention_session_edit(request, cpts_slug, pk):
    cpts = request.cpts
    session = session_or_404(request, pk)
    ensure_manager(request)
    ensure_allowed(policies.can_change_session(request.user, session))
    initial = {name: getattr(session, name) for name in SESSION_FIELDS}
    initial["starts_at"] = timezone.localtime(session.starts_at)
    initial["ends_at"] = timezone.localtime(session.ends_at)
    form = SessionForm(request.POST or None, cpts=cpts, initial=initial)

    def write():
        for name in SESSION_FIELDS:
            setattr(session, name, form.cleaned_data[name])
        return services.save_session(session, by=request.user)

    if request.method == "POST" and save_form(request, form, write, "Séance enregistrée."):
        return redirect("prevention_session", cpts_slug=cpts.slug, pk=session.pk)
    return session_form_page(request, form, action=session.action, session=session)


def session_transition(request, pk, act, done):
    session = session_or_404(request, pk)
    ensure_manager(request)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return session_page(request, session, errors=[e for errors in form.errors.values() for e in errors])
    try:
        message = done(act(session, form.cleaned_data["note"]))
    except ValidationError as error:
        return session_page(request, session, errors=error.messages)
    messages.success(request, message)
    return redirect("prevention_session", cpts_slug=request.cpts.slug, pk=session.pk)


@page("prevention/seances/<int:pk>/annuler/")
@allow("POST", check=require_prevention)
def prevention_session_cancel(request, cpts_slug, pk):
    def cancel(session, note):
        return services.cancel_session(session, by=request.user, note=note)

    def done(told):
        return f"Séance annulée ; personnes inscrites ou en attente prévenues : {told}."

    return session_transition(request, pk, cancel, done)


@page("prevention/seances/<int:pk>/tenue/")
@allow("POST", check=require_prevention)
def prevention_session_held(request, cpts_slug, pk):
    def mark_held(session, note):
        session.mark_held(by=request.user, note=note)

    return session_transition(request, pk, mark_held, lambda _: "Séance notée comme tenue.")


@page("prevention/inscriptions/<int:pk>/annuler/")
@allow("POST", check=require_prevention)
def prevention_registration_cancel_by_staff(request, cpts_slug, pk):
    """The coordination (or the adherent in charge) cancels someone's registration; their seat
    goes to the first of the waiting list."""
    cpts = request.cpts
    registration = get_object_or_404(
        Registration.objects.for_cpts(cpts).select_related("session__action__owner__professional"), pk=pk
    )
    session = registration.session
    ensure_allowed(policies.can_see_registrants(request.user, session))
    try:
        promoted = services.cancel_registration(registration, by=request.user, note="Annulée par la CPTS")
    except ValidationError as error:
        return session_page(request, session_or_404(request, session.pk), errors=error.messages)
    said = "Inscription annulée."
    if promoted is not None:
        said += " La première personne de la liste d'attente a pris la place ; elle est prévenue."
    messages.success(request, said)
    return redirect("prevention_session", cpts_slug=cpts.slug, pk=session.pk)
