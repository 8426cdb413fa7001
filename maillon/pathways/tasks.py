"""Scheduled work of the care pathways (ids only in task arguments)."""

from django.utils import timezone
from django_tasks import task


@task()
def purge_closed_inclusions() -> int:
    """Nightly: delete the inclusions closed longer than MAILLON_PATHWAYS_RETENTION_DAYS ago."""
    from .purge import purge_closed

    return purge_closed(now=timezone.now())
