"""Per-account lockout after repeated failures (wrong password or wrong code).

Failures are counted from the audit journal, which every failure is written to
anyway: the count is shared by all server processes and needs no new table.
"""

import datetime

from django.utils import timezone

from maillon.core import journal
from maillon.core.models import JournalEntry

MAX_FAILURES = 5
WINDOW_MINUTES = 15
WINDOW = datetime.timedelta(minutes=WINDOW_MINUTES)


def record_failure(user, *, note):
    """Journal a failed attempt; `user` is None when the address matches no account."""
    if user is None:
        journal.record(journal.Action.LOGIN_FAILED, object_type="core.User", note=note)
    else:
        journal.record(journal.Action.LOGIN_FAILED, user, note=note)


def recent_failures(user) -> int:
    since = timezone.now() - WINDOW
    if user.last_login and user.last_login > since:
        since = user.last_login
    return JournalEntry.objects.filter(
        action=journal.Action.LOGIN_FAILED,
        object_type=user._meta.label,
        object_id=str(user.pk),
        at__gte=since,
    ).count()


def is_locked(user) -> bool:
    return recent_failures(user) >= MAX_FAILURES
