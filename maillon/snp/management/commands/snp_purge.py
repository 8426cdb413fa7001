"""Blank the patients of same-day care requests closed or cancelled longer than
MAILLON_SNP_RETENTION_DAYS ago. Also run nightly by the scheduler (`snp_purge`)."""

from django.core.management.base import BaseCommand

from maillon.snp.requests import purge_expired


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args, **options):
        count = purge_expired()
        self.stdout.write(f"{count} demande(s) purgée(s).")
