from maillon.core import mission_apps


class SupportConfig(mission_apps.MissionAppConfig):
    name = "maillon.support"
    label = "support"
    verbose_name = "Accompagnement des professionnels"
    periodic = {
        # Applicants and housing occupants are not members: what is kept of them, and how long (purge.py).
        "support_purge": {"task": "purge_people", "hour": 3},
    }
