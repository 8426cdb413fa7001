from django.apps import AppConfig
from django.conf import settings

# Hour (Europe/Paris) from which the scheduler enqueues `mt_daily` each day.
DEFAULT_DAILY_HOUR = 6


class MtConfig(AppConfig):
    name = "maillon.mt"
    label = "mt"
    verbose_name = "Guichet médecin traitant"

    def ready(self):
        from maillon.core.scheduler import register_periodic

        from . import indicators, tasks

        indicators.register()
        register_periodic(
            "mt_daily",
            task=tasks.mt_daily,
            hour=getattr(settings, "MAILLON_MT_DAILY_HOUR", DEFAULT_DAILY_HOUR),
            kwargs={"run_engine": True},
        )
