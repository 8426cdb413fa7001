"""Scheduled work of the prevention mission (ids only in task arguments)."""

from django.utils import timezone
from django_tasks import task


@task()
def queue_session_reminders() -> int:
    """Daily: the registrants of tomorrow's sessions get their reminder (once per session)."""
    from .notifications import queue_reminders

    return queue_reminders(now=timezone.now())


@task()
def purge_registrants() -> int:
    """Nightly: erase the registrants' names and addresses of sessions past their retention."""
    from .purge import purge_past_sessions

    return purge_past_sessions(now=timezone.now())
