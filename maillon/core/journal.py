"""The audit journal: who did what to which object, and when — never the values.

Every write of a journaled model and every read of personal data goes through
`record`. The actor comes from the request (set by `ActorMiddleware`) or is
given explicitly by commands and tasks.
"""

import datetime
import hashlib
import json
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import DatabaseError, connections, router, transaction

logger = logging.getLogger(__name__)

_current_actor = ContextVar("maillon_current_actor", default=None)

# The PostgreSQL advisory lock that sealing and the purge function take (the migration
# 0007_journal_chain writes the same number into the function).
SEAL_LOCK_KEY = 7310455871240019
SEAL_CHUNK = 1000
VERIFY_CHUNK = 2000


class Action:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    READ = "read"
    EXPORT = "export"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    IMPORT = "import"
    TRANSITION = "transition"
    PURGE = "purge"

    CHOICES = [
        (CREATE, "Création"),
        (UPDATE, "Modification"),
        (DELETE, "Suppression"),
        (READ, "Consultation"),
        (EXPORT, "Export"),
        (LOGIN, "Connexion"),
        (LOGIN_FAILED, "Échec de connexion"),
        (LOGOUT, "Déconnexion"),
        (IMPORT, "Import"),
        (TRANSITION, "Changement d'état"),
        (PURGE, "Purge de conservation"),
    ]


def current_actor():
    return _current_actor.get()


@contextmanager
def acting_as(user):
    """Attribute the writes of a block (a command, a task) to `user`."""
    token = _current_actor.set(user)
    try:
        yield
    finally:
        _current_actor.reset(token)


def set_actor(user):
    return _current_actor.set(user)


def reset_actor(token):
    _current_actor.reset(token)


def object_type_of(obj) -> str:
    return obj._meta.label


def record(action, obj=None, *, fields=(), actor=None, cpts_id=None, object_type=None, object_id=None, note=""):
    from .models import JournalEntry

    actor = actor if actor is not None else current_actor()
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id if object_id is not None else obj.pk
        if cpts_id is None:
            cpts_id = getattr(obj, "cpts_id", None)
    return JournalEntry.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        object_type=object_type or "",
        object_id=str(object_id) if object_id is not None else "",
        fields=sorted(fields),
        cpts_id=cpts_id,
        note=note,
    )


def record_many(action, model, rows, *, fields=(), actor=None):
    """One entry per row of `model` in one query: `rows` are (pk, cpts_id, note)."""
    from .models import JournalEntry  # models import this module

    actor = actor if actor is not None else current_actor()
    entries = JournalEntry.objects.bulk_create(
        [
            JournalEntry(
                action=action,
                actor_id=getattr(actor, "pk", None),
                object_type=model._meta.label,
                object_id=str(pk),
                fields=sorted(fields),
                cpts_id=cpts_id,
                note=note[:200],
            )
            for pk, cpts_id, note in rows
        ]
    )
    if entries:
        seal_after_commit()


def record_reads(model, pks, fields, *, cpts_id, note=""):
    """A list shows rows of `model`: one READ entry per row shown (its id and the field
    names, never values), written in one query."""
    record_many(Action.READ, model, [(pk, cpts_id, note) for pk in dict.fromkeys(pks)], fields=fields)


def record_read(obj, fields, *, actor=None, cpts_id=None):
    """Journal that personal fields of `obj` were shown or sent to someone
    (`cpts_id`: the CPTS in whose space it was read, for objects shared by several)."""
    return record(Action.READ, obj, fields=fields, actor=actor, cpts_id=cpts_id)


# --- The hash chain -------------------------------------------------------------------------
#
# Entries are inserted unsealed, inside whatever transaction writes them: no lock is taken
# there, so a long request never waits on the journal and never deadlocks on it. Once the
# transaction commits, a short transaction of its own seals every unsealed entry in id order
# under one lock (PostgreSQL: an advisory transaction lock; SQLite: its write lock): each gets
# the next `chain_index`, the hash of the entry before it and its own hash. The retention purge
# and `verify_journal --seal` (the owner's daily cron) seal whatever a crash left unsealed.


def _db_alias(using):
    from .models import JournalEntry

    return using or router.db_for_write(JournalEntry)


def canonical(values: dict, *, chain_index: int, previous_hash: str) -> bytes:
    """The bytes an entry's hash covers: its content, its rank and the previous hash, in one
    fixed JSON form (sorted keys, no spaces, dates in UTC to the microsecond)."""
    at = values["at"].astimezone(datetime.UTC).isoformat(timespec="microseconds")
    payload = {name: values[name] for name in ("id", "actor_id", "action", "object_type", "object_id")}
    payload.update(
        at=at,
        fields=values["fields"],
        cpts_id=values["cpts_id"],
        note=values["note"],
        chain_index=chain_index,
        previous_hash=previous_hash,
    )
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(values: dict, *, chain_index: int, previous_hash: str) -> str:
    return hashlib.sha256(canonical(values, chain_index=chain_index, previous_hash=previous_hash)).hexdigest()


def _take_chain_lock(connection, *, wait=True) -> bool:
    """Take the chain's lock for the current transaction; without `wait`, give up (False)
    when another transaction holds it (PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if wait:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
                return True
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
            return bool(cursor.fetchone()[0])
        # SQLite: a write statement takes the database's write lock at once, held to commit.
        cursor.execute("UPDATE core_journalentry SET note = note WHERE 0 = 1")
        return True


def _write_seals(connection, table, seals):
    """One UPDATE for a chunk of seals (id, chain_index, previous_hash, hash): a join on a
    VALUES list, both databases (Django's bulk_update builds a CASE per row and column)."""
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(seals))
    sql = (
        f"UPDATE {table} SET chain_index = v.column2, previous_hash = v.column3, hash = v.column4 "  # nosec B608
        f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1"  # the model's table, placeholders only
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for seal in seals for value in seal])


def seal_pending(*, using=None, wait=True) -> int:
    """Seal every unsealed entry, in id order, in one short transaction; returns how many.
    Without `wait`, do nothing when another transaction is sealing (PostgreSQL): that one
    reads the pending entries again before it lets go, and the daily seal catches the rest."""
    from .models import JournalEntry

    alias = _db_alias(using)
    connection = connections[alias]
    content = JournalEntry.CONTENT_FIELDS
    sealed = 0
    with transaction.atomic(using=alias):
        if not _take_chain_lock(connection, wait=wait):
            return 0
        head = None
        while True:
            pending = list(JournalEntry.objects.using(alias).unsealed().order_by("id").values(*content)[:SEAL_CHUNK])
            if not pending:
                break
            if head is None:
                head = (
                    JournalEntry.objects.using(alias)
                    .sealed()
                    .order_by("-chain_index")
                    .values_list("chain_index", "hash")
                    .first()
                ) or (0, "")
            index, previous = head
            seals = []
            for values in pending:
                index += 1
                digest = entry_hash(values, chain_index=index, previous_hash=previous)
                seals.append((values["id"], index, previous, digest))
                previous = digest
            # The trigger lets a seal through: an unsealed entry, its content unchanged.
            _write_seals(connection, JournalEntry._meta.db_table, seals)
            head = (index, previous)
            sealed += len(seals)
    return sealed


def _seal_after_commit_callback(alias):
    def seal():
        try:
            seal_pending(using=alias, wait=False)
        except DatabaseError as error:
            # The next commit or `verify_journal --seal` (daily) seals what is left.
            logger.warning("Journal: scellement reporté (%s).", type(error).__name__)

    seal.maillon_journal_seal = True
    return seal


def seal_after_commit(*, using=None):
    """Seal the entries this transaction wrote once it commits (once per transaction).
    Off when MAILLON_JOURNAL_SEAL_ON_COMMIT is false: the daily `verify_journal --seal` seals."""
    from django.conf import settings

    if not getattr(settings, "MAILLON_JOURNAL_SEAL_ON_COMMIT", True):
        return
    alias = _db_alias(using)
    connection = connections[alias]
    if connection.in_atomic_block and any(
        getattr(func, "maillon_journal_seal", False) for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_seal_after_commit_callback(alias), using=alias)


def can_purge(*, using=None) -> bool:
    """Whether this connection may run the retention purge (on PostgreSQL, the table's owner
    only: the application role may not)."""
    connection = connections[_db_alias(using)]
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regprocedure('core_journal_purge(timestamptz)') IS NOT NULL "
            "AND has_function_privilege(current_user, 'core_journal_purge(timestamptz)', 'EXECUTE')"
        )
        return bool(cursor.fetchone()[0])


def purge(cutoff, *, using=None) -> int:
    """Delete the longest prefix of the chain older than `cutoff` (never its head) and append
    a marker entry saying where the chain now starts. PostgreSQL: through the function
    `core_journal_purge`, which only the table's owner may execute."""
    from .models import JournalEntry, JournalPurgePermit

    alias = _db_alias(using)
    connection = connections[alias]
    seal_pending(using=alias)
    with transaction.atomic(using=alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT core_journal_purge(%s)", [cutoff])
                deleted = cursor.fetchone()[0]
        else:
            deleted = _purge_with_permit(JournalEntry, JournalPurgePermit, cutoff, alias)
    if deleted:
        seal_pending(using=alias)
    return deleted


def _purge_with_permit(JournalEntry, JournalPurgePermit, cutoff, alias):
    """SQLite (development): the same prefix purge, the permit row opening the delete trigger."""
    connection = connections[alias]
    _take_chain_lock(connection)
    entries = JournalEntry.objects.using(alias).sealed()
    head = entries.order_by("-chain_index").values_list("chain_index", flat=True).first()
    if head is None:
        return 0
    first_kept = entries.filter(at__gte=cutoff).order_by("chain_index").values_list("chain_index", flat=True).first()
    last_index = min(head if first_kept is None else first_kept - 1, head - 1)
    permit = JournalPurgePermit.objects.using(alias).create()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {JournalEntry._meta.db_table} WHERE chain_index <= %s", [last_index])  # nosec B608 - table of the model
        deleted = cursor.rowcount
    if deleted > 0:
        JournalEntry.objects.using(alias).create(
            action=Action.PURGE,
            object_type=JournalEntry._meta.label,
            object_id=str(last_index),
            note=(
                f"Purge de conservation : {deleted} entrée(s) antérieure(s) au {cutoff:%d/%m/%Y} ; "
                f"la chaîne reprend au rang {last_index + 1}."
            ),
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {JournalPurgePermit._meta.db_table} WHERE id = %s", [permit.pk])  # nosec B608 - table of the model
    return deleted


@dataclass
class Verification:
    """What `verify` found: entries checked, the chain's first and last rank and hash, and
    the problems (gaps and edits), the first `limit` of them described."""

    checked: int = 0
    first_index: int | None = None
    head_index: int | None = None
    head_hash: str = ""
    unsealed: int = 0
    gaps: int = 0
    edits: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.gaps or self.edits)


def verify(*, using=None, limit=50, expected_head=None) -> Verification:
    """Walk the chain in rank order, by chunks (constant memory): every entry's hash must
    match its content, every rank follow the one before and every previous hash be the
    hash of the entry before. The first entry is rank 1, or follows a purge marker naming the
    rank before it. `expected_head` (rank, hash), anchored outside the database, must match."""
    from .models import JournalEntry

    alias = _db_alias(using)
    result = Verification()
    entries = JournalEntry.objects.using(alias)
    result.unsealed = entries.unsealed().count()
    columns = (*JournalEntry.CONTENT_FIELDS, "chain_index", "previous_hash", "hash")

    def problem(kind, text):
        setattr(result, kind, getattr(result, kind) + 1)
        if len(result.problems) < limit:
            result.problems.append(text)

    previous_index, previous_hash = None, None
    while True:
        chunk = entries.sealed()
        if previous_index is not None:
            chunk = chunk.filter(chain_index__gt=previous_index)
        rows = list(chunk.order_by("chain_index").values(*columns)[:VERIFY_CHUNK])
        for values in rows:
            index = values["chain_index"]
            if previous_index is None:
                result.first_index = index
                if index == 1:
                    if values["previous_hash"]:
                        problem("edits", f"Rang 1 (entrée {values['id']}) : empreinte précédente inattendue.")
                elif not entries.filter(action=Action.PURGE, object_id=str(index - 1)).exists():
                    problem(
                        "gaps",
                        f"Début de la chaîne au rang {index} sans purge qui l'explique : "
                        f"entrées des rangs 1 à {index - 1} manquantes.",
                    )
            elif index != previous_index + 1:
                problem("gaps", f"Entrée(s) manquante(s) : rangs {previous_index + 1} à {index - 1}.")
            elif values["previous_hash"] != previous_hash:
                problem("edits", f"Rang {index} (entrée {values['id']}) : chaînage rompu avec le rang {index - 1}.")
            expected = entry_hash(values, chain_index=index, previous_hash=values["previous_hash"])
            if values["hash"] != expected:
                problem("edits", f"Rang {index} (entrée {values['id']}) : contenu modifié depuis son scellement.")
            previous_index, previous_hash = index, values["hash"]
            result.checked += 1
        if len(rows) < VERIFY_CHUNK:
            break
    result.head_index, result.head_hash = previous_index, previous_hash or ""
    if expected_head is not None:
        index, digest = expected_head
        stored = entries.filter(chain_index=index).values_list("hash", flat=True).first()
        if stored is None:
            problem("gaps", f"Tête ancrée introuvable : aucune entrée au rang {index}.")
        elif stored != digest:
            problem("edits", f"Tête ancrée : l'empreinte du rang {index} ne correspond plus.")
    return result
