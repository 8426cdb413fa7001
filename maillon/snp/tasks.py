"""Scheduled work of the same-day care desk (ids only in task arguments)."""

from django.utils import timezone
from django_tasks import task

from . import duty


@task()
def escalate_if_unanswered(request_id: int) -> bool:
    """Run `duty_escalation_delay()` after a request went to the duty list (if the backend defers)."""
    return duty.escalate_if_overdue(request_id, now=timezone.now())


@task()
def escalate_overdue() -> int:
    """The same as `manage.py snp_escalate`, for deployments that schedule tasks: a count only.
    Requests past their deadline are closed first (nobody is asked about them any more)."""
    now = timezone.now()
    duty.close_expired(now=now)
    return duty.escalate_overdue(now=now)


@task()
def purge_expired() -> int:
    """Nightly: blank the patients of requests closed longer than MAILLON_SNP_RETENTION_DAYS ago."""
    from .requests import purge_expired as purge

    return purge(now=timezone.now())
