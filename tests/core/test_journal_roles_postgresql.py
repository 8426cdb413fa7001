"""On PostgreSQL the application's role (`maillon_app`, set up by `manage.py setup_db_roles`)
can read the journal, add to it and seal it, and nothing else: every other way it has to
rewrite or empty the journal fails."""

import contextlib
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from maillon.core import journal
from maillon.core.models import JournalEntry, JournalPurgePermit

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

APP_ROLE = "maillon_app"
TABLE = JournalEntry._meta.db_table
PERMIT = JournalPurgePermit._meta.db_table


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Roles exist on PostgreSQL only")


@pytest.fixture(scope="session")
def _app_role_exists(django_db_setup):
    """Roles are cluster-wide and parallel workers share the cluster: create the role in its
    own committed transaction, and take « already there » (another worker won) as success."""
    import psycopg

    if connection.vendor != "postgresql":
        return
    settings = connection.settings_dict
    params = {
        key: settings[name] for key, name in (("host", "HOST"), ("port", "PORT"), ("user", "USER")) if settings[name]
    }
    if settings["PASSWORD"]:
        params["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname=settings["NAME"], autocommit=True, **params) as admin:
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone() is None:
            with contextlib.suppress(psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
                admin.execute(f"CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")


@pytest.fixture
def app_role(_app_role_exists):
    """The rights `setup_db_roles` gives, inside the test's transaction (rolled back after)."""
    call_command("setup_db_roles", "--app-role", APP_ROLE, stdout=StringIO())
    return APP_ROLE


def as_app(sql, params=None):
    """Run `sql` as the application's role, in a savepoint; returns the rows it answers."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else None
        cursor.execute("RESET ROLE")
    return rows


def refused(sql, params=None):
    with pytest.raises(DatabaseError):
        as_app(sql, params)


@pytest.fixture
def sealed_entry(app_role):
    entry = journal.record(journal.Action.READ, object_type="core.Cpts", object_id="1")
    journal.seal_pending()
    entry.refresh_from_db()
    assert entry.chain_index is not None
    return entry


def test_the_app_role_reads_adds_and_seals_journal_entries(app_role):
    as_app(
        f"INSERT INTO {TABLE} (at, action, object_type, object_id, fields, note, previous_hash, hash)"
        " VALUES (now(), 'read', 'core.Cpts', '42', '[]', '', '', '')"
    )
    assert as_app(f"SELECT object_id FROM {TABLE} WHERE object_id = '42'") == [("42",)]
    # The ORM's own path, as the application runs it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        journal.record(journal.Action.READ, object_type="core.Cpts", object_id="43")
        assert journal.seal_pending() == 2
        cursor.execute("RESET ROLE")
    assert journal.verify().ok


def test_the_app_role_cannot_update_a_journal_entry(sealed_entry):
    refused(f"UPDATE {TABLE} SET note = 'x' WHERE id = %s", [sealed_entry.pk])
    refused(f"UPDATE {TABLE} SET object_id = '2', hash = %s WHERE id = %s", ["a" * 64, sealed_entry.pk])


def test_the_app_role_cannot_change_a_seal(sealed_entry):
    refused(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", ["b" * 64, sealed_entry.pk])
    refused(f"UPDATE {TABLE} SET chain_index = NULL, previous_hash = '', hash = '' WHERE id = %s", [sealed_entry.pk])


def test_the_app_role_cannot_insert_a_forged_seal(app_role):
    refused(
        f"INSERT INTO {TABLE} (at, action, object_type, object_id, fields, note, chain_index, previous_hash, hash)"
        " VALUES (now(), 'read', 'core.Cpts', '1', '[]', '', 1000, '', %s)",
        ["c" * 64],
    )


def test_the_app_role_cannot_delete_or_truncate(sealed_entry):
    refused(f"DELETE FROM {TABLE} WHERE id = %s", [sealed_entry.pk])
    refused(f"TRUNCATE {TABLE}")
    refused(f"TRUNCATE {TABLE} CASCADE")


def test_a_purge_permit_does_not_open_the_delete_even_with_every_grant(sealed_entry):
    """The finding: the delete trigger let a delete through whenever a permit row existed,
    and the application's role could insert one. Even with DELETE granted on both tables,
    the trigger now refuses."""
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {TABLE}, {PERMIT} TO {APP_ROLE}")
    refused(f"INSERT INTO {PERMIT} (created_at) VALUES (now()); DELETE FROM {TABLE} WHERE id = {sealed_entry.pk}")
    assert JournalEntry.objects.filter(pk=sealed_entry.pk).exists()


def test_the_app_role_cannot_insert_a_permit_at_all(app_role):
    refused(f"INSERT INTO {PERMIT} (created_at) VALUES (now())")


def test_no_setting_opens_the_delete_for_the_app_role(sealed_entry):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT DELETE ON {TABLE} TO {APP_ROLE}")
    for setting in ("maillon.journal_purge", "maillon.purge", "session_replication_role"):
        refused(f"SET LOCAL {setting} = 'on'; DELETE FROM {TABLE} WHERE id = {sealed_entry.pk}")
    refused(f"SET LOCAL session_replication_role = replica; DELETE FROM {TABLE} WHERE id = {sealed_entry.pk}")
    assert JournalEntry.objects.filter(pk=sealed_entry.pk).exists()


def test_the_app_role_cannot_call_the_purge_function(sealed_entry):
    refused("SELECT core_journal_purge(now() + interval '1 day')")
    assert JournalEntry.objects.filter(pk=sealed_entry.pk).exists()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        assert not journal.can_purge()
        cursor.execute("RESET ROLE")


def test_the_app_role_cannot_turn_off_or_drop_the_triggers(sealed_entry):
    refused(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
    refused(f"ALTER TABLE {TABLE} DISABLE TRIGGER core_journalentry_no_delete")
    refused(f"DROP TRIGGER core_journalentry_guard_row ON {TABLE}")
    refused("DROP FUNCTION core_journalentry_guard_delete() CASCADE")
    refused(f"ALTER TABLE {TABLE} OWNER TO {APP_ROLE}")


def test_the_app_role_cannot_become_the_owner_or_create_functions(app_role):
    # SET ROLE is judged on the session's login role (the tests log in as the owner): check
    # the membership instead, which is what the application's own login would be judged on.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(%s, relowner, 'MEMBER') FROM pg_class WHERE oid = %s::regclass", [APP_ROLE, TABLE]
        )
        assert cursor.fetchone()[0] is False
    refused(
        "CREATE FUNCTION steal() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$",
    )


def test_the_purge_command_refuses_the_app_role_in_french(sealed_entry):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        with pytest.raises(CommandError, match="rôle propriétaire"):
            call_command("purge_journal", stdout=StringIO())
        cursor.execute("RESET ROLE")


def test_the_owner_purges_through_the_function_and_the_chain_verifies(app_role):
    old = JournalEntry.objects.create(
        action=journal.Action.READ, object_type="core.Cpts", at=timezone.now() - datetime.timedelta(days=400)
    )
    journal.record(journal.Action.READ, object_type="core.Cpts", object_id="2")
    assert JournalEntry.purge_older_than(timezone.now() - datetime.timedelta(days=365)) == 1
    assert not JournalEntry.objects.filter(pk=old.pk).exists()
    assert journal.verify().ok
    # Outside the function, not even the owner deletes.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")


def test_setup_db_roles_is_idempotent_and_refuses_a_superuser(app_role):
    out = StringIO()
    call_command("setup_db_roles", "--app-role", APP_ROLE, "--create", stdout=out)
    call_command("setup_db_roles", "--app-role", APP_ROLE, stdout=out)
    assert "journal en lecture, ajout et scellement seuls" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND table_name = %s ORDER BY privilege_type",
            [APP_ROLE, TABLE],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]
        cursor.execute(
            "SELECT column_name FROM information_schema.column_privileges "
            "WHERE grantee = %s AND table_name = %s AND privilege_type = 'UPDATE' ORDER BY column_name",
            [APP_ROLE, TABLE],
        )
        assert [row[0] for row in cursor.fetchall()] == ["chain_index", "hash", "previous_hash"]
        cursor.execute(
            "SELECT count(*) FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND privilege_type = 'TRUNCATE'",
            [APP_ROLE],
        )
        assert cursor.fetchone()[0] == 0
    with pytest.raises(CommandError, match="superutilisateur"):
        call_command("setup_db_roles", "--app-role", "postgres", stdout=StringIO())
    with pytest.raises(CommandError, match="n'existe pas"):
        call_command("setup_db_roles", "--app-role", "maillon_nobody_here", stdout=StringIO())
