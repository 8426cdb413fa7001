"""Attempts at a public form counted per client address: « public registration throttled per
address » (`MAILLON_PUBLIC_FORM_RATE_PER_HOUR` attempts per address and hour, per form).

Counted in the database, which every worker shares: no cache to configure for several
gunicorn workers (as `maillon/fhir/ratelimit.py` counts in the journal), and a sliding hour,
not a fixed one. The address is personal data: a row keeps only its HMAC-SHA256 keyed with
SECRET_KEY (no rainbow table of the IPv4 space without the key), and rows older than a day are
deleted as attempts come (no task to schedule).

The address is REMOTE_ADDR. Behind the reverse proxy of production (`DJANGO_BEHIND_PROXY`,
which sets SECURE_PROXY_SSL_HEADER), REMOTE_ADDR is the proxy's own: the client is then the
last address of X-Forwarded-For, the one the proxy appended (`proxy_add_x_forwarded_for`);
the entries before it are the client's to forge and are ignored. Without that setting the
header is never read.

An IPv6 address counts by its /64 (one client's whole network). Two attempts racing at the
limit may both pass: one extra attempt, never a lockout.

The same rows count the failures of the login and of the second factor
(`www/accounts_views/lockout.py`: per address, per account and address, per account) and the
reset e-mails (one per address and window): `count`, `record`, `oldest`, `latest`, `clear`
read and write them by scope and key, with any window up to a day (`KEEP`); and the refused
API and FHIR tokens per address (`token_failures.py`).
"""

import datetime
import hashlib
import hmac
import ipaddress
import math

from django.conf import settings
from django.utils import timezone

from .models import ThrottleAttempt

WINDOW = datetime.timedelta(hours=1)
KEEP = datetime.timedelta(days=1)


def client_address(request) -> str:
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def network_of(address: str) -> str:
    """An IPv6 client holds a whole /64: it is counted as one address."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def digest(key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


def limit() -> int:
    return limit_setting()


def allow(request, scope: str, *, now: datetime.datetime | None = None) -> bool:
    """Whether this address may try `scope` now; an allowed attempt is counted, a refused one
    is not (whoever waits gets through again once the hour has moved on)."""
    return allow_key(scope, network_of(client_address(request)), now=now)


def allow_link(request, scope: str, *, now: datetime.datetime | None = None) -> bool:
    """`allow` for a POST whose credential is a signed link (an acknowledgement, a withdrawal, an
    unsubscription): the same count with a higher ceiling (`MAILLON_PUBLIC_LINK_RATE_PER_HOUR`),
    since many people behind one address (a hospital, a provider) each answer their own link."""
    return allow_key(scope, address_key(request), limit=settings.MAILLON_PUBLIC_LINK_RATE_PER_HOUR, now=now)


def allow_key(
    scope: str,
    key: str,
    *,
    limit: int | None = None,
    window: datetime.timedelta = WINDOW,
    now: datetime.datetime | None = None,
) -> bool:
    """The same count for any key (an address, a session and an e-mail…), kept as its digest;
    `limit` attempts per `window` (the setting and an hour by default)."""
    now = now or timezone.now()
    if count(scope, key, window=window, now=now) >= (limit if limit is not None else limit_setting()):
        return False
    record(scope, key, now=now)
    return True


def limit_setting() -> int:
    return settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR


def address_key(request) -> str:
    """The key of the request's client: its address, an IPv6 one by its /64."""
    return network_of(client_address(request))


def _recent(scope: str, key: str, *, window: datetime.timedelta, now: datetime.datetime):
    return ThrottleAttempt.objects.filter(scope=scope, key_digest=digest(key), at__gte=now - window, at__lte=now)


def count(scope: str, key: str, *, window: datetime.timedelta = WINDOW, now: datetime.datetime | None = None) -> int:
    """Attempts of `key` at `scope` in the `window` before `now` (at most a day: older rows go)."""
    return _recent(scope, key, window=window, now=now or timezone.now()).count()


def oldest(scope: str, key: str, *, window: datetime.timedelta = WINDOW, now: datetime.datetime | None = None):
    """When the oldest attempt still counted was made (None without any)."""
    return (
        _recent(scope, key, window=window, now=now or timezone.now())
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )


def wait(
    scope: str, key: str, limit: int, *, window: datetime.timedelta = WINDOW, now: datetime.datetime | None = None
) -> datetime.timedelta | None:
    """None while `key` has fewer than `limit` attempts at `scope` in the window; else how long
    until its oldest counted attempt leaves it (a second at least)."""
    now = now or timezone.now()
    if count(scope, key, window=window, now=now) < limit:
        return None
    return max(oldest(scope, key, window=window, now=now) + window - now, datetime.timedelta(seconds=1))


def latest(scope: str, key: str, *, window: datetime.timedelta = WINDOW, now: datetime.datetime | None = None):
    """When the latest attempt counted was made (None without any)."""
    return (
        _recent(scope, key, window=window, now=now or timezone.now())
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def record(scope: str, key: str, *, now: datetime.datetime | None = None) -> None:
    """Count one attempt of `key` at `scope`; rows older than a day are deleted on the way."""
    now = now or timezone.now()
    ThrottleAttempt.objects.filter(at__lt=now - KEEP).delete()
    ThrottleAttempt.objects.create(scope=scope, key_digest=digest(key), at=now)


def readable_wait(wait: datetime.timedelta) -> str:
    """« 4 minutes », « 1 minute », « 30 secondes » (rounded up: never « 0 »)."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def clear(scope: str, key: str) -> None:
    """Forget the attempts of `key` at `scope` (e.g. an account and address after a login)."""
    ThrottleAttempt.objects.filter(scope=scope, key_digest=digest(key)).delete()
