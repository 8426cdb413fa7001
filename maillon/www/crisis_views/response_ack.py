"""The acknowledgement link of an alert: the member answers without logging in.

The signed token is the only proof (tokens.py). A forged, replayed, expired or closed
link gets one plain French page and records nothing. A GET changes nothing.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from maillon.core import journal
from maillon.crisis_response import services
from maillon.crisis_response.tokens import LinkError, recipient_of

from .. import throttled
from ..space import allow
from ..toolkit.navigation import breadcrumb
from . import page
from .response_forms import AckForm


@page("accuse/<str:token>/")
@never_cache
@allow("GET", "POST", check=None)
def crisis_response_ack(request, token):
    if (refused := throttled.refused_post(request, "crisis_response_ack", link=True)) is not None:
        return refused
    context = {"title": "Répondre à une alerte", "breadcrumb_data": breadcrumb("Répondre à une alerte")}
    try:
        recipient = recipient_of(token)
    except LinkError as error:
        context["reason"] = str(error)
        return render(request, "crisis/response_ack_invalid.html", context, status=404)
    form = AckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.acknowledge(
                recipient, answer=data["answer"], available_from=data.get("available_from"), skills=data["skills"]
            )
        except ValidationError:  # answered meanwhile (a double click): the same page as a replay
            context["reason"] = "Vous avez déjà répondu à cette alerte : ce lien ne sert qu'une fois."
            return render(request, "crisis/response_ack_invalid.html", context, status=404)
        context.update({"recipient": recipient, "crisis": recipient.crisis})
        return render(request, "crisis/response_ack_done.html", context)
    journal.record(
        journal.Action.READ,
        recipient,
        fields=["crisis"],
        cpts_id=recipient.crisis.cpts_id,
        note="lien d'accusé de réception",
    )
    context.update({"recipient": recipient, "crisis": recipient.crisis, "form": form})
    return render(request, "crisis/response_ack.html", context)
