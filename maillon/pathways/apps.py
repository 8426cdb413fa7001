from maillon.core import mission_apps


class PathwaysConfig(mission_apps.MissionAppConfig):
    name = "maillon.pathways"
    label = "pathways"
    verbose_name = "Parcours pluriprofessionnels"
    periodic = {
        # Closed inclusions past MAILLON_PATHWAYS_RETENTION_DAYS are deleted.
        "pathways_purge": {"task": "purge_closed_inclusions", "hour": 3},
        # Breaks in the pathways, one scan task per CPTS.
        "pathways_breaks": {"task": "scan_all_breaks", "hour": 5},
        # Patients' reminders of their appointments and checks due soon (reminders.py).
        "pathways_reminders": {"task": "queue_reminders", "hour": 8},
    }
