import re

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from maillon.core import journal

HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'empreintes du journal : signale toute entrée manquante (trou) ou modifiée. "
        "Code de sortie 1 si la chaîne est altérée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal",
            action="store_true",
            help="Scelle d'abord les entrées pas encore scellées (rôle de l'application).",
        )
        parser.add_argument(
            "--head",
            default=None,
            help="Tête ancrée hors de la base, « RANG:EMPREINTE » (une sortie précédente) : elle doit correspondre.",
        )
        parser.add_argument("--limit", type=int, default=50, help="Nombre d'anomalies détaillées (50).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Alias de la base (default).")

    def handle(self, *args, seal, head, limit, database, **options):
        expected_head = None
        if head is not None:
            match = HEAD.match(head.strip())
            if match is None:
                raise CommandError(
                    "--head : attendu « RANG:EMPREINTE » (un entier, deux-points, 64 caractères hexadécimaux)."
                )
            expected_head = (int(match[1]), match[2])
        if seal:
            sealed = journal.seal_pending(using=database)
            self.stdout.write(f"{sealed} entrée(s) scellée(s).")
        result = journal.verify(using=database, limit=limit, expected_head=expected_head)
        for problem in result.problems:
            self.stdout.write(problem)
        if result.unsealed:
            self.stdout.write(
                f"{result.unsealed} entrée(s) pas encore scellée(s) (non vérifiées) : relancez avec --seal."
            )
        if result.checked:
            self.stdout.write(
                f"{result.checked} entrée(s) vérifiée(s), du rang {result.first_index} au rang {result.head_index}."
            )
            self.stdout.write(
                f"Tête de la chaîne (à conserver hors de la base) : {result.head_index}:{result.head_hash}"
            )
        else:
            self.stdout.write("Aucune entrée scellée à vérifier.")
        if not result.ok:
            raise CommandError(f"Journal altéré : {result.gaps} trou(s), {result.edits} modification(s).", returncode=1)
        self.stdout.write(self.style.SUCCESS("Chaîne du journal intacte."))
