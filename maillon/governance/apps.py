from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "maillon.governance"
    label = "governance"
    verbose_name = "Gouvernance (élections, instances, assemblées, documents)"
