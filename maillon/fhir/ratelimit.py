"""Calls per SAS client and minute (`MAILLON_SNP_FHIR_RATE_PER_MINUTE`), counted in the journal.

Every call is journaled anyway (one entry naming the client), so the journal already holds
the count, in the database that every process shares: no cache to configure for several
workers, and a sliding window, not a fixed one. Refused calls (429) are journaled with a
note that keeps them out of the count, so a client that waits `Retry-After` gets through.
Two calls racing at the limit may both pass: one extra call, never a lockout.
"""

import datetime
import math

from django.conf import settings
from django.utils import timezone

from maillon.core import journal
from maillon.core.models import JournalEntry
from maillon.snp.models import SasClient

WINDOW = datetime.timedelta(minutes=1)
RATE_LIMITED_NOTE = "FHIR Slot : refusé, limite de débit"


def calls_in_window(client: SasClient, now: datetime.datetime):
    # actor_id and at are indexed: the scan stays within the client's entries of the minute.
    return (
        JournalEntry.objects.filter(
            actor_id=client.user_id,
            at__gte=now - WINDOW,
            action=journal.Action.READ,
            object_type=journal.object_type_of(client),
            object_id=str(client.pk),
        )
        .exclude(note__startswith=RATE_LIMITED_NOTE)
        .order_by("at")
    )


def limit() -> int:
    return settings.MAILLON_SNP_FHIR_RATE_PER_MINUTE


def retry_after(client: SasClient, now: datetime.datetime | None = None) -> int | None:
    """None when the client may call now; else the seconds until the oldest counted call
    of the window leaves it."""
    now = now or timezone.now()
    calls = calls_in_window(client, now)
    if calls.count() < limit():
        return None
    oldest = calls.values_list("at", flat=True)[0]
    return max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
