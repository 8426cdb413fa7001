"""The background tasks of the patients' reminders (`reminders.py`); ids only in their arguments.
Re-exported by `tasks.py`, where the app's `periodic` table finds the daily job."""

from django.utils import timezone
from django_tasks import task

from maillon.core.notifications import sending

from . import reminders


@task()
def queue_reminders() -> int:
    """Daily: one send queued per open care task whose reminder falls today; how many."""
    due = list(reminders.due_reminders(timezone.localdate()).values_list("pk", flat=True))
    for task_id in due:
        sending.on_commit(send_reminder, task_id)
    return len(due)


@sending.notification_task()
def send_reminder(task_id: int, message_id: str = "") -> bool:
    """Remind the patient of one care task (once per task and channel, whatever `message_id`)."""
    return reminders.send(task_id)
