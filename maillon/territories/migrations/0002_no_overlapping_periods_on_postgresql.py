"""On PostgreSQL, the database itself refuses two periods of one commune that
overlap (whatever the CPTS): an exclusion constraint on date ranges. SQLite has
no such constraint; there the service's locked check is the guard."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE territories_territorycommune ADD CONSTRAINT territory_commune_periods_do_not_overlap "
    "EXCLUDE USING gist (commune_id WITH =, daterange(valid_from, valid_to, '[)') WITH &&)",
]
BACKWARD = [
    "ALTER TABLE territories_territorycommune DROP CONSTRAINT IF EXISTS territory_commune_periods_do_not_overlap",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("territories", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
