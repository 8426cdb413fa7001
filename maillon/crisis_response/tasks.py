"""Background work of the alerts: ids only in the arguments (they are stored in the queue)."""

import datetime

from django.utils import timezone
from django_tasks import default_task_backend, task

from . import dispatch, services
from .models import AlertDelivery, DeliveryStatus


@task()
def dispatch_alerts(crisis_id: int) -> dict:
    """Send the crisis's due alerts; when retries wait, come back at the first one (on a
    queue that can defer; elsewhere `manage.py crisis_sweep` picks them up)."""
    totals = dispatch.work(crisis_id=crisis_id)
    waiting = (
        AlertDelivery.objects.filter(recipient__crisis_id=crisis_id, status=DeliveryStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if waiting is not None and default_task_backend.supports_defer:
        run_after = max(waiting, timezone.now() + datetime.timedelta(seconds=1))
        dispatch_alerts.using(run_after=run_after).enqueue(crisis_id)
    return totals


@task()
def sweep_crises() -> dict:
    """Escalate the cascades whose delay has passed, then send whatever is due."""
    return services.sweep()
