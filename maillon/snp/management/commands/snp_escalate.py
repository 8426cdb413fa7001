"""Escalate to the coordinators the same-day care requests left unanswered on the duty list
longer than MAILLON_SNP_DUTY_ESCALATION_MINUTES, after closing those past their deadline.
Run it every few minutes (cron, systemd timer)."""

from django.core.management.base import BaseCommand

from maillon.snp.duty import close_expired, escalate_overdue


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args, **options):
        closed = close_expired()
        count = escalate_overdue()
        self.stdout.write(f"{closed} demande(s) close(s) à échéance, {count} remontée(s) à la coordination.")
