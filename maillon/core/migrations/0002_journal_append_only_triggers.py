"""Database triggers: the journal refuses UPDATE always, and DELETE unless the
retention purge holds a permit in its own transaction.

TRUNCATE is left to database privileges (see docs/operations.md): the
application's role must not own the table in production."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_journalentry_no_update BEFORE UPDATE ON core_journalentry
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
    """CREATE TRIGGER core_journalentry_no_delete BEFORE DELETE ON core_journalentry
       WHEN NOT EXISTS (SELECT 1 FROM core_journalpurgepermit)
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_journalentry_no_update",
    "DROP TRIGGER IF EXISTS core_journalentry_no_delete",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION core_journalentry_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM core_journalpurgepermit) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'journal is append-only';
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_journalentry_append_only BEFORE UPDATE OR DELETE ON core_journalentry
       FOR EACH ROW EXECUTE FUNCTION core_journalentry_append_only()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS core_journalentry_append_only ON core_journalentry",
    "DROP FUNCTION IF EXISTS core_journalentry_append_only()",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
