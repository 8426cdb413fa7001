"""Stop receiving the CPTS's messages: public page reached from the link in every message.

GET asks for confirmation (link scanners open links and must not unsubscribe anyone);
POST unsubscribes, from the page's button or from the mail client's one-click
(RFC 8058: `List-Unsubscribe=One-Click` in the body). No CSRF token: mail clients post
without one, and the signed token in the URL is the proof. The page never shows the
address, nor the person's name.
"""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from maillon.members.mailing import membership_of_token, unsubscribe

from ... import throttled
from ...space import allow
from ...toolkit.navigation import breadcrumb
from .. import page


@page("desinscription/<str:token>/")
@csrf_exempt
@never_cache
@allow("GET", "HEAD", "POST", check=None)
def members_unsubscribe(request, cpts_slug, token):
    if (refused := throttled.refused_post(request, "members_unsubscribe", link=True)) is not None:
        return refused
    cpts = request.cpts
    context = {
        "cpts": cpts,
        "title": f"Désinscription des messages de la {cpts.name}",
        "breadcrumb_data": breadcrumb("Désinscription", (cpts.name, reverse("cpts_detail", args=[cpts.slug]))),
    }
    membership = membership_of_token(cpts, token)
    if membership is None:
        context["state"] = "invalid"
        return render(request, "members/mailing/unsubscribe.html", context, status=404)
    if request.method == "POST":
        context["state"] = "done" if unsubscribe(membership) else "already"
    else:
        context["state"] = "already" if membership.unsubscribed_at else "confirm"
    return render(request, "members/mailing/unsubscribe.html", context)
