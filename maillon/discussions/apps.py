from maillon.core import mission_apps


class DiscussionsConfig(mission_apps.MissionAppConfig):
    """Not a mission, but it schedules its daily digest the way the mission apps do."""

    name = "maillon.discussions"
    label = "discussions"
    verbose_name = "Espaces de discussion"
    periodic = {
        # The day's messages to the people who chose a daily digest (notifications.py).
        "discussions_digest": {"task": "send_daily_digests", "hour": 7},
        # Refused sign-up requests, MAILLON_DISCUSSION_SIGNUP_RETENTION_DAYS after the decision (purge.py).
        "discussions_purge": {"task": "purge_refused_signups", "hour": 3},
    }
