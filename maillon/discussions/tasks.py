"""Scheduled work of the discussion spaces (ids only in task arguments)."""

from django.utils import timezone
from django_tasks import task


@task()
def send_daily_digests() -> int:
    """Daily: each person who chose a digest for a space gets the messages they have not seen."""
    from .notifications import queue_digests

    return queue_digests(now=timezone.now())


@task()
def purge_refused_signups() -> int:
    """Nightly: erase refused sign-up requests past their retention."""
    from .purge import purge_refused_signups as purge

    return purge(now=timezone.now())
