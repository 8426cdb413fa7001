"""The journal's hash chain: sealed after commit, verified by `manage.py verify_journal`."""

import datetime
import importlib
import itertools
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from maillon.core import journal
from maillon.core.models import Cpts, JournalEntry

pytestmark = pytest.mark.django_db
TABLE = JournalEntry._meta.db_table
guards = importlib.import_module("maillon.core.migrations.0007_journal_chain")


def write(count=3, **kwargs):
    return [
        journal.record(journal.Action.READ, object_type="core.Cpts", object_id=str(number), **kwargs)
        for number in range(count)
    ]


def sealed_rows():
    return list(JournalEntry.objects.sealed().order_by("chain_index").values())


def verify(*args):
    """(exit code, output) of `manage.py verify_journal`."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_journal", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


@contextmanager
def guards_off():
    """As the tables' owner with the triggers off: what an intruder with the owner's rights
    (or the SQLite file) could do, and what the chain must reveal."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            yield cursor
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        else:
            for name in ("no_update", "no_delete", "insert_unsealed"):
                cursor.execute(f"DROP TRIGGER core_journalentry_{name}")
            yield cursor
            for statement in guards.SQLITE:
                cursor.execute(statement)


def test_entries_are_sealed_after_commit_in_one_contiguous_chain(django_capture_on_commit_callbacks, settings):
    settings.MAILLON_JOURNAL_SEAL_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        entries = write(3)
        journal.record_many(journal.Action.READ, Cpts, [(7, None, ""), (8, None, "")], fields=["name"])
    assert len(callbacks) == 1, "one seal per transaction, however many entries"
    rows = sealed_rows()
    assert [row["chain_index"] for row in rows] == [1, 2, 3, 4, 5]
    assert [row["id"] for row in rows[:3]] == [entry.pk for entry in entries]
    assert rows[0]["previous_hash"] == ""
    for before, after in itertools.pairwise(rows):
        assert after["previous_hash"] == before["hash"]
    for row in rows:
        assert row["hash"] == journal.entry_hash(
            row, chain_index=row["chain_index"], previous_hash=row["previous_hash"]
        )
    assert not JournalEntry.objects.unsealed().exists()


def test_no_seal_after_commit_when_the_setting_is_off(django_capture_on_commit_callbacks, settings):
    settings.MAILLON_JOURNAL_SEAL_ON_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        write(2)
    assert callbacks == []
    assert JournalEntry.objects.unsealed().count() == 2


def test_sealing_costs_the_same_queries_for_three_entries_or_thirty(django_assert_num_queries):
    write(3)
    with django_assert_num_queries(7):  # savepoint, lock, pending, head, update, pending again, release
        assert journal.seal_pending() == 3
    write(30)
    with django_assert_num_queries(7):
        assert journal.seal_pending() == 30
    with django_assert_num_queries(4):  # nothing pending: no head, no update
        assert journal.seal_pending() == 0


def test_a_later_seal_continues_the_chain():
    write(2)
    journal.seal_pending()
    write(2)
    journal.seal_pending()
    rows = sealed_rows()
    assert [row["chain_index"] for row in rows] == [1, 2, 3, 4]
    assert rows[2]["previous_hash"] == rows[1]["hash"]


def test_the_database_refuses_an_entry_inserted_with_a_seal():
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, action, object_type, object_id, fields, note, chain_index, previous_hash, hash)"
            " VALUES (%s, 'read', 'core.Cpts', '1', '[]', '', 1, '', %s)",
            [timezone.now(), "0" * 64],
        )
    assert not JournalEntry.objects.exists()


def test_a_sealed_entry_never_changes_and_a_seal_never_changes_content():
    sealed, unsealed = write(2)
    journal.seal_pending()
    unsealed = journal.record(journal.Action.READ, object_type="core.Cpts", object_id="9")
    statements = [
        (f"UPDATE {TABLE} SET hash = %s WHERE id = %s", ["f" * 64, sealed.pk]),
        (f"UPDATE {TABLE} SET chain_index = 99 WHERE id = %s", [sealed.pk]),
        (f"UPDATE {TABLE} SET note = 'x' WHERE id = %s", [sealed.pk]),
        (f"UPDATE {TABLE} SET note = 'x', chain_index = 3, hash = %s WHERE id = %s", ["e" * 64, unsealed.pk]),
        (f"UPDATE {TABLE} SET chain_index = 3 WHERE id = %s", [unsealed.pk]),  # a seal without a hash
    ]
    for statement, params in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    assert JournalEntry.objects.get(pk=unsealed.pk).chain_index is None
    assert verify()[0] == 0


def test_verify_passes_a_clean_chain_and_prints_its_head():
    write(5)
    code, output = verify("--seal")
    head = sealed_rows()[-1]
    assert code == 0, output
    assert "5 entrée(s) vérifiée(s), du rang 1 au rang 5" in output
    assert f"5:{head['hash']}" in output
    assert verify("--head", f"5:{head['hash']}")[0] == 0


def test_verify_reports_an_edited_entry():
    entries = write(4)
    journal.seal_pending()
    with guards_off() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET object_id = '666' WHERE id = %s", [entries[1].pk])
    code, output = verify()
    assert code == 1
    assert "Rang 2" in output and "contenu modifié" in output
    assert "1 modification(s)" in output


def test_verify_reports_an_edit_whose_hash_was_recomputed_by_the_broken_link():
    entries = write(3)
    journal.seal_pending()
    row = JournalEntry.objects.filter(pk=entries[1].pk).values().get()
    row["note"] = "réécrit"
    forged = journal.entry_hash(row, chain_index=2, previous_hash=row["previous_hash"])
    with guards_off() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET note = %s, hash = %s WHERE id = %s", ["réécrit", forged, entries[1].pk])
    code, output = verify()
    assert code == 1
    assert "Rang 3" in output and "chaînage rompu" in output


def test_verify_reports_a_deleted_entry():
    entries = write(4)
    journal.seal_pending()
    with guards_off() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])
    code, output = verify()
    assert code == 1
    assert "rangs 3 à 3" in output and "1 trou(s)" in output


def test_verify_reports_a_deleted_beginning_that_no_purge_explains():
    entries = write(3)
    journal.seal_pending()
    with guards_off() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [entries[0].pk])
    code, output = verify()
    assert code == 1
    assert "rangs 1 à 1 manquantes" in output


def test_verify_reports_a_deleted_tail_against_the_anchored_head():
    write(3)
    journal.seal_pending()
    head = sealed_rows()[-1]
    with guards_off() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [head["id"]])
    assert verify()[0] == 0  # a cut tail leaves a valid chain: only an anchor outside the database tells
    code, output = verify("--head", f"3:{head['hash']}")
    assert code == 1 and "aucune entrée au rang 3" in output


def test_a_purge_deletes_a_prefix_and_leaves_a_chain_that_verifies():
    now = timezone.now()
    for days in (400, 390, 380):
        JournalEntry.objects.create(
            action=journal.Action.READ, object_type="core.Cpts", at=now - datetime.timedelta(days=days)
        )
    kept = write(2)
    deleted = JournalEntry.purge_older_than(now - datetime.timedelta(days=365))
    assert deleted == 3
    rows = sealed_rows()
    assert [row["id"] for row in rows[:2]] == [entry.pk for entry in kept]
    marker = rows[-1]
    assert marker["action"] == journal.Action.PURGE and marker["object_id"] == "3"
    assert [row["chain_index"] for row in rows] == [4, 5, 6]
    assert marker["previous_hash"] == rows[1]["hash"]
    code, output = verify()
    assert code == 0, output
    # A second purge later on: the chain still verifies.
    later = now + datetime.timedelta(days=1)
    assert JournalEntry.purge_older_than(later) == 2  # the head stays
    assert verify()[0] == 0


def test_a_purge_never_deletes_the_head_of_the_chain():
    write(2)
    assert JournalEntry.purge_older_than(timezone.now() + datetime.timedelta(days=1)) == 1
    assert verify()[0] == 0
    assert JournalEntry.purge_older_than(timezone.now() + datetime.timedelta(days=1)) == 1
    assert verify()[0] == 0


def test_a_purge_with_nothing_old_enough_deletes_nothing_and_writes_no_marker():
    write(2)
    assert JournalEntry.purge_older_than(timezone.now() - datetime.timedelta(days=1)) == 0
    assert not JournalEntry.objects.filter(action=journal.Action.PURGE).exists()


def test_verify_and_purge_commands_speak_french():
    write(1)
    code, output = verify("--head", "nonsense")
    assert code == 1 and "--head" in output and "RANG:EMPREINTE" in output
    from io import StringIO

    out = StringIO()
    call_command("purge_journal", stdout=out)
    assert "supprimée(s)" in out.getvalue()


def test_setup_db_roles_on_sqlite_says_there_are_no_roles():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from io import StringIO

    out = StringIO()
    call_command("setup_db_roles", "--app-role", "maillon_app", stdout=out)
    assert "SQLite n'a pas de rôles" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_committed_entries_are_sealed_and_the_flush_still_empties_the_journal(settings):
    """Real commits: each entry seals right after its own commit. The test's teardown flush
    then empties the journal too (tests/conftest.py)."""
    settings.MAILLON_JOURNAL_SEAL_ON_COMMIT = True
    write(3)  # autocommit: each entry commits, then seals
    with transaction.atomic():
        write(2)
        assert JournalEntry.objects.unsealed().count() == 2  # not before the commit
    assert not JournalEntry.objects.unsealed().exists()
    assert journal.verify().checked == 5
