from django.apps import AppConfig


class MtConfig(AppConfig):
    name = "maillon.mt"
    label = "mt"
    verbose_name = "Guichet médecin traitant"

    def ready(self):
        from . import indicators

        indicators.register()
