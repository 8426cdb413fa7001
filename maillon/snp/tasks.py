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
    """The same as `manage.py snp_escalate`, for deployments that schedule tasks: a count only."""
    return duty.escalate_overdue(now=timezone.now())
