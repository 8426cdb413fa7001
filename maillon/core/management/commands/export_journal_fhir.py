import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from maillon.core import journal_fhir
from maillon.core.models import JournalEntry

CHUNK = 2000


def parse_day(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} : « {value} » n'est pas une date AAAA-MM-JJ.") from None


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Command(BaseCommand):
    help = (
        "Exporte le journal en ressources FHIR AuditEvent (guide de traçabilité des événements de l'ANS), "
        "dans un Bundle JSON : identifiants, types d'objets, noms de champs et dates, jamais de valeur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", default=None, help="Premier jour inclus (AAAA-MM-JJ, heure de Paris).")
        parser.add_argument("--until", default=None, help="Dernier jour inclus (AAAA-MM-JJ, heure de Paris).")
        parser.add_argument("--output", type=Path, default=None, help="Fichier à écrire (par défaut : la sortie).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Alias de la base (default).")

    def handle(self, *args, since, until, output, database, **options):
        entries = JournalEntry.objects.using(database).all()
        if since:
            entries = entries.filter(at__gte=start_of(parse_day(since, "--since")))
        if until:
            entries = entries.filter(at__lt=start_of(parse_day(until, "--until") + datetime.timedelta(days=1)))
        if since and until and parse_day(until, "--until") < parse_day(since, "--since"):
            raise CommandError("--until : le dernier jour précède le premier (--since).")
        rows = entries.order_by("id").values(*journal_fhir.COLUMNS).iterator(chunk_size=CHUNK)
        if output is None:
            count = journal_fhir.write_bundle(rows, self.stdout, timestamp=timezone.now())
        else:
            with output.open("w", encoding="utf-8") as stream:
                count = journal_fhir.write_bundle(rows, stream, timestamp=timezone.now())
        self.stderr.write(f"{count} entrée(s) du journal exportée(s) en AuditEvent.")
