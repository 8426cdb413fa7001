from maillon.core import mission_apps


class SnpConfig(mission_apps.MissionAppConfig):
    name = "maillon.snp"
    label = "snp"
    verbose_name = "Soins non programmés"
    periodic = {
        # Duty-list requests nobody took in time go to the coordinators.
        "snp_escalate": {"task": "escalate_overdue", "every_minutes": 5},
        # Patients of requests closed longer than MAILLON_SNP_RETENTION_DAYS ago are blanked.
        "snp_purge": {"task": "purge_expired", "hour": 3},
    }
