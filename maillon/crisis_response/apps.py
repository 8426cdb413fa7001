from maillon.core import mission_apps


class CrisisResponseConfig(mission_apps.MissionAppConfig):
    name = "maillon.crisis_response"
    label = "crisis_response"
    verbose_name = "Réponse aux crises : alertes, activation, RETEX"
    # Cascades move on and the outbox's due sends (retries, reclaimed leases) go out.
    periodic = {"crisis_sweep": {"task": "sweep_crises", "every_minutes": 1}}

    def ready(self):
        from maillon.contracts.registry import register_fact

        from .services import serious_crisis_recognised

        super().ready()
        # Only the authority's recognition of a serious crisis makes it true (never an exercise).
        register_fact("serious_crisis_recognised", compute=serious_crisis_recognised)
