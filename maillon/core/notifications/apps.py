from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "maillon.core.notifications"
    label = "notifications"
    verbose_name = "Notifications (in-app, courriel, SMS)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from maillon.core.scheduler import register_periodic

        from . import tasks

        register_periodic("notifications_retry", task=tasks.retry_stale, every_minutes=tasks.RETRY_EVERY_MINUTES)
