from maillon.core import mission_apps


class CrisisConfig(mission_apps.MissionAppConfig):
    name = "maillon.crisis"
    label = "crisis"
    verbose_name = "Crises sanitaires graves"
