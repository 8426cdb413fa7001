import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from maillon.core import journal
from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import Cpts, JournalEntry

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return JournalEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))


def test_creating_and_changing_a_record_journals_field_names_never_values():
    actor = UserFactory()
    with journal.acting_as(actor):
        cpts = CptsFactory(name="CPTS Vallée de la Bièvre", email="contact@bievre.example.org")
        cpts.phone = "01 23 45 67 89"
        cpts.save()
    created, updated = entries_for(cpts).order_by("id")
    assert created.action == journal.Action.CREATE
    assert "email" in created.fields and created.actor_id == actor.pk
    assert updated.action == journal.Action.UPDATE
    assert updated.fields == ["phone"]
    stored = str(list(JournalEntry.objects.values()))
    assert "bievre.example.org" not in stored and "01 23 45 67 89" not in stored


def test_a_save_that_changes_nothing_is_not_journaled():
    cpts = CptsFactory()
    cpts = Cpts.objects.get(pk=cpts.pk)
    before = entries_for(cpts).count()
    cpts.save()
    assert entries_for(cpts).count() == before


def test_deletion_is_journaled_with_the_id_of_the_deleted_object():
    cpts = CptsFactory()
    pk = cpts.pk
    cpts.delete()
    assert JournalEntry.objects.filter(
        action=journal.Action.DELETE, object_type="core.Cpts", object_id=str(pk)
    ).exists()


def test_journal_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = journal.record(journal.Action.READ, object_type="core.Cpts", object_id="1")
    with pytest.raises(PermissionError):
        entry.note = "changed"
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        JournalEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        JournalEntry.objects.update(note="x")


def test_database_refuses_update_and_delete_of_journal_entries_even_in_raw_sql():
    entry = journal.record(journal.Action.READ, object_type="core.Cpts", object_id="1")
    table = JournalEntry._meta.db_table
    for statement in (f"UPDATE {table} SET note = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert JournalEntry.objects.filter(pk=entry.pk, note="").exists()


def test_purge_removes_only_entries_older_than_the_cutoff():
    # The purge deletes a prefix of the hash chain: the ancient entry comes first, as in life.
    ancient = JournalEntry.objects.create(
        action=journal.Action.READ,
        object_type="core.Cpts",
        object_id="2",
        at=timezone.now() - datetime.timedelta(days=400),
    )
    old = journal.record(journal.Action.READ, object_type="core.Cpts", object_id="1")
    deleted = JournalEntry.purge_older_than(timezone.now() - datetime.timedelta(days=365))
    assert deleted == 1
    assert not JournalEntry.objects.filter(pk=ancient.pk).exists()
    assert JournalEntry.objects.filter(pk=old.pk).exists()
    # The permit is gone with the purge: deleting again is refused.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE id = %s", [old.pk])


def test_journal_survives_the_erasure_of_its_actor():
    actor = UserFactory()
    with journal.acting_as(actor):
        cpts = CptsFactory()
    actor_id = actor.pk
    actor.delete()
    assert entries_for(cpts).get(action=journal.Action.CREATE).actor_id == actor_id


@pytest.mark.postgresql
def test_on_postgresql_a_purge_permit_no_longer_opens_the_delete():
    """The finding: any role that could insert a permit row could then delete journal rows.
    On PostgreSQL only the purge function, run as the table's owner, deletes now."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite the permit stays the development guard")
    from maillon.core.models import JournalPurgePermit

    entry = journal.record(journal.Action.READ, object_type="core.Cpts", object_id="1")
    JournalPurgePermit.objects.create()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE id = %s", [entry.pk])
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
