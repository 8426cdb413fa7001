"""The one-click link of a space's e-mails: « stop telling me about this space ». A GET shows
what the link does and asks; a POST sets the person's level in the space to « none ». The POST
needs no CSRF token: mail clients send it so (RFC 8058, one click), the proof is the token's
signature (`discussions.notifications.unsubscribe_token`), and a GET changes nothing. An
unknown or altered token answers 404."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from maillon.discussions.models import NotifyLevel
from maillon.discussions.notifications import participant_of_token, unsubscribe

from .. import throttled
from ..space import allow
from ..toolkit.navigation import breadcrumb
from . import page

TITLE = "Ne plus recevoir les messages d'un espace de discussion"


@page("desabonnement/<str:token>/")
@csrf_exempt
@never_cache
@allow("GET", "HEAD", "POST", check=None)
def discussions_unsubscribe(request, token):
    if (refused := throttled.refused_post(request, "discussions_unsubscribe", link=True)) is not None:
        return refused
    context = {"title": TITLE, "breadcrumb_data": breadcrumb("Désabonnement")}
    participant = participant_of_token(token)
    if participant is None:
        context["state"] = "invalid"
        return render(request, "organisations/public/unsubscribe.html", context, status=404)
    context["space"] = participant.space
    if request.method == "POST":
        context["state"] = "done" if unsubscribe(participant) else "already"
    else:
        context["state"] = "already" if participant.notify == NotifyLevel.NONE else "confirm"
    return render(request, "organisations/public/unsubscribe.html", context)
