"""Scheduled work of the care pathways (ids only in task arguments)."""

from django.utils import timezone
from django_tasks import task

from maillon.core.notifications import sending


@task()
def purge_closed_inclusions() -> int:
    """Nightly: delete the inclusions closed longer than MAILLON_PATHWAYS_RETENTION_DAYS ago."""
    from .purge import purge_closed

    return purge_closed(now=timezone.now())


@task()
def scan_all_breaks() -> int:
    """Daily: one `scan_breaks` task per CPTS with active inclusions (each CPTS's scan is its
    own task: a slow or failing one does not hold the others). Returns how many were queued."""
    from .models import Inclusion

    cpts_ids = sorted(set(Inclusion.objects.active().values_list("cpts_id", flat=True)))
    for cpts_id in cpts_ids:
        scan_breaks.enqueue(cpts_id)
    return len(cpts_ids)


@task()
def scan_breaks(cpts_id: int) -> int:
    """Scan one CPTS's pathways for breaks; the new ones are notified once (on commit)."""
    from maillon.core.models import Cpts

    from .breaks import scan
    from .notifications import send_breaks

    cpts = Cpts.objects.filter(pk=cpts_id).first()
    if cpts is None:
        return 0
    opened = scan(cpts)
    if opened:
        sending.on_commit(send_breaks, [care_break.pk for care_break in opened])
    return len(opened)


# The patients' reminders (reminder_tasks.py): the daily job the app's `periodic` table names.
from .reminder_tasks import queue_reminders, send_reminder  # noqa: E402, F401
