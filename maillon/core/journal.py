"""The audit journal: who did what to which object, and when — never the values.

Every write of a journaled model and every read of personal data goes through
`record`. The actor comes from the request (set by `ActorMiddleware`) or is
given explicitly by commands and tasks.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_current_actor = ContextVar("maillon_current_actor", default=None)


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
    JournalEntry.objects.bulk_create(
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


def record_reads(model, pks, fields, *, cpts_id, note=""):
    """A list shows rows of `model`: one READ entry per row shown (its id and the field
    names, never values), written in one query."""
    record_many(Action.READ, model, [(pk, cpts_id, note) for pk in dict.fromkeys(pks)], fields=fields)


def record_read(obj, fields, *, actor=None, cpts_id=None):
    """Journal that personal fields of `obj` were shown or sent to someone
    (`cpts_id`: the CPTS in whose space it was read, for objects shared by several)."""
    return record(Action.READ, obj, fields=fields, actor=actor, cpts_id=cpts_id)
