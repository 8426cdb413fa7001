"""`POST /sms/inbound`: a patient's reply to an SMS reminder, posted by the SMS provider.

Provider-neutral: a small JSON or form body `{"from": "+33612345678", "text": "STOP"}`, signed
with the shared secret `MAILLON_SMS_INBOUND_SECRET` — the header `X-Maillon-Signature:
sha256=<hex HMAC-SHA256 of the raw body>` (a provider's own format goes through a small
adapter in front). No secret set: everything is refused. A text whose first word is STOP,
ARRET or ARRÊT stops the reminders of every active inclusion with that number; any other text
changes nothing. Answers `{"stopped": N}`; 403 for a bad signature, 400 for a bad body, 413 for
a body over 4 KB. Nothing of the body (the number, the text) is logged.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.http import JsonResponse, QueryDict
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from maillon.pathways.reminders import stop_by_sms

from ..space import allow
from . import page

MAX_BYTES = 4096
SIGNATURE_HEADER = "X-Maillon-Signature"


def refusal(status: int, error: str) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)


def signed(body: bytes, header: str) -> bool:
    secret = settings.MAILLON_SMS_INBOUND_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def reply_of(request) -> tuple[str, str] | None:
    """(sender, text) of the body, JSON or form; None when it is not one."""
    try:
        if request.content_type == "application/json":
            data = json.loads(request.body)
        else:
            data = QueryDict(request.body.decode())
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, (dict, QueryDict)):
        return None
    sender, text = data.get("from"), data.get("text")
    if not isinstance(sender, str) or not isinstance(text, str) or not sender.strip():
        return None
    return sender, text


@page("sms/inbound")
@csrf_exempt
@never_cache
@allow("POST", check=None)
def sms_inbound(request):
    if not settings.MAILLON_SMS_INBOUND_SECRET:
        return refusal(403, "MAILLON_SMS_INBOUND_SECRET : non réglé, aucune réponse n'est acceptée.")
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return refusal(400, "Content-Length : valeur invalide.")
    if length > MAX_BYTES or len(request.body) > MAX_BYTES:
        return refusal(413, f"Corps : {MAX_BYTES} octets au plus.")
    if not signed(request.body, request.headers.get(SIGNATURE_HEADER, "")):
        return refusal(403, f"{SIGNATURE_HEADER} : signature absente ou invalide.")
    reply = reply_of(request)
    if reply is None:
        return refusal(400, 'Corps : attendu {"from": numéro, "text": texte}, en JSON ou en formulaire.')
    return JsonResponse({"stopped": stop_by_sms(*reply)})
