"""Scheduled work of the médecin traitant desk as a background task (the same as
`manage.py mt_daily`), for deployments that schedule tasks rather than commands."""

from django_tasks import task

from . import services


@task()
def mt_daily(run_engine: bool = False) -> dict:
    """Counts only: nothing personal reaches the task result store."""
    return services.daily(run_engine=run_engine)
