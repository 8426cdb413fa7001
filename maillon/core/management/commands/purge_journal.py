from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from maillon.core import journal


class Command(BaseCommand):
    help = (
        "Supprime les entrées du journal plus anciennes que la durée de conservation (à planifier chaque jour, "
        "avec le rôle propriétaire des tables : le rôle de l'application ne peut pas purger)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Alias de la base (default).")

    def handle(self, *args, database, **options):
        if not journal.can_purge(using=database):
            raise CommandError(
                "Ce rôle de la base ne peut pas purger le journal : lancez purge_journal avec le rôle "
                "propriétaire des tables (celui qui lance migrate)."
            )
        cutoff = timezone.now() - relativedelta(months=settings.MAILLON_JOURNAL_RETENTION_MONTHS)
        deleted = journal.purge(cutoff, using=database)
        self.stdout.write(f"{deleted} entrée(s) antérieure(s) au {cutoff:%d/%m/%Y} supprimée(s).")
