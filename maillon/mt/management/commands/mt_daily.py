from django.core.management.base import BaseCommand

from maillon.mt import tasks


class Command(BaseCommand):
    help = (
        "Guichet médecin traitant, à planifier chaque jour : expire les propositions sans réponse, "
        "supprime les inscriptions closes au-delà de la durée de conservation et, avec --propose, "
        "met en file un calcul de propositions par CPTS dont la planification prévoit aujourd'hui "
        "(une fois par jour au plus)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--propose",
            action="store_true",
            help="Mettre aussi en file les calculs planifiés du jour (une tâche par CPTS).",
        )

    def handle(self, *args, **options):
        result = tasks.daily(run_engine=options["propose"])
        self.stdout.write(
            f"{result['expired']} proposition(s) expirée(s), {result['purged']} inscription(s) supprimée(s)"
            + (f", {result['runs_enqueued']} calcul(s) mis en file" if options["propose"] else "")
            + "."
        )
