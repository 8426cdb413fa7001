from django.apps import AppConfig


class CrisisResponseConfig(AppConfig):
    name = "maillon.crisis_response"
    label = "crisis_response"
    verbose_name = "Réponse aux crises : alertes, activation, RETEX"

    def ready(self):
        from maillon.contracts.registry import register_fact
        from maillon.core.scheduler import register_periodic

        from . import tasks
        from .services import serious_crisis_recognised

        # Cascades move on and the outbox's due sends (retries, reclaimed leases) go out.
        register_periodic("crisis_sweep", task=tasks.sweep_crises, every_minutes=1)

        # Only the authority's recognition of a serious crisis makes it true (never an exercise).
        register_fact("serious_crisis_recognised", compute=serious_crisis_recognised)
