from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from maillon.core.models import JournalEntry


class Command(BaseCommand):
    help = "Supprime les entrées du journal plus anciennes que la durée de conservation (à planifier chaque jour)."

    def handle(self, *args, **options):
        cutoff = timezone.now() - relativedelta(months=settings.MAILLON_JOURNAL_RETENTION_MONTHS)
        deleted = JournalEntry.purge_older_than(cutoff)
        self.stdout.write(f"{deleted} entrée(s) antérieure(s) au {cutoff:%d/%m/%Y} supprimée(s).")
