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
"""

import datetime
import hashlib
import hmac
import ipaddress

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
    return settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR


def allow(request, scope: str, *, now: datetime.datetime | None = None) -> bool:
    """Whether this address may try `scope` now; an allowed attempt is counted, a refused one
    is not (whoever waits gets through again once the hour has moved on)."""
    return allow_key(scope, network_of(client_address(request)), now=now)


def allow_key(scope: str, key: str, *, limit: int | None = None, now: datetime.datetime | None = None) -> bool:
    """The same count for any key (an address, a session and an e-mail…), kept as its digest;
    `limit` attempts an hour (the setting by default)."""
    now = now or timezone.now()
    key_digest = digest(key)
    ThrottleAttempt.objects.filter(at__lt=now - KEEP).delete()
    recent = ThrottleAttempt.objects.filter(scope=scope, key_digest=key_digest, at__gte=now - WINDOW)
    if recent.count() >= (limit if limit is not None else settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR):
        return False
    ThrottleAttempt.objects.create(scope=scope, key_digest=key_digest, at=now)
    return True
