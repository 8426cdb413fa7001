"""The main courante is append-only: no line changed or deleted, one by one, in bulk, by
deleting its crisis, or (PostgreSQL) in raw SQL."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.db.utils import DatabaseError

from maillon.crisis_response.factories import CrisisFactory
from maillon.crisis_response.models import LogEntry, LogKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(cpts):
    return LogEntry.objects.create(crisis=CrisisFactory(cpts=cpts), kind=LogKind.DECISION, text="Ouverture du PMA.")


def test_the_lines_cannot_be_changed_in_bulk(line):
    with pytest.raises(ValidationError):
        LogEntry.objects.filter(pk=line.pk).update(text="Autre chose.")
    with pytest.raises(ValidationError):
        line.crisis.log.update(text="Autre chose.")
    assert LogEntry.objects.get(pk=line.pk).text == "Ouverture du PMA."


def test_the_lines_cannot_be_deleted_in_bulk(line):
    with pytest.raises(ValidationError):
        LogEntry.objects.filter(pk=line.pk).delete()
    assert LogEntry.objects.filter(pk=line.pk).exists()


def test_a_crisis_with_a_main_courante_cannot_be_deleted(line):
    with pytest.raises(ProtectedError):
        line.crisis.delete()
    assert LogEntry.objects.filter(pk=line.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_a_raw_update_or_delete(line):
    table = LogEntry._meta.db_table
    for sql in (f"UPDATE {table} SET text = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [line.pk])
    assert LogEntry.objects.get(pk=line.pk).text == "Ouverture du PMA."


def test_deleting_an_author_keeps_their_lines_without_the_name(cpts):
    from maillon.core.factories import UserFactory

    author = UserFactory()
    line = LogEntry.objects.create(crisis=CrisisFactory(cpts=cpts), author=author, text="Renfort demandé.")
    author.delete()
    assert LogEntry.objects.get(pk=line.pk).author_id is None
