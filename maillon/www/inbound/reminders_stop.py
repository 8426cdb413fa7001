"""Stop the reminders of one's pathway: the public page of the link in every reminder.

GET asks for confirmation (link scanners and prefetchers open links and must stop nothing);
POST stops, from the page's button or the mail client's one-click (RFC 8058). No CSRF token:
mail clients post without one, and the signed token in the URL is the proof. The page shows
the CPTS's name only: never the patient's name, number or address, nor the programme.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from maillon.pathways import reminders

from .. import throttled
from ..space import allow
from ..toolkit.navigation import breadcrumb
from . import page


@page("parcours/rappels/arret/<str:token>/", name="pathways_reminders_stop")
@csrf_exempt
@never_cache
@allow("GET", "HEAD", "POST", check=None)
def reminders_stop(request, token):
    if (refused := throttled.refused_post(request, "pathways_reminders_stop", link=True)) is not None:
        return refused
    context = {"title": "Arrêter les rappels de votre parcours", "breadcrumb_data": breadcrumb("Arrêt des rappels")}
    inclusion = reminders.inclusion_of_stop_token(token)
    if inclusion is None:
        context["state"] = "invalid"
        return render(request, "inbound/reminders_stop.html", context, status=404)
    context["cpts"] = inclusion.cpts
    if request.method == "POST":
        stopped = reminders.stop(type(inclusion).objects.filter(pk=inclusion.pk), how="lien d'arrêt des rappels")
        context["state"] = "done" if stopped else "already"
    else:
        context["state"] = "already" if inclusion.reminders_stopped_on else "confirm"
    return render(request, "inbound/reminders_stop.html", context)
