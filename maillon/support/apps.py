from maillon.core import mission_apps


class SupportConfig(mission_apps.MissionAppConfig):
    name = "maillon.support"
    label = "support"
    verbose_name = "Accompagnement des professionnels"
