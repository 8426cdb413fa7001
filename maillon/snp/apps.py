from django.apps import AppConfig


class SnpConfig(AppConfig):
    name = "maillon.snp"
    label = "snp"
    verbose_name = "Soins non programmés"

    def ready(self):
        from maillon.core.scheduler import register_periodic

        from . import indicators, tasks

        indicators.register()
        # Duty-list requests nobody took in time go to the coordinators.
        register_periodic("snp_escalate", task=tasks.escalate_overdue, every_minutes=5)
        # Patients of requests closed longer than MAILLON_SNP_RETENTION_DAYS ago are blanked.
        register_periodic("snp_purge", task=tasks.purge_expired, hour=3)
