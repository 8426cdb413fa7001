"""Languages spoken in practice, and a trigram index for the directory search on
PostgreSQL (SQLite scans; fine for its sizes)."""

from django.db import migrations

LANGUAGES = [
    ("fr", "Français"),
    ("en", "Anglais"),
    ("es", "Espagnol"),
    ("de", "Allemand"),
    ("it", "Italien"),
    ("pt", "Portugais"),
    ("ar", "Arabe"),
    ("zh", "Chinois"),
    ("ru", "Russe"),
    ("tr", "Turc"),
    ("ro", "Roumain"),
    ("pl", "Polonais"),
    ("vi", "Vietnamien"),
    ("uk", "Ukrainien"),
    ("he", "Hébreu"),
    ("fa", "Persan"),
    ("ber", "Berbère"),
    ("wo", "Wolof"),
    ("bm", "Bambara"),
    ("ht", "Créole haïtien"),
    ("fsl", "Langue des signes française (LSF)"),
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS members_professional_search_trgm ON members_professional "
    "USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS members_professional_skills_trgm ON members_professional "
    "USING gin (upper(skills) gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS members_professional_search_trgm",
    "DROP INDEX IF EXISTS members_professional_skills_trgm",
]


def add_languages(apps, schema_editor):
    Language = apps.get_model("members", "Language")
    for code, name in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name})


def create_indexes(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [
        migrations.RunPython(add_languages, migrations.RunPython.noop),
        migrations.RunPython(create_indexes(POSTGRESQL), create_indexes(POSTGRESQL_REVERSE)),
    ]
