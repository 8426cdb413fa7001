"""Grant the application's PostgreSQL role what the application needs, and nothing on the
journal beyond reading, adding and sealing entries.

Run with the owner's connection (the role that ran `migrate`), after every `migrate`:

    manage.py setup_db_roles --app-role maillon_app [--create]
"""

import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, ProgrammingError, connections, transaction

from maillon.core.models import JournalEntry, JournalPurgePermit

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
PASSWORD_ENV = "MAILLON_APP_DB_PASSWORD"  # nosec B105 - the variable's name, not a password
PURGE_FUNCTION = "core_journal_purge(timestamptz)"


class Command(BaseCommand):
    help = (
        "Donne au rôle PostgreSQL de l'application ses droits (lecture et écriture des tables, "
        "lecture et ajout seuls sur le journal, rien sur la purge). À lancer avec le rôle "
        "propriétaire après chaque migrate ; sans effet sur SQLite."
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-role", default="maillon_app", help="Rôle de l'application (maillon_app).")
        parser.add_argument(
            "--create",
            action="store_true",
            help=f"Crée le rôle s'il manque (LOGIN, sans privilège d'administration ; mot de passe : {PASSWORD_ENV}).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Alias de la base (default).")

    def handle(self, *args, app_role, create, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write(
                "SQLite n'a pas de rôles : rien à accorder. Sur SQLite (développement), les déclencheurs "
                "du journal sont la seule garde."
            )
            return
        if not ROLE_NAME.match(app_role):
            raise CommandError(
                f"--app-role : « {app_role} » n'est pas un nom de rôle accepté (minuscules, chiffres, _)."
            )
        self.connection = connection
        self.quote = connection.ops.quote_name
        role = self.quote(app_role)
        with transaction.atomic(using=database):
            exists = self.ensure_role(app_role, role, create=create)
            if not exists:
                raise CommandError(
                    f"--app-role : le rôle {app_role} n'existe pas. Créez-le, ou relancez avec --create "
                    "depuis une connexion qui peut créer des rôles."
                )
            self.refuse_a_powerful_role(app_role)
            tables = self.grant(role)
        self.stdout.write(
            f"Rôle {app_role} : lecture et écriture sur {tables} table(s) ; journal en lecture, ajout et "
            "scellement seuls ; aucun droit sur la purge."
        )
        if self.scalar("SELECT has_schema_privilege(%s, current_schema(), 'CREATE')", [app_role]):
            self.stdout.write(
                self.style.WARNING(
                    f"Attention : {app_role} peut créer des objets dans le schéma (droit CREATE hérité de PUBLIC ?) : "
                    "REVOKE CREATE ON SCHEMA … FROM PUBLIC."
                )
            )

    def scalar(self, sql, params=()):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else None

    def run_sql(self, sql, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)

    def ensure_role(self, app_role, role, *, create) -> bool:
        exists = self.scalar("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role]) is not None
        if not create:
            return exists
        password = os.environ.get(PASSWORD_ENV)
        may_create = self.scalar("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        if not may_create:
            if not exists:
                raise CommandError(
                    f"--create : cette connexion ne peut pas créer le rôle {app_role} (ni superutilisateur ni "
                    "CREATEROLE). Créez-le avec un rôle d'administration, puis relancez sans --create."
                )
            return True
        if not exists:
            password_clause = " PASSWORD %s" if password else ""
            try:
                # Roles are cluster-wide: another process may create it at the same time.
                with transaction.atomic(using=self.connection.alias):
                    self.run_sql(
                        f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                        + password_clause,
                        [password] if password else None,
                    )
                self.stdout.write(f"Rôle {app_role} créé.")
            except (IntegrityError, ProgrammingError) as error:
                if self.scalar("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role]) is None:
                    raise CommandError(f"--create : le rôle {app_role} n'a pas pu être créé.") from error
        elif password:
            self.run_sql(f"ALTER ROLE {role} PASSWORD %s", [password])
        return True

    def refuse_a_powerful_role(self, app_role):
        row = None
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolbypassrls, rolname = current_user, "
                "pg_has_role(rolname, (SELECT relowner FROM pg_class WHERE oid = %s::regclass), 'USAGE') "
                "FROM pg_roles WHERE rolname = %s",
                [JournalEntry._meta.db_table, app_role],
            )
            row = cursor.fetchone()
        superuser, bypassrls, is_current, owns = row
        if superuser or bypassrls:
            raise CommandError(
                f"--app-role : {app_role} est superutilisateur (ou passe outre la sécurité des lignes) : il passerait "
                "outre tous les droits. Donnez à l'application un rôle ordinaire."
            )
        if is_current or owns:
            raise CommandError(
                f"--app-role : {app_role} est (ou hérite du) propriétaire des tables : lancez migrate et "
                "setup_db_roles avec un autre rôle que celui de l'application."
            )

    def grant(self, role) -> int:
        schema = self.quote(self.scalar("SELECT current_schema()"))
        database = self.quote(self.scalar("SELECT current_database()"))
        journal = self.quote(JournalEntry._meta.db_table)
        permit = self.quote(JournalPurgePermit._meta.db_table)
        seal_columns = ", ".join(
            self.quote(JournalEntry._meta.get_field(name).column) for name in JournalEntry.SEAL_FIELDS
        )
        statements = [
            f"GRANT CONNECT ON DATABASE {database} TO {role}",
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            # From a known state: whatever was granted before (TRUNCATE, TRIGGER, REFERENCES…) goes.
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"REVOKE ALL ON {journal}, {permit} FROM {role}",
            f"GRANT SELECT, INSERT ON {journal} TO {role}",
            f"GRANT UPDATE ({seal_columns}) ON {journal} TO {role}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            # Tables the owner creates later (next migrations) get the same rights by default;
            # rerun this command after migrate so the journal's stay narrowed.
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ]
        for statement in statements:
            self.run_sql(statement)
        if self.scalar("SELECT to_regprocedure(%s)", [PURGE_FUNCTION]) is not None:
            self.run_sql(f"REVOKE ALL ON FUNCTION {PURGE_FUNCTION} FROM PUBLIC, {role}")
        return self.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
