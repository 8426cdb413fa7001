from django.core.management.base import BaseCommand

from maillon.mt import services


class Command(BaseCommand):
    help = (
        "Guichet médecin traitant, à planifier chaque jour : expire les propositions sans réponse, "
        "supprime les inscriptions closes au-delà de la durée de conservation et, avec --propose, "
        "calcule des propositions dans chaque CPTS qui a une offre ouverte."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--propose",
            action="store_true",
            help="Calculer aussi des propositions (chaque CPTS avec une offre ouverte).",
        )

    def handle(self, *args, **options):
        result = services.daily(run_engine=options["propose"])
        self.stdout.write(
            f"{result['expired']} proposition(s) expirée(s), {result['purged']} inscription(s) supprimée(s)"
            + (
                f", {result['runs']} calcul(s), {result['proposals']} proposition(s) faite(s)"
                if options["propose"]
                else ""
            )
            + "."
        )
