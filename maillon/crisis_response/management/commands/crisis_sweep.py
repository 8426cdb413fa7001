"""Every minute (cron, or a loop): escalate the alert cascades whose delay has passed and
send whatever the outbox holds due (retries included). Safe to run on several machines."""

from django.core.management.base import BaseCommand

from maillon.crisis_response import services


class Command(BaseCommand):
    help = "Fait avancer les chaînes d'alerte et envoie les alertes dues."

    def handle(self, *args, **options):
        totals = services.sweep()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in totals.items()))
