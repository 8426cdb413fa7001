"""Scheduled work of the support mission (ids only in task arguments)."""

from django.utils import timezone
from django_tasks import task


@task()
def purge_people() -> int:
    """Nightly: delete the applications past their retention, erase old occupants' names."""
    from .purge import purge

    return purge(now=timezone.now())
