"""Analyse a whole file and write it, all or nothing."""

from django.utils import timezone

from maillon.core import imports as kit
from maillon.core import journal
from maillon.territories.models import normalize_name

from .. import services
from ..models import (
    Membership,
    MembershipEvent,
    MembershipStatus,
    MissionParticipation,
    PracticePlace,
    Professional,
    Structure,
)
from .columns import COLUMN_SET, COLUMNS_BY_KEY, PROFESSIONAL_NUMBERS, REQUIRED_KEYS, STRUCTURE_NUMBERS
from .platform import check_rows
from .rows import ImportResult, Outcome, Preview, Row

# --- Public face ----------------------------------------------------------------------


def records_of(lines, preview, mapping=None):
    return IMPORTER.records_of(lines, preview, mapping)


def analyse(cpts, content: bytes, filename: str = "", *, mapping=None) -> Preview:
    """Read and check the whole file; writes nothing."""
    return IMPORTER.analyse(cpts, content, filename, mapping=mapping)


def commit(cpts, content: bytes, filename: str = "", *, by, mapping=None) -> ImportResult:
    """All or nothing (the kit): analyse again, then write everything or nothing."""
    return IMPORTER.commit(cpts, content, filename, by=by, mapping=mapping)


NAMES = ("first_name", "last_name")
PROFESSIONAL_FIELDS = (
    *("profession", "specialty", "rpps", "adeli", "email", "phone", "skills"),
    *("accepts_new_patients", "takes_part_in_snp"),
)


def new_professional(row: Row) -> Professional:
    professional = Professional(**row.as_fields(texts=NAMES, cleaned=PROFESSIONAL_FIELDS))
    # bulk_create skips save(): compute what it would have.
    professional.search_text = professional.build_search_text()
    professional.skills_search = normalize_name(professional.skills)
    return professional


def new_place(row: Row, professional_id, *, structure_id=None) -> PracticePlace:
    return PracticePlace(
        professional_id=professional_id,
        structure_id=structure_id,
        address=row.values.get("address", ""),
        commune=row.commune,
        phone=row.phone,
        is_main=True,
    )


def new_structure(row: Row) -> Structure:
    structure = Structure(
        name=row.structure_name,
        kind=row.structure_kind,
        finess=row.finess,
        siret=row.siret,
        address=row.values.get("address", ""),
        commune=row.commune,
        phone=row.phone,
        email=row.email,
    )
    # bulk_create skips save(): compute what it would have.
    structure.search_text = normalize_name(f"{structure.name} {structure.get_kind_display()}")
    return structure


def write(cpts, preview: Preview, *, by) -> ImportResult:
    """Bulk writes, then ONE journal entry per kind of card (bulk_create skips the per-row journal)."""
    now, today = timezone.now(), timezone.localdate()
    new_structure_rows = [row for row in preview.rows if row.outcome == Outcome.CREATE and row.is_structure]
    structures = Structure.objects.bulk_create([new_structure(row) for row in new_structure_rows])
    structure_ids = {id(row): structure.pk for row, structure in zip(new_structure_rows, structures, strict=True)}
    created_rows = [row for row in preview.rows if row.outcome == Outcome.CREATE and not row.is_structure]
    professionals = Professional.objects.bulk_create([new_professional(row) for row in created_rows])
    ids = {id(row): professional.pk for row, professional in zip(created_rows, professionals, strict=True)}
    Through = Professional.languages.through
    Through.objects.bulk_create(
        Through(professional_id=ids[id(row)], language_id=code) for row in created_rows for code in row.languages
    )

    def place_structure_id(row):
        if row.structure_row is not None:
            return structure_ids.get(id(row.structure_row), row.structure_row.existing_id)
        return row.structure_id

    PracticePlace.objects.bulk_create(
        new_place(row, ids[id(row)], structure_id=place_structure_id(row)) for row in created_rows if row.commune
    )
    joining = [row for row in preview.rows if row.outcome in (Outcome.CREATE, Outcome.REUSE)]
    # Every adhesion of the file: requested and accepted at once, by whoever imports it.
    accepted = {"status": MembershipStatus.ACTIVE, "requested_at": now, "decided_at": now, "decided_by": by}
    memberships = Membership.objects.bulk_create(
        Membership(
            cpts=cpts,
            professional_id=None if row.is_structure else ids.get(id(row), row.existing_id),
            structure_id=structure_ids.get(id(row), row.existing_id) if row.is_structure else None,
            college=row.college,
            involvement=row.involvement,
            joined_on=today,
            card_existed=row.outcome == Outcome.REUSE,
            **accepted,
        )
        for row in joining
    )
    MembershipEvent.objects.bulk_create(
        MembershipEvent(
            membership_id=membership.pk,
            from_status=MembershipStatus.REQUESTED,
            to_status=MembershipStatus.ACTIVE,
            at=now,
            by=by,
            note="Import",
        )
        for membership in memberships
    )
    MissionParticipation.objects.bulk_create(
        MissionParticipation(membership_id=membership.pk, mission=mission)
        for row, membership in zip(joining, memberships, strict=True)
        for mission in row.missions
    )
    missions_updated = update_missions(row for row in preview.rows if row.updates_missions)
    # After the adhesions: a structure of the file is now a member the place may join.
    for row in preview.rows:
        if row.place_id is not None:
            structure = Structure.objects.get(pk=place_structure_id(row))
            services.set_place_structures(
                Professional.objects.get(pk=row.existing_id), {row.place_id: structure}, cpts=cpts
            )
    result = ImportResult(
        created=len(created_rows),
        reused=len(joining) - len(created_rows) - len(new_structure_rows),
        skipped=preview.count(Outcome.SKIP),
        memberships=len(memberships),
        structures=len(new_structure_rows),
        missions_updated=missions_updated,
    )
    notes = {
        "members.Professional": f"{len(preview.rows)} lignes : {result.created} créés, {result.reused} repris, "
        f"{result.memberships} adhésions, {result.skipped} déjà adhérents"
    }
    if any(row.is_structure for row in preview.rows):
        notes["members.Structure"] = f"{result.structures} structure(s) créée(s)"
    for object_type, note in notes.items():
        journal.record(
            journal.Action.IMPORT, object_type=object_type, cpts_id=cpts.pk, actor=by, fields=preview.columns, note=note
        )
    return result


def update_missions(rows) -> int:
    """Replace the missions of adherents already here, through the service (each row journaled)."""
    rows = list(rows)
    memberships = Membership.objects.in_bulk([row.membership_id for row in rows])
    return sum(services.set_missions(memberships[row.membership_id], row.missions) for row in rows)


def template_csv() -> str:
    """The header line of the template file (`;`, as French spreadsheets expect)."""
    return IMPORTER.template_csv()


class MembersImport(kit.Importer):
    columns = COLUMN_SET
    preview_class = Preview
    empty_message = "Le fichier ne contient aucune ligne de membre sous la ligne des titres."
    race_message = "Des membres ont été ajoutés pendant l'import : relancez l'aperçu."

    def missing(self, found) -> list[str]:
        """A file of structures only needs no first name nor profession; any file needs a number."""
        has_professionals = any(key in found for key in PROFESSIONAL_NUMBERS)
        has_structures = any(key in found for key in STRUCTURE_NUMBERS)
        needed = REQUIRED_KEYS if has_professionals or not has_structures else ()
        missing = [COLUMNS_BY_KEY[key].label for key in needed if key not in found]
        if not has_professionals and not has_structures:
            missing.append("RPPS ou ADELI")
        return missing

    template_filename = "modele-import-membres.csv"
    check = staticmethod(check_rows)
    write = staticmethod(write)


IMPORTER = MembersImport()
