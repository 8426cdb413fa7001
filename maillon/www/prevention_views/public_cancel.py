"""A registrant cancels through the secret link of their messages, without an account: a GET
shows the session and asks, a POST cancels (the seat goes to the first person waiting).

An unknown token answers 404; a registration already cancelled (by the person, or with its
session), purged, or whose session has begun answers a plain French page and changes nothing.
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from maillon.core import journal
from maillon.core.workflows import TransitionNotAllowed
from maillon.prevention import notifications, services
from maillon.prevention.models import Registration, RegistrationStatus, SessionStatus

from .. import throttled
from ..space import allow
from ..toolkit.navigation import breadcrumb
from . import page

TITLE = "Annuler une inscription"


def closed_reason(registration) -> str:
    """Why this link cancels nothing now; empty when it may."""
    session = registration.session
    if registration.purged:
        return (
            "La séance est passée et les données de cette inscription ont été effacées : il n'y a plus rien à annuler."
        )
    if session.status == SessionStatus.CANCELLED:
        return "La séance a été annulée par la CPTS : votre inscription l'est aussi, vous n'avez rien à faire."
    if registration.status == RegistrationStatus.CANCELLED:
        return "Cette inscription est déjà annulée : vous n'avez rien à faire."
    if session.status == SessionStatus.HELD or session.starts_at <= timezone.now():
        return "La séance a commencé ou a eu lieu : l'inscription ne peut plus être annulée."
    return ""


@page("inscription/<str:token>/annuler/")
@never_cache
@allow("GET", "POST", check=None)
def prevention_registration_cancel(request, token):
    if (refused := throttled.refused_post(request, "prevention_registration_cancel", link=True)) is not None:
        return refused
    context = {"title": TITLE, "breadcrumb_data": breadcrumb(TITLE)}
    registration = (
        Registration.objects.select_related("session__cpts", "session__commune").filter(token=token).first()
        if token
        else None
    )
    if registration is None:
        return render(request, "prevention/public/cancel_invalid.html", context, status=404)
    session = registration.session
    context.update({"session": session, "cpts": session.cpts, "where": notifications.where(session)})
    reason = closed_reason(registration)
    if not reason and request.method == "POST":
        try:
            services.cancel_registration(registration, note="Annulée par la personne (lien de son message)")
        except TransitionNotAllowed:  # cancelled meanwhile (a double click)
            reason = "Cette inscription est déjà annulée : vous n'avez rien à faire."
        else:
            return render(request, "prevention/public/cancel_done.html", context)
    if reason:
        context["reason"] = reason
        return render(request, "prevention/public/cancel_closed.html", context)
    journal.record(
        journal.Action.READ,
        registration,
        fields=["status"],
        cpts_id=session.cpts_id,
        note="lien d'annulation de l'inscription",
    )
    context["waiting"] = registration.status == RegistrationStatus.WAITING
    return render(request, "prevention/public/cancel.html", context)
