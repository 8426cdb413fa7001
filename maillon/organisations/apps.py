from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "maillon.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self):
        from . import signals  # noqa: F401 — the officers of a new territorial role join their organisation
