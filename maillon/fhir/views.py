"""`GET /fhir/Slot`: the SAS's CPTS slot search (flow INT_R04 of the ANS SAS guide).

Order of the checks: the method, the refused tokens of the address (429), the client's token
(401), the format (406), the rate (429), the parameters (400), then the search. Every call of
an authenticated client is journaled once, naming the client and the number of slots sent
(docs/fhir.md).
"""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from maillon.core import journal

from . import params, ratelimit
from .auth import NotAuthenticated, TooManyTokenFailures, sas_client_for, too_many_failures, unauthorized
from .bundle import build_bundle
from .responses import fhir_response, outcome
from .selectors import shared_slots

ACCEPTABLE = {"*/*", "application/*", "application/fhir+json", "application/json+fhir", "application/json", "text/json"}


# Read only: a write never reaches anything, so no CSRF token is asked; other methods get
# a FHIR 405 instead of Django's CSRF page.
@csrf_exempt
def slot_search(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        response = outcome(
            "Méthode non prise en charge : seule la recherche GET [base]/Slot est servie.",
            code="not-supported",
            status=405,
        )
        response["Allow"] = "GET"
        return response
    try:
        client = sas_client_for(request)
    except NotAuthenticated as error:
        return unauthorized(error)
    except TooManyTokenFailures as error:
        return too_many_failures(error)
    if "_format" not in request.GET and not accepts_json(request):  # _format overrides Accept
        note(client, "refusé, format non servi")
        return outcome(
            "En-tête Accept : seul le format JSON (application/fhir+json) est servi.", code="not-supported", status=406
        )
    wait = ratelimit.retry_after(client)
    if wait is not None:
        journal.record(journal.Action.READ, client, actor=client.user, note=ratelimit.RATE_LIMITED_NOTE)
        response = outcome(
            f"Trop d'appels : au plus {ratelimit.limit()} recherches par minute ; réessayez dans {wait} s.",
            code="throttled",
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        search = params.parse(request.GET)
    except params.SearchError as error:
        note(client, "refusé, paramètres invalides")
        return outcome(error.diagnostics, code=error.code, status=error.status)
    slots = list(shared_slots(client.user, search))
    base = request.build_absolute_uri(reverse("fhir_slot")).removesuffix("/Slot")
    bundle = build_bundle(slots, base=base, self_url=request.build_absolute_uri())
    note(client, f"{len(slots)} créneau(x) envoyé(s)")
    return fhir_response(bundle)


def note(client, text: str) -> None:
    journal.record(journal.Action.READ, client, actor=client.user, note=f"FHIR Slot : {text}")


def accepts_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return True
    media_types = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return bool(media_types & ACCEPTABLE)
