from django.conf import settings

from maillon.core import mission_apps


class MtConfig(mission_apps.MissionAppConfig):
    name = "maillon.mt"
    label = "mt"
    verbose_name = "Guichet médecin traitant"
    periodic = {
        # Each day from MAILLON_MT_DAILY_HOUR o'clock (Europe/Paris).
        "mt_daily": {"task": "mt_daily", "hour": settings.MAILLON_MT_DAILY_HOUR, "kwargs": {"run_engine": True}},
    }
