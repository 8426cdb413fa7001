"""The public pages of a CPTS's prevention sessions, without login: the session's page (its
registration form), its .ics, and the public materials of its action.

- Published sessions of a CPTS that is not dissolved only (`policies.public_sessions`); a
  cancelled one answers 404 as a missing one.
- Registering is throttled per address (`core.throttle`, 429 with nothing written); a robot
  (the trap field) gets the answer people get, and nothing is written.
- After the POST the same page says « check your e-mail » (`?inscrit=1`): the same words for a
  seat, the waiting list or an address already registered (the service writes to it again), so
  the page tells nobody who is registered; nothing personal in the URL. The online link of a
  webinar is in the messages only.
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core import throttle
from maillon.prevention import notifications, policies, services
from maillon.prevention.models import MATERIAL_CONTENT_TYPES, Material, MaterialVersion, SessionStatus

from ..space import add_errors, allow
from ..spreadsheets import stored_file
from ..toolkit.navigation import breadcrumb
from . import page
from .public_forms import RegistrationForm

SENT_PARAMETER = "inscrit"
THROTTLE_SCOPE = "prevention_registration"
THROTTLED = (
    "Trop d'inscriptions ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure, ou contactez la CPTS."
)


def find_session(request, pk):
    """A published, not cancelled session of request.cpts (404 otherwise, as a missing one)."""
    sessions = policies.public_sessions(request.cpts).exclude(status=SessionStatus.CANCELLED)
    return get_object_or_404(sessions.select_related("action", "commune"), pk=pk)


def public_materials(action):
    """The action's public materials that have a file to download."""
    return (
        policies.public_materials(action)
        .filter(Exists(MaterialVersion.objects.filter(material=OuterRef("pk"))))
        .order_by("title", "pk")
    )


def session_state(session) -> str:
    """open | full | over | begun | walk_in (no registration: come freely)."""
    now = timezone.now()
    if session.status == SessionStatus.HELD or session.ends_at <= now:
        return "over"
    if session.starts_at <= now:
        return "begun"
    if not session.takes_registrations:
        return "walk_in"
    return "open" if session.seats_left else "full"


@page("prevention/seances/<int:pk>/")
@allow("GET", "POST", check=None)
def prevention_session_public(request, cpts_slug, pk):
    cpts = request.cpts
    session = find_session(request, pk)
    page_url = reverse("prevention_session_public", args=[cpts.slug, session.pk])
    state = session_state(session)
    form = None
    status = 200
    if session.is_open and request.GET.get(SENT_PARAMETER) != "1":
        form = RegistrationForm(request.POST or None, cpts=cpts)
        if request.method == "POST":
            if not throttle.allow(request, THROTTLE_SCOPE):
                form.is_valid()  # the person's answers stay in the form; nothing is written
                form.add_error(None, THROTTLED)
                status = 429
            elif form.is_spam():  # the answer people get, nothing written
                return redirect(f"{page_url}?{SENT_PARAMETER}=1")
            elif form.is_valid():
                try:
                    services.register(session, **form.registrant())
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    return redirect(f"{page_url}?{SENT_PARAMETER}=1")
    context = {
        "cpts": cpts,
        "session": session,
        "action": session.action,
        "state": state,
        "sent": request.GET.get(SENT_PARAMETER) == "1",
        "form": form,
        "page_url": page_url,
        "where": notifications.where(session),
        "materials": public_materials(session.action),
        "title": f"{session.title} — {cpts.name}",
        "breadcrumb_data": breadcrumb(session.title, (cpts.name, reverse("cpts_detail", args=[cpts.slug]))),
    }
    return render(request, "prevention/public/session.html", context, status=status)


@page("prevention/seances/<int:pk>/agenda.ics")
@allow("GET", check=None)
def prevention_session_ics(request, cpts_slug, pk):
    session = find_session(request, pk)
    response = HttpResponse(notifications.session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="seance.ics"'
    return response


@page("prevention/supports/<int:pk>/telecharger/")
@allow("GET", check=None)
def prevention_material_public(request, cpts_slug, pk):
    """The latest version of a public material of the CPTS, as an attachment."""
    cpts = request.cpts
    if cpts.is_dissolved:
        raise Http404
    material = get_object_or_404(Material.objects.for_cpts(cpts).filter(public=True), pk=pk)
    version = material.versions.order_by("-number").first()
    if version is None:
        raise Http404
    content_type = MATERIAL_CONTENT_TYPES.get(version.extension, "application/octet-stream")
    return stored_file(version.file, version.download_name, content_type)
