from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "maillon.meetings"
    label = "meetings"
    verbose_name = "Réunions et temps indemnisé"
