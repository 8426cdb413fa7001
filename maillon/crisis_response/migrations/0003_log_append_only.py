"""The main courante is append-only in the database too: the crisis FK protects its lines,
and on PostgreSQL a trigger refuses UPDATE and DELETE of a line — except setting its author
or member to NULL, which is what deleting a user or a professional does (SET_NULL)."""

import django.db.models.deletion
from django.db import migrations, models

CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION crisis_response_logentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id AND NEW.crisis_id = OLD.crisis_id AND NEW.at = OLD.at
        AND NEW.kind = OLD.kind AND NEW.text = OLD.text
        AND (NEW.author_id IS NULL OR NEW.author_id = OLD.author_id)
        AND (NEW.professional_id IS NULL OR NEW.professional_id = OLD.professional_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'crisis_response_logentry is append-only (%)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER crisis_response_logentry_append_only
    BEFORE UPDATE OR DELETE ON crisis_response_logentry
    FOR EACH ROW EXECUTE FUNCTION crisis_response_logentry_append_only();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS crisis_response_logentry_append_only ON crisis_response_logentry;
DROP FUNCTION IF EXISTS crisis_response_logentry_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite: the model and QuerySet only
        schema_editor.execute(CREATE_TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("crisis_response", "0002_delivery_cancelled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="logentry",
            name="crisis",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="log", to="crisis_response.crisis"
            ),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
