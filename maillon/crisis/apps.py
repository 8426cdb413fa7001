from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "maillon.crisis"
    label = "crisis"
    verbose_name = "Crises sanitaires graves"

    def ready(self):
        from . import facts

        facts.register()
