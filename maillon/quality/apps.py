from maillon.core import mission_apps


class QualityConfig(mission_apps.MissionAppConfig):
    name = "maillon.quality"
    label = "quality"
    verbose_name = "Qualité et pertinence des soins"

    def ready(self):
        super().ready()
        from maillon.pathways.selectors import register_moments

        from .timeline import KINDS, conference_moments

        register_moments(KINDS, conference_moments)
