from maillon.core import mission_apps


class DiscussionsConfig(mission_apps.MissionAppConfig):
    """Not a mission, but it schedules its daily digest the way the mission apps do."""

    name = "maillon.discussions"
    label = "discussions"
    verbose_name = "Espaces de discussion"
    periodic = {
        # The day's messages to the people who chose a daily digest (notifications.py).
        "discussions_digest": {"task": "send_daily_digests", "hour": 7},
    }
