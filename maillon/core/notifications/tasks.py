"""The notifications' own periodic task: finish what dead workers and failed sends left."""

import datetime
import json
import logging

from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import Delivery, DeliveryStatus
from .sending import LEASE_SECONDS, MAX_ATTEMPTS

logger = logging.getLogger(__name__)

RETRY_EVERY_MINUTES = 5
BATCH = 1000


def stale(now=None):
    """Rows to send again: left `sending` by a worker whose lease ended, left `pending` (a worker
    died between writing and claiming the row), or failed with attempts left."""
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=LEASE_SECONDS)
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
        | Q(status=DeliveryStatus.PENDING, created_at__lt=now - lease)
        | Q(status=DeliveryStatus.FAILED, attempts__lt=MAX_ATTEMPTS),
    ).exclude(task="")


@task()
def retry_stale() -> int:
    """Enqueue again, once each, the tasks of the stale rows; how many were enqueued. A task run
    again sends only what its ledger rows do not already hold as sent."""
    seen, enqueued = set(), 0
    for path, arguments in stale().order_by("pk").values_list("task", "arguments")[:BATCH]:
        key = (path, json.dumps(arguments, sort_keys=True))
        if key in seen:
            continue
        seen.add(key)
        try:
            import_string(path).enqueue(*arguments.get("args", []), **arguments.get("kwargs", {}))
        except Exception as error:  # a task renamed or removed: the others go on
            logger.error("Notifications: task %s could not be enqueued again (%s)", path, type(error).__name__)
            continue
        enqueued += 1
    return enqueued
