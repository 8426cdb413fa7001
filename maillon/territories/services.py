"""Writes on CPTS territories. Every change is dated, journaled and checked by
the database constraint `commune_in_one_current_territory`."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from maillon.core.identifiers import INSEE_COMMUNE_PATTERN
from maillon.core.models import Cpts, CptsStatus

from .models import Commune, TerritoryCommune
from .taille import taille_for_population


@dataclass(frozen=True)
class Conflict:
    commune: Commune
    cpts: Cpts

    @property
    def message(self):
        commune = f"{self.commune.name} ({self.commune.code})"
        return f"La commune {commune} est déjà dans le territoire de la CPTS « {self.cpts.name} »."


class TerritoryConflictError(ValidationError):
    def __init__(self, conflicts):
        self.conflicts = conflicts
        super().__init__([conflict.message for conflict in conflicts], code="territory_conflict")


class UnknownCommuneError(ValidationError):
    def __init__(self, codes):
        self.codes = sorted(codes)
        super().__init__(f"Code(s) commune inconnu(s) : {', '.join(self.codes)}.", code="unknown_commune")


def today():
    return timezone.localdate()


def communes_by_code(codes) -> dict[str, Commune]:
    codes = {str(code).strip().upper() for code in codes}
    # Only well-formed codes reach the database (a NUL byte would fail there).
    found = Commune.objects.in_bulk({code for code in codes if INSEE_COMMUNE_PATTERN.match(code)})
    unknown = codes - set(found)
    if unknown:
        raise UnknownCommuneError(unknown)
    return found


def find_conflicts(communes, *, excluding_cpts=None, on=None) -> list[Conflict]:
    """Rows of other CPTS holding these communes now, or — with `on` — at any time from `on`."""
    rows = TerritoryCommune.objects.filter(commune__in=communes).select_related("cpts", "commune")
    rows = rows.current() if on is None else rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    if excluding_cpts is not None:
        rows = rows.exclude(cpts=excluding_cpts)
    return [Conflict(commune=row.commune, cpts=row.cpts) for row in rows.order_by("commune__code")]


@dataclass(frozen=True)
class Simulation:
    communes: list[Commune]
    population: int
    taille: int
    conflicts: list[Conflict]


def simulate(codes, *, for_cpts=None) -> Simulation:
    """Population, taille and conflicts of a would-be territory; writes nothing."""
    communes = sorted(communes_by_code(codes).values(), key=lambda commune: commune.code)
    population = sum(commune.population for commune in communes)
    return Simulation(
        communes=communes,
        population=population,
        taille=taille_for_population(population),
        conflicts=find_conflicts(communes, excluding_cpts=for_cpts),
    )


def current_population(cpts) -> int:
    return population_on(cpts, None)


def population_on(cpts, date: datetime.date | None) -> int:
    rows = TerritoryCommune.objects.for_cpts(cpts)
    rows = rows.current() if date is None else rows.on(date)
    return rows.aggregate(total=Sum("commune__population"))["total"] or 0


def communes_on(cpts, date: datetime.date | None = None):
    rows = TerritoryCommune.objects.for_cpts(cpts)
    rows = rows.current() if date is None else rows.on(date)
    return Commune.objects.filter(pk__in=rows.values("commune_id")).select_related("departement")


@dataclass(frozen=True)
class TerritoryChange:
    added: list[str]
    removed: list[str]


def check_not_in_future(on):
    if on > today():
        raise ValidationError(
            "La date d'effet ne peut pas être dans le futur : enregistrez le changement le jour où il prend effet."
        )


def lock(cpts) -> Cpts:
    """Serialise the changes of one CPTS (a double submit, a dissolution during an edit)."""
    return Cpts.objects.select_for_update().get(pk=cpts.pk)


@transaction.atomic
def set_territory(cpts, codes, *, on=None, by=None) -> TerritoryChange:
    """Make the territory of `cpts` exactly `codes` from date `on` (default today).

    Refuses, naming the other CPTS, any commune held by another CPTS on or after
    `on` (so dated histories never overlap); all or nothing.
    """
    on = on or today()
    check_not_in_future(on)
    cpts = lock(cpts)
    if cpts.is_dissolved:
        raise ValidationError("Une CPTS dissoute n'a plus de territoire.")
    wanted = communes_by_code(codes)
    current_rows = {
        row.commune_id: row for row in TerritoryCommune.objects.for_cpts(cpts).current().select_for_update()
    }
    to_add = [wanted[code] for code in sorted(set(wanted) - set(current_rows))]
    to_remove = [current_rows[code] for code in sorted(set(current_rows) - set(wanted))]

    conflicts = find_conflicts(to_add, excluding_cpts=cpts, on=on)
    if conflicts:
        raise TerritoryConflictError(conflicts)
    _check_no_overlap_with_own_history(cpts, to_add, on)
    for row in to_remove:
        _close_row(row, on)
    for commune in to_add:
        _open_row(cpts, commune, on)
    return TerritoryChange(added=[c.code for c in to_add], removed=[row.commune_id for row in to_remove])


def _check_no_overlap_with_own_history(cpts, communes, on):
    """A commune that left this CPTS after `on` cannot come back from `on`."""
    row = (
        TerritoryCommune.objects.for_cpts(cpts)
        .filter(commune__in=communes, valid_to__gt=on)
        .select_related("commune")
        .order_by("-valid_to")
        .first()
    )
    if row is not None:
        raise ValidationError(
            f"La commune {row.commune} a quitté le territoire le {row.valid_to:%d/%m/%Y} : "
            "elle ne peut y revenir qu'à partir de cette date."
        )


def _open_row(cpts, commune, on):
    try:
        with transaction.atomic():
            TerritoryCommune.objects.create(cpts=cpts, commune=commune, valid_from=on)
    except IntegrityError as error:
        # Another request took the commune between our check and our insert.
        conflicts = find_conflicts([commune], excluding_cpts=cpts)
        if conflicts:
            raise TerritoryConflictError(conflicts) from error
        raise


def _close_row(row, on):
    if on < row.valid_from:
        raise ValidationError(
            f"La commune {row.commune_id} est dans le territoire depuis le {row.valid_from:%d/%m/%Y} : "
            "la date du changement ne peut pas la précéder."
        )
    if on == row.valid_from:
        row.delete()  # in and out the same day: the period is empty
    else:
        row.valid_to = on
        row.save(update_fields=["valid_to"])


@transaction.atomic
def dissolve(cpts, *, on=None, by=None):
    """Record the dissolution and free the CPTS's communes from that date."""
    on = on or today()
    check_not_in_future(on)
    lock(cpts).check_next_step(CptsStatus.DISSOLVED)  # a refused transition changes nothing
    rows = list(TerritoryCommune.objects.for_cpts(cpts).current().select_for_update())
    latest = max((row.valid_from for row in rows), default=None)
    if latest is not None and on < latest:
        # Checked before anything changes, so a refusal leaves the CPTS as it was.
        raise ValidationError(
            f"Une commune est entrée dans le territoire le {latest:%d/%m/%Y} : la dissolution ne peut pas la précéder."
        )
    step = cpts.record_step(status=CptsStatus.DISSOLVED, on=on, by=by)
    for row in rows:
        _close_row(row, on)
    return step


def record_step(cpts, *, status, on=None, by=None):
    """Lifecycle step; a dissolution also frees the territory."""
    on = on or today()
    if status == CptsStatus.DISSOLVED:
        return dissolve(cpts, on=on, by=by)
    return cpts.record_step(status=status, on=on, by=by)
