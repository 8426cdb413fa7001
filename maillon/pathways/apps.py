from maillon.core import mission_apps


class PathwaysConfig(mission_apps.MissionAppConfig):
    name = "maillon.pathways"
    label = "pathways"
    verbose_name = "Parcours pluriprofessionnels"
    periodic = {"pathways_purge": {"task": "purge_closed_inclusions", "hour": 3}}
