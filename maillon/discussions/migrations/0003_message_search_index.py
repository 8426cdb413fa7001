"""A trigram index for searching messages on PostgreSQL (SQLite scans; fine for its sizes)."""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS discussions_message_search_trgm ON discussions_message "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS discussions_message_search_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("discussions", "0002_initial")]

    operations = [migrations.RunPython(run(POSTGRESQL), run(POSTGRESQL_REVERSE))]
