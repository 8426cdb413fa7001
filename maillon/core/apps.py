from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "maillon.core"
    label = "core"
    verbose_name = "Socle (comptes, CPTS, journal)"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete

        from .models import JournaledModel, journal_deletion
        from .third_party import apply_french_labels

        for model in apps.get_models():
            if issubclass(model, JournaledModel):
                post_delete.connect(journal_deletion, sender=model, dispatch_uid=f"journal-{model._meta.label}")

        apply_french_labels()
