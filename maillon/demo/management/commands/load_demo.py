from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillon.demo import builder


class Command(BaseCommand):
    help = (
        "Crée (ou remet à jour) la région de démonstration dans les Yvelines : CPTS, territoires, comptes, membres, "
        "gouvernance (une élection passée, bureau, assemblée générale). "
        "Déterministe (MAILLON_DEMO_SEED) et rejouable sans doublon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--credentials",
            type=Path,
            default=None,
            help="Fichier des identifiants de démonstration (par défaut var/demo-credentials.json).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Charger la démonstration même quand DEBUG est faux (les mots de passe se déduisent de la graine).",
        )

    def handle(self, *args, credentials=None, force=False, **options):
        if not settings.DEBUG and not force:
            # Demo passwords follow from a public seed: never on a real instance by accident.
            raise CommandError(
                "DEBUG est faux : la démonstration crée un administrateur au mot de passe prévisible. "
                "Relancez avec --force (et une graine MAILLON_DEMO_SEED propre à l'instance) si c'est voulu."
            )
        try:
            result = builder.build()
        except builder.DemoError as error:
            raise CommandError(str(error)) from error
        path = credentials or builder.default_credentials_path()
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"Attention : {warning}"))
        builder.write_credentials(result.accounts, path, sas_client=result.sas_client)
        self.print_cpts(result)
        self.print_accounts(result.accounts)
        if result.sas_client:
            self.stdout.write(
                f"Client SAS (GET /fhir/Slot) : jeton et {len(result.sas_client['rpps'])} RPPS à chercher dans {path}."
            )
        self.stdout.write(self.style.SUCCESS(f"Identifiants (avec les jetons d'API) écrits dans {path}."))

    def print_cpts(self, result):
        self.stdout.write("CPTS de démonstration (Yvelines) :")
        for item in result.cpts:
            self.stdout.write(
                f"  {item.cpts.name:<28} {item.cpts.get_status_display():<24} taille {item.taille}  "
                f"{item.population:>7} hab.  {item.communes:>3} communes  {item.members:>3} adhérents"
            )
        self.stdout.write(f"  Communes des Yvelines sans CPTS (zones blanches) : {result.uncovered_communes}")

    def print_accounts(self, accounts):
        rows = [("Adresse", "Rôle", "CPTS", "Mot de passe", "Secret TOTP")]
        rows += [(a.email, a.role, a.cpts or "—", a.password, a.totp_secret) for a in accounts]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        self.stdout.write("Comptes :")
        for row in rows:
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  " + line.rstrip())
