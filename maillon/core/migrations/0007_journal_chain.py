"""The journal's hash chain and the guards that keep it.

Entries are inserted unsealed; `journal.seal_pending` seals them after commit (chain_index,
previous_hash, hash). Triggers, on both databases:
- INSERT with a seal set is refused;
- UPDATE only seals an unsealed entry, once, with no content column changed;
- DELETE (PostgreSQL): only inside `core_journal_purge`, a SECURITY DEFINER function owned
  by the table's owner whose EXECUTE is revoked from PUBLIC: the trigger checks that the
  current user is the table's owner (which the application role is not) and that the function
  set `maillon.journal_purge` around its own delete. The purge-permit table opens nothing any
  more on PostgreSQL.
- DELETE (SQLite, development only): the permit row, as before; SQLite has no roles.

TRUNCATE, ALTER TABLE … DISABLE TRIGGER and DROP TRIGGER are left to privileges: the
application role owns nothing and gets no TRUNCATE (`manage.py setup_db_roles`).
"""

from django.db import migrations, models

# The advisory lock sealing and purging take (journal.SEAL_LOCK_KEY: keep them equal).
SEAL_LOCK_KEY = 7310455871240019

CONTENT = ("id", "at", "actor_id", "action", "object_type", "object_id", "fields", "cpts_id", "note")

SQLITE_UNCHANGED = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in CONTENT)
SQLITE = [
    # Adding the columns rebuilt the table on SQLite, dropping its triggers: create them all.
    "DROP TRIGGER IF EXISTS core_journalentry_no_update",
    "DROP TRIGGER IF EXISTS core_journalentry_no_delete",
    "DROP TRIGGER IF EXISTS core_journalentry_insert_unsealed",
    f"""CREATE TRIGGER core_journalentry_no_update BEFORE UPDATE ON core_journalentry
       WHEN NOT (OLD.chain_index IS NULL AND OLD.previous_hash = '' AND OLD.hash = ''
                 AND NEW.chain_index IS NOT NULL AND NEW.hash != '' AND {SQLITE_UNCHANGED})
       BEGIN SELECT RAISE(ABORT, 'journal is append-only: an entry is only sealed, once'); END""",
    """CREATE TRIGGER core_journalentry_no_delete BEFORE DELETE ON core_journalentry
       WHEN NOT EXISTS (SELECT 1 FROM core_journalpurgepermit)
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
    """CREATE TRIGGER core_journalentry_insert_unsealed BEFORE INSERT ON core_journalentry
       WHEN NEW.chain_index IS NOT NULL OR NEW.previous_hash != '' OR NEW.hash != ''
       BEGIN SELECT RAISE(ABORT, 'journal entries are inserted unsealed'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_journalentry_no_update",
    "DROP TRIGGER IF EXISTS core_journalentry_no_delete",
    "DROP TRIGGER IF EXISTS core_journalentry_insert_unsealed",
    """CREATE TRIGGER core_journalentry_no_update BEFORE UPDATE ON core_journalentry
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
    """CREATE TRIGGER core_journalentry_no_delete BEFORE DELETE ON core_journalentry
       WHEN NOT EXISTS (SELECT 1 FROM core_journalpurgepermit)
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
]

PG_NEW = ", ".join(f"NEW.{column}" for column in CONTENT)
PG_OLD = ", ".join(f"OLD.{column}" for column in CONTENT)


def postgresql(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT quote_ident(current_schema())")
        schema = cursor.fetchone()[0]
    return [
        "DROP TRIGGER IF EXISTS core_journalentry_append_only ON core_journalentry",
        "DROP FUNCTION IF EXISTS core_journalentry_append_only()",
        f"""CREATE OR REPLACE FUNCTION core_journalentry_guard_row() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             IF TG_OP = 'INSERT' THEN
               IF NEW.chain_index IS NOT NULL OR NEW.previous_hash <> '' OR NEW.hash <> '' THEN
                 RAISE EXCEPTION 'journal entries are inserted unsealed' USING ERRCODE = 'insufficient_privilege';
               END IF;
               RETURN NEW;
             END IF;
             IF OLD.chain_index IS NULL AND OLD.previous_hash = '' AND OLD.hash = ''
                AND NEW.chain_index IS NOT NULL AND NEW.hash <> ''
                AND ROW({PG_NEW}) IS NOT DISTINCT FROM ROW({PG_OLD}) THEN
               RETURN NEW;
             END IF;
             RAISE EXCEPTION 'journal is append-only: an entry is only sealed, once'
               USING ERRCODE = 'insufficient_privilege';
           END $$""",
        """CREATE TRIGGER core_journalentry_guard_row BEFORE INSERT OR UPDATE ON core_journalentry
           FOR EACH ROW EXECUTE FUNCTION core_journalentry_guard_row()""",
        """CREATE OR REPLACE FUNCTION core_journalentry_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
             IF current_setting('maillon.journal_purge', true) = 'on'
                AND current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
               RETURN NULL;
             END IF;
             RAISE EXCEPTION 'journal is append-only: only the retention purge deletes'
               USING ERRCODE = 'insufficient_privilege';
           END $$""",
        """CREATE TRIGGER core_journalentry_no_delete BEFORE DELETE ON core_journalentry
           FOR EACH STATEMENT EXECUTE FUNCTION core_journalentry_guard_delete()""",
        f"""CREATE OR REPLACE FUNCTION core_journal_purge(cutoff timestamptz) RETURNS bigint
           LANGUAGE plpgsql SECURITY DEFINER
           SET search_path = {schema}, pg_temp
           AS $$
           DECLARE
             last_index bigint;
             head_index bigint;
             deleted bigint;
           BEGIN
             PERFORM pg_advisory_xact_lock({SEAL_LOCK_KEY});
             SELECT max(chain_index) INTO head_index FROM core_journalentry;
             IF head_index IS NULL THEN
               RETURN 0;
             END IF;
             SELECT chain_index - 1 INTO last_index FROM core_journalentry
               WHERE chain_index IS NOT NULL AND at >= cutoff ORDER BY chain_index LIMIT 1;
             -- The chain's head always stays: the next seal chains to it.
             last_index := least(coalesce(last_index, head_index), head_index - 1);
             -- Set at run time, for this delete only: a function's own `SET` clause for a custom
             -- parameter would need a superuser (or GRANT SET ON PARAMETER) at CREATE FUNCTION.
             PERFORM set_config('maillon.journal_purge', 'on', true);
             DELETE FROM core_journalentry WHERE chain_index <= last_index;
             GET DIAGNOSTICS deleted = ROW_COUNT;
             PERFORM set_config('maillon.journal_purge', '', true);
             IF deleted > 0 THEN
               INSERT INTO core_journalentry (at, action, object_type, object_id, fields, note, previous_hash, hash)
               VALUES (now(), 'purge', 'core.JournalEntry', last_index::text, '[]'::jsonb,
                       format('Purge de conservation : %s entrée(s) antérieure(s) au %s ; la chaîne reprend au rang %s.',
                              deleted, to_char(cutoff, 'DD/MM/YYYY'), last_index + 1),
                       '', '');
             END IF;
             RETURN deleted;
           END $$""",  # nosec B608 — fixed SQL; only the schema, quoted by the database, is formatted in
        "REVOKE ALL ON FUNCTION core_journal_purge(timestamptz) FROM PUBLIC",
        # The delete trigger accepts the table's owner only: the function must belong to it.
        """DO $$
           DECLARE table_owner name := (SELECT pg_get_userbyid(relowner) FROM pg_class
                                        WHERE oid = 'core_journalentry'::regclass);
           BEGIN
             IF table_owner <> current_user THEN
               EXECUTE format('ALTER FUNCTION core_journal_purge(timestamptz) OWNER TO %I', table_owner);
             END IF;
           END $$""",
    ]


POSTGRESQL_REVERSE = [
    "DROP FUNCTION IF EXISTS core_journal_purge(timestamptz)",
    "DROP TRIGGER IF EXISTS core_journalentry_no_delete ON core_journalentry",
    "DROP FUNCTION IF EXISTS core_journalentry_guard_delete()",
    "DROP TRIGGER IF EXISTS core_journalentry_guard_row ON core_journalentry",
    "DROP FUNCTION IF EXISTS core_journalentry_guard_row()",
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


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = SQLITE if vendor == "sqlite" else postgresql(schema_editor) if vendor == "postgresql" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_throttleattempt")]

    operations = [
        migrations.AddField(
            model_name="journalentry",
            name="chain_index",
            field=models.BigIntegerField(
                blank=True, editable=False, null=True, unique=True, verbose_name="rang dans la chaîne"
            ),
        ),
        migrations.AddField(
            model_name="journalentry",
            name="previous_hash",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="empreinte précédente"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="journalentry",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="empreinte"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="journalentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Création"),
                    ("update", "Modification"),
                    ("delete", "Suppression"),
                    ("read", "Consultation"),
                    ("export", "Export"),
                    ("login", "Connexion"),
                    ("login_failed", "Échec de connexion"),
                    ("logout", "Déconnexion"),
                    ("import", "Import"),
                    ("transition", "Changement d'état"),
                    ("purge", "Purge de conservation"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
