"""One row of the members file, its outcome, and the preview of the whole file."""

from dataclasses import dataclass, field
from typing import ClassVar

from django.db.models import TextChoices

from maillon.core.imports import BaseRow, ColumnSet
from maillon.core.imports import Preview as BasePreview
from maillon.territories.models import Commune

from ..models import (
    College,
    Involvement,
)
from ..professions import Profession, Specialty, StructureKind
from .columns import COLUMN_SET

# --- Rows, errors, preview ------------------------------------------------------------


CARD_ELSEWHERE = (
    "Ce professionnel a déjà une fiche sur Maillon, apportée par une autre CPTS : il doit demander "
    "lui-même son adhésion (formulaire d'adhésion de la CPTS)."
)


class Outcome(TextChoices):
    CREATE = "create", "Nouveau professionnel et son adhésion"
    REUSE = "reuse", "Déjà inscrit sur Maillon : nouvelle adhésion"
    SKIP = "skip", "Déjà adhérent : ignoré"
    # A card another CPTS brought: this CPTS may not enrol it (and read its contacts) on
    # its own say-so; the person asks to join through the CPTS's adhesion form.
    ELSEWHERE = "elsewhere", "Fiche d'une autre CPTS : la personne doit demander son adhésion elle-même"


STRUCTURE_OUTCOME_LABELS = {
    Outcome.CREATE: "Nouvelle structure et son adhésion",
    Outcome.REUSE: "Structure déjà sur Maillon : nouvelle adhésion",
    Outcome.SKIP: "Déjà adhérente : ignorée",
}


@dataclass
class Row(BaseRow):
    COLUMNS: ClassVar[ColumnSet] = COLUMN_SET

    warnings: list[str] = field(default_factory=list)
    outcome: str | None = None
    existing_id: int | None = None
    # An adherent already here (SKIP) whose missions the file changes: the adhesion and its missions before.
    membership_id: int | None = None
    missions_before: list[int] | None = None
    # « Structure »: the structure to attach the row's practice place to (a row of the file, or
    # one on the platform), and for a professional already here, which of their places changes.
    structure_row: "Row | None" = None
    structure_id: int | None = None
    place_id: int | None = None
    # Clean values, set by the checks.
    profession: str = ""
    specialty: str = ""
    rpps: str | None = None
    adeli: str | None = None
    email: str = ""
    phone: str = ""
    skills: str = ""
    languages: list[str] = field(default_factory=list)
    commune: Commune | None = None
    college: College | None = None
    involvement: str = Involvement.MAILING_LIST
    missions: list[int] = field(default_factory=list)
    accepts_new_patients: bool = False
    takes_part_in_snp: bool = False
    # A structure's row: no RPPS nor ADELI, but a FINESS or a SIRET.
    is_structure: bool = False
    structure_name: str = ""
    structure_kind: str = ""
    finess: str | None = None
    siret: str | None = None

    @property
    def name(self):
        if self.is_structure:
            return self.structure_name or self.values.get("structure_name") or self.values.get("last_name", "")
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()

    @property
    def identifier(self):
        if self.is_structure:
            if self.finess or self.siret:
                return f"FINESS {self.finess}" if self.finess else f"SIRET {self.siret}"
            return self.values.get("finess") or self.values.get("siret") or ""
        if self.rpps or self.adeli:
            return f"RPPS {self.rpps}" if self.rpps else f"ADELI {self.adeli}"
        return self.values.get("rpps") or self.values.get("adeli") or ""

    @property
    def profession_label(self):
        if self.is_structure:
            if self.structure_kind:
                return StructureKind(self.structure_kind).label
            return self.values.get("structure_kind", "")
        if not self.profession:
            return self.values.get("profession", "")
        label = Profession(self.profession).label
        return f"{label} ({Specialty(self.specialty).label})" if self.specialty else label

    @property
    def updates_missions(self) -> bool:
        return self.missions_before is not None

    @property
    def outcome_label(self):
        if not self.outcome:
            return ""
        if self.updates_missions:
            before = ", ".join(map(str, self.missions_before)) or "aucune"
            after = ", ".join(map(str, self.missions))
            who = "Déjà adhérente" if self.is_structure else "Déjà adhérent"
            return f"{who} : missions mises à jour ({before} → {after})"
        if self.is_structure:
            return STRUCTURE_OUTCOME_LABELS.get(self.outcome, Outcome(self.outcome).label)
        return Outcome(self.outcome).label


@dataclass
class Preview(BasePreview):
    def count(self, outcome, *, structures=None):
        """Rows without error of that outcome; `structures`: True for structures only, False for professionals."""
        return sum(
            1
            for row in self.rows
            if row.outcome == outcome and not row.errors and structures in (None, row.is_structure)
        )

    @property
    def summary(self):
        return {
            "rows": len(self.rows),
            "errors": len(self.error_rows),
            "create": self.count(Outcome.CREATE, structures=False),
            "structures": self.count(Outcome.CREATE, structures=True),
            "reuse": self.count(Outcome.REUSE),
            "skip": self.count(Outcome.SKIP),
            "elsewhere": self.count(Outcome.ELSEWHERE),
            "missions": sum(1 for row in self.rows if row.updates_missions and not row.errors),
        }


@dataclass(frozen=True)
class ImportResult:
    created: int  # new professionals
    reused: int  # professionals and structures already on the platform, newly members
    skipped: int  # already members
    memberships: int
    structures: int = 0  # new structures
    missions_updated: int = 0  # adherents already here whose missions changed

    @property
    def message(self):
        structures = f", {self.structures} nouvelle(s) structure(s)" if self.structures else ""
        missions = (
            f" Missions mises à jour pour {self.missions_updated} adhérent(s) déjà présent(s)."
            if self.missions_updated
            else ""
        )
        return (
            f"Import terminé : {self.memberships} adhésion(s) créée(s) — {self.created} nouveau(x) professionnel(s)"
            f"{structures}, {self.reused} déjà inscrit(s) sur la plateforme ; {self.skipped} déjà adhérent(s), "
            f"ignoré(s).{missions}"
        )
