"""Refused bearer tokens counted per client address, so that tokens cannot be guessed endlessly
from one address (issue 19).

Every `Authorization: Bearer …` that authenticates nothing — unknown, expired, revoked, of the
wrong kind (a FHIR client token on /api/v1/, a personal one on /fhir/), a platform admin's
while those are off — is one failure of the client address (`core.throttle`'s rows: an HMAC of
the address, an IPv6 one by its /64, never the address itself). The REST API
(`api/auth.py`) and the FHIR endpoints (`fhir/auth.py`) share the count: a guessed value is
worth trying on both. Past `MAILLON_API_TOKEN_FAILURES_PER_HOUR` failures over the sliding
hour, every bearer request from that address, a valid token's included, answers 429 with
`Retry-After` until its oldest counted failure is an hour old: checking the token first would
let the guessing go on, each right guess showing as a success. A refused (429) request is not
counted (the wait always ends), and a token that authenticates counts nothing and clears
nothing (a valid token must not buy more guesses).

Many clients behind one address (a hospital's network) share its count: a client that keeps
calling with a dead token (expired, revoked), once a minute, reaches the default of 60 within
the hour and shuts the others' tokens out while it insists; its owner replaces its token, or
the instance raises the limit (docs/operations.md).
"""

import datetime
import math

from django.conf import settings

from . import throttle

SCOPE = "api.token_failure"
REFUSED = "Trop de jetons refusés depuis cette adresse : réessayez dans {wait}."


def limit() -> int:
    return settings.MAILLON_API_TOKEN_FAILURES_PER_HOUR


def retry_after(request, *, now: datetime.datetime | None = None) -> int | None:
    """None while this request's address may present a token; else the seconds (at least 1)
    until its oldest counted failure leaves the hour."""
    wait = throttle.wait(SCOPE, throttle.address_key(request), limit(), now=now)
    return None if wait is None else math.ceil(wait.total_seconds())


def record(request, *, now: datetime.datetime | None = None) -> None:
    """One refused token from this request's address."""
    throttle.record(SCOPE, throttle.address_key(request), now=now)


def refused_message(seconds: int) -> str:
    return REFUSED.format(wait=throttle.readable_wait(datetime.timedelta(seconds=seconds)))
