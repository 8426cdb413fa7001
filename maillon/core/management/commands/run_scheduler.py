import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from maillon.core import scheduler

INTERVAL_SECONDS = 60


class Command(BaseCommand):
    help = (
        "Planificateur : chaque minute, met en file les tâches périodiques dont l'heure est venue "
        "(une fois par jour, ou toutes les N minutes). Avec --once, une seule vérification (pour cron) ; "
        "avec -v 0, rien n'est écrit hors erreurs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Vérifier une fois, puis s'arrêter.")

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        if options["once"]:
            self.report(scheduler.run_pending())
            return
        if self.verbosity:
            names = ", ".join(describe(p) for p in scheduler.registered()) or "aucune"
            self.stdout.write(f"Planificateur démarré. Tâches : {names}.")
        try:
            while True:
                close_old_connections()  # a long-lived process: drop a connection the server closed
                self.report(scheduler.run_pending())
                time.sleep(INTERVAL_SECONDS)
        except KeyboardInterrupt:
            if self.verbosity:
                self.stdout.write("Planificateur arrêté.")

    def report(self, enqueued):
        """Verbosity 0 (`make run`) says nothing: the worker logs each task when it has run."""
        if enqueued and self.verbosity:
            self.stdout.write(f"Mis en file : {', '.join(enqueued)}.")
        elif self.verbosity > 1:
            self.stdout.write("Rien à mettre en file.")


def describe(periodic) -> str:
    if periodic.every_minutes:
        return f"{periodic.name} (toutes les {periodic.every_minutes} min)"
    return f"{periodic.name} ({periodic.hour} h)"
