from maillon.core import mission_apps


class PreventionConfig(mission_apps.MissionAppConfig):
    name = "maillon.prevention"
    label = "prevention"
    verbose_name = "Prévention"
    periodic = {
        # Registrants of tomorrow's sessions get their reminder (notifications.py).
        "prevention_reminders": {"task": "queue_session_reminders", "hour": 9},
        # Registrants' names and addresses, MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS after the session.
        "prevention_purge": {"task": "purge_registrants", "hour": 3},
    }
