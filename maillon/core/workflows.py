"""One mechanism for every state machine of the product.

A model declares its states and transitions once::

    class Membership(JournaledModel):
        status = models.CharField(choices=MembershipStatus.choices, ...)
        workflow = Workflow(
            log="members.MembershipEvent",
            subject="Cette adhésion",
            transitions=[
                Transition("accept", source=MembershipStatus.REQUESTED, target=MembershipStatus.ACTIVE),
                ...
            ],
        )

        @transaction.atomic
        def accept(self, *, by, on=None):
            self.workflow.run(self, "accept", by=by, changes={"joined_on": on or timezone.localdate()})

`Workflow.run` checks that the transition leaves from the current state, moves the row with
a conditional UPDATE (only from the state this copy holds: a concurrent move makes the loser
fail instead of writing over the winner), writes one row of the model's transition log (a
concrete subclass of `TransitionLog`) and one `transition` entry of the audit journal.

Illegal moves raise `TransitionNotAllowed`, a `ValidationError` on the state field (the pages
show it as they show any validation error; the API answers it 409 with the current state).
A state field changes only here: `save()` of a workflow model refuses a changed state.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import pre_save
from django.utils import timezone

from . import journal

ANY = "*"

# Every workflow declared by a model, for the guards of tests/test_consistency.py.
REGISTRY: list[Workflow] = []


class TransitionNotAllowed(ValidationError):
    """The object is not in a state this transition leaves from (or it moved meanwhile)."""

    def __init__(self, message: str, *, field: str, status: str, status_label: str):
        super().__init__({field: message})
        self.detail = message
        self.status = status
        self.status_label = status_label


class StateChangedOutsideWorkflow(RuntimeError):
    """A programming error: a state field was assigned and saved instead of transitioned."""


class TransitionLog(models.Model):
    """One row per transition: who, when, from, to, and a note. Each workflow model has
    its concrete subclass with a foreign key to the object (named by `Workflow.log_fk`)."""

    from_status = models.CharField("état de départ", max_length=30, blank=True)
    to_status = models.CharField("nouvel état", max_length=30)
    at = models.DateTimeField("le", default=timezone.now)
    # Keep the history when the account is erased.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    note = models.CharField("note", max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"

    def _workflow(self) -> Workflow:
        return next(workflow for workflow in REGISTRY if workflow.log_label == self._meta.label)

    # The French labels, as Django's `get_FOO_display` would give them for a field with choices.
    def get_from_status_display(self) -> str:
        return self._workflow().label_of(self.from_status) if self.from_status else ""

    def get_to_status_display(self) -> str:
        return self._workflow().label_of(self.to_status)


def transition_log(model, verbose_name: str, verbose_name_plural: str = "", *, related_name="events", ordering=None):
    """The concrete transition log of `model`, named and keyed as its workflow says
    (`log="mt.OfferEvent"`, `log_fk="offer"`): a `TransitionLog` with a foreign key to the object,
    deleted with it, ordered by object then time unless `ordering` says otherwise. Declared in the
    model's module, after the model::

        OfferEvent = transition_log(DoctorOffer, "changement d'état d'une offre", "changements d'état des offres")

    A log with fields or methods of its own is a subclass written out (`PatientEvent`, `PlanEvent`)."""
    workflow = workflow_of(model)
    app_label, name = workflow.log_label.split(".")
    if app_label != model._meta.app_label:
        raise TypeError(f"{workflow.log_label}: a transition log lives in the app of {model._meta.label}.")
    meta = {"verbose_name": verbose_name, "ordering": ordering or [workflow.log_fk, "at", "pk"]}
    if verbose_name_plural:
        meta["verbose_name_plural"] = verbose_name_plural
    attrs = {
        "__module__": model.__module__,
        "__qualname__": name,
        "__doc__": f"The transition log of a {model.__name__}.",
        workflow.log_fk: models.ForeignKey(
            model, on_delete=models.CASCADE, related_name=related_name, verbose_name=model._meta.verbose_name
        ),
        "Meta": type("Meta", (TransitionLog.Meta,), meta),
    }
    return type(name, (TransitionLog,), attrs)


class Transition:
    """A named move from one or several states (or `ANY` open state) to one target."""

    def __init__(self, name: str, *, source, target: str):
        self.name = name
        self.source = ANY if source == ANY else frozenset(_as_list(source))
        self.target = target

    def leaves_from(self, state: str) -> bool:
        return self.source == ANY or state in self.source

    def __repr__(self):
        return f"Transition({self.name!r} → {self.target!r})"


def _as_list(source) -> list[str]:
    if isinstance(source, str):
        return [source]
    return list(source)


class Workflow:
    """The states and transitions of one model's state field, declared once.

    - `log`: "app_label.ModelName" of the model's `TransitionLog` subclass;
    - `log_fk`: the name of that log's foreign key to the object (default: the model's name);
    - `subject`: how messages name the object (« Cette adhésion »);
    - `final`: states no transition leaves (`ANY` sources never leave them either);
    - `refusal`: the phrase of an illegal move, with `{subject}` and `{label}` (the current state).
    """

    def __init__(
        self,
        *,
        transitions: Iterable[Transition],
        log: str,
        subject: str,
        field: str = "status",
        log_fk: str | None = None,
        final: Iterable[str] = (),
        refusal: str = "{subject} est « {label} » : l'action n'est pas possible.",
    ):
        self.transitions = {transition.name: transition for transition in transitions}
        self.log_label = log
        self.subject = subject
        self.field = field
        self._log_fk = log_fk
        self.final = frozenset(final)
        self.refusal_phrase = refusal
        self.model = None

    # Django calls this for class attributes that have it: it binds the workflow to its model.
    def contribute_to_class(self, cls, name):
        if not hasattr(cls, "_journal_changed_fields"):
            raise TypeError(f"{cls.__name__}: a workflow model is a JournaledModel (its guard reads the loaded state).")
        self.model = cls
        setattr(cls, name, self)
        if not cls._meta.abstract:
            REGISTRY.append(self)
            pre_save.connect(refuse_state_change_outside_workflow, sender=cls, weak=False)

    def __repr__(self):
        return f"<Workflow {self.model._meta.label if self.model else '?'}.{self.field}>"

    # --- Reading -----------------------------------------------------------------------------

    @property
    def log_model(self):
        return apps.get_model(self.log_label)

    @property
    def log_fk(self) -> str:
        return self._log_fk or self.model._meta.model_name

    @property
    def states(self):
        return self.model._meta.get_field(self.field).choices

    def label_of(self, state: str) -> str:
        return dict(self.states).get(state, state)

    def state_of(self, instance) -> str:
        return getattr(instance, self.field)

    def leaves(self, transition: Transition, state: str) -> bool:
        if transition.source == ANY:
            return state not in self.final
        return transition.leaves_from(state)

    def can(self, instance, name: str) -> bool:
        """Whether `name` leaves from the state this copy holds (for buttons and API hints)."""
        return self.leaves(self.transitions[name], self.state_of(instance))

    def available(self, instance) -> list[str]:
        state = self.state_of(instance)
        return [name for name, transition in self.transitions.items() if self.leaves(transition, state)]

    def targets_from(self, state: str) -> set[str]:
        return {t.target for t in self.transitions.values() if self.leaves(t, state)}

    # --- Moving ------------------------------------------------------------------------------

    def refusal(self, instance, state: str | None = None, *, message: str = "") -> TransitionNotAllowed:
        """The refusal of a move from the current state: the workflow's phrase, or `message` when the
        transition has words of its own (« Soumission : seule une version en brouillon… »)."""
        state = self.state_of(instance) if state is None else state
        label = self.label_of(state)
        return TransitionNotAllowed(
            message or self.refusal_phrase.format(subject=self.subject, label=label),
            field=self.field,
            status=state,
            status_label=label,
        )

    def check(self, instance, name: str, *, message: str = "") -> Transition:
        transition = self.transitions[name]
        if not self.leaves(transition, self.state_of(instance)):
            raise self.refusal(instance, message=message)
        return transition

    def run(self, instance, name: str, *, by, note: str = "", changes: dict | None = None, log: dict | None = None):
        """Take transition `name`: check, move the row (with `changes`, other fields written in
        the same UPDATE), log (`log`: the concrete log's extra fields) and journal.

        Returns the log row."""
        transition = self.check(instance, name)
        before = self.state_of(instance)
        values = {self.field: transition.target, **(changes or {})}
        with transaction.atomic():
            moved = type(instance)._base_manager.filter(pk=instance.pk, **{self.field: before}).update(**values)
            if not moved:
                raise self._stale(instance)
            for name_, value in values.items():
                setattr(instance, name_, value)
            self._mark_saved(instance, values)
            entry = self.log_model.objects.create(
                **{self.log_fk: instance},
                from_status=before,
                to_status=transition.target,
                by=by,
                note=(note or "")[:200],
                **(log or {}),
            )
            journal.record(
                journal.Action.TRANSITION,
                instance,
                fields=list(values),
                actor=by,
                note=f"{before} → {transition.target}",
            )
        return entry

    def run_many(self, queryset, name: str, *, by, note: str = "", changes: dict | None = None) -> int:
        """Take transition `name` for every row of `queryset` that is in a state it leaves from
        (the others are left alone): one locked read, one UPDATE, one insert of log rows and
        one of journal entries, whatever the number of rows. Returns the number moved."""
        transition = self.transitions[name]
        sources = [state for state, _ in self.states if self.leaves(transition, state)]
        model = self.model
        has_cpts = any(field.attname == "cpts_id" for field in model._meta.concrete_fields)
        columns = ["pk", self.field, *(["cpts_id"] if has_cpts else [])]
        with transaction.atomic():
            rows = list(
                queryset.filter(**{f"{self.field}__in": sources})
                .select_for_update()
                .order_by("pk")
                .values_list(*columns)
            )
            if not rows:
                return 0
            values = {self.field: transition.target, **(changes or {})}
            moved = model._base_manager.filter(
                pk__in=[row[0] for row in rows], **{f"{self.field}__in": sources}
            ).update(**values)
            if moved != len(rows):
                raise TransitionNotAllowed(
                    f"{self.subject} : certains ont changé entre-temps, rien n'a été fait.",
                    field=self.field,
                    status="",
                    status_label="",
                )
            at = timezone.now()
            self.log_model.objects.bulk_create(
                self.log_model(
                    **{f"{self.log_fk}_id": row[0]},
                    from_status=row[1],
                    to_status=transition.target,
                    at=at,
                    by=by,
                    note=(note or "")[:200],
                )
                for row in rows
            )
            journal.record_many(
                journal.Action.TRANSITION,
                model,
                [(row[0], row[2] if has_cpts else None, f"{row[1]} → {transition.target}") for row in rows],
                fields=list(values),
                actor=by,
            )
        return moved

    def start(self, instance, *, by, note: str = "", log: dict | None = None):
        """Log the state a new object was created in (the first row of its log)."""
        return self.log_model.objects.create(
            **{self.log_fk: instance},
            from_status="",
            to_status=self.state_of(instance),
            by=by,
            note=(note or "")[:200],
            **(log or {}),
        )

    def _stale(self, instance) -> TransitionNotAllowed:
        current = type(instance)._base_manager.filter(pk=instance.pk).values_list(self.field, flat=True).first()
        label = self.label_of(current) if current is not None else ""
        return TransitionNotAllowed(
            f"{self.subject} a changé entre-temps : l'action n'est pas possible.",
            field=self.field,
            status=current or "",
            status_label=label,
        )

    def _mark_saved(self, instance, values: dict):
        """The journal's copy of the loaded values follows the UPDATE, so a later `save()`
        neither journals these fields again nor trips the state guard."""
        loaded = getattr(instance, "_journal_loaded", None)
        if loaded is None:
            instance._journal_loaded = loaded = {}
        for name in values:
            attname = instance._meta.get_field(name).attname
            loaded[attname] = getattr(instance, attname)  # `decided_by=user` is stored as its id


def state_fields_of(model) -> set[str]:
    """The state fields of `model` that a workflow moves (none for most models)."""
    return {workflow.field for workflow in REGISTRY if issubclass(model, workflow.model)}


def workflow_of(model) -> Workflow | None:
    return next((workflow for workflow in REGISTRY if workflow.model is model), None)


def refuse_state_change_outside_workflow(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save guard: an existing row's state changes only through `Workflow.run` (a state
    assigned on the object is refused even when the save would not write it: it is a mistake)."""
    if raw or instance._state.adding or instance.pk is None:
        return
    for workflow in REGISTRY:
        if not isinstance(instance, workflow.model):
            continue
        known = _known_state(instance, workflow)
        if known is not None and getattr(instance, workflow.field) != known:
            raise StateChangedOutsideWorkflow(
                f"{instance._meta.label}.{workflow.field} changes only through its workflow's transitions."
            )


def _known_state(instance, workflow):
    loaded = getattr(instance, "_journal_loaded", None)
    if loaded is not None:
        return loaded.get(instance._meta.get_field(workflow.field).attname)
    return None
