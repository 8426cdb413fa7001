"""The CPAM's list of patients without a médecin traitant, imported by the coordinator (CSV).

Built on the import kit (`maillon.core.imports`). `analyse` reads the file (`;` or `,`,
UTF-8 with or without BOM or Windows-1252, French headers in any order, accents and case
ignored, a column mapped by hand) and checks every row: a `Preview` lists each row, its
errors (in French, naming the column) and what will happen to it — « nouveau », or
« fusionné » when the same person (`models.identity_key`) is already on an earlier line
of the file or has an open registration in the CPTS. `commit` analyses again inside one
transaction and writes everything, or nothing as soon as one row has an error.

Merged means: no new registration; the ALD and C2S flags of the duplicates are OR-ed
into the registration kept. The CPAM's list is a legal transmission to the CPTS: the
registrations carry the import time as `consent_at` (docs/operations.md).
"""

import datetime
from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from maillon.core import imports as kit
from maillon.core import journal
from maillon.core.imports import BaseRow, Column, ColumnSet, ImportRejected  # noqa: F401 — raised by commit
from maillon.core.phones import normalize_phone
from maillon.territories.models import Commune, TerritoryCommune, normalize_name

from . import notifications
from .models import Channel, Patient, compact_nir, identity_key, validate_nir

NEW = "nouveau"
MERGED = "fusionné"


COLUMNS = [
    Column("last_name", "Nom", "nom de famille, nom de naissance, nom d'usage, nom patient"),
    Column("first_name", "Prénom", "prénoms, prenom patient"),
    Column("birth_date", "Date de naissance", "naissance, né le, date naissance, ddn"),
    Column("commune_code", "Code commune INSEE", "code INSEE, INSEE, code commune, code commune de résidence"),
    Column("commune", "Commune", "ville, localité, commune de résidence, nom de la commune"),
    Column("email", "Courriel", "email, e-mail, mail, adresse mail, adresse électronique, adresse e-mail"),
    Column("phone", "Téléphone", "tél, tel, portable, mobile, numéro de téléphone"),
    Column("nir", "NIR", "numéro de sécurité sociale, n° de sécurité sociale, NSS, numéro NIR, n° NIR"),
    Column("ald", "ALD", "affection de longue durée, en ALD"),
    Column("c2s", "C2S", "complémentaire santé solidaire, CSS, bénéficiaire C2S"),
]
REQUIRED_KEYS = ("last_name", "first_name", "birth_date")
# A header that holds one of these words names that column, whatever the words around it.
COLUMN_SET = ColumnSet(
    COLUMNS,
    keywords={"insee": "commune_code", "nir": "nir", "ald": "ald", "c2s": "c2s"},
    required=REQUIRED_KEYS,
    one_of=[("commune_code", "commune")],
)
YES = {"oui", "o", "yes", "y", "1", "vrai", "x"}
NO = {"non", "n", "no", "0", "faux", ""}


@dataclass
class Row(BaseRow):
    COLUMNS: ClassVar[ColumnSet] = COLUMN_SET

    outcome: str = NEW
    # Clean values, set by the checks.
    birth_date: datetime.date | None = None
    commune: Commune | None = None
    email: str = ""
    phone: str = ""
    nir: str = ""
    ald: bool = False
    c2s: bool = False
    identity: str = ""
    existing_id: int | None = None  # the open registration merged into
    first_line: int | None = None  # the earlier line of the file merged into

    @property
    def name(self):
        return f"{self.values.get('last_name', '')} {self.values.get('first_name', '')}".strip()


@dataclass
class Preview(kit.Preview):
    @property
    def summary(self):
        ok = [row for row in self.rows if not row.errors]
        return {
            "rows": len(self.rows),
            "errors": len(self.error_rows),
            "new": sum(1 for row in ok if row.outcome == NEW),
            "merged": sum(1 for row in ok if row.outcome == MERGED),
        }


@dataclass(frozen=True)
class ImportResult:
    created: int
    merged: int

    @property
    def message(self):
        return (
            f"Import de la liste de la CPAM terminé : {self.created} inscription(s) créée(s), "
            f"{self.merged} ligne(s) fusionnée(s) avec une inscription existante ou une ligne précédente."
        )


# --- Checks -----------------------------------------------------------------------------


def parse_date(text: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def check_identity(row: Row, today: datetime.date):
    row.check_texts(("last_name", "first_name"), max_length=100)
    text = row.values.get("birth_date", "")
    if not text:
        row.fail("birth_date", "obligatoire.")
        return
    birth_date = parse_date(text)
    if birth_date is None:
        row.fail("birth_date", "date invalide (attendue au format JJ/MM/AAAA ou AAAA-MM-JJ).")
    elif birth_date > today or birth_date.year < today.year - 120:
        row.fail("birth_date", "elle doit être passée et plausible.")
    else:
        row.birth_date = birth_date


def check_contact(row: Row):
    email = row.values.get("email", "")
    if email:
        try:
            validate_email(email)
            row.email = email.lower()
        except ValidationError:
            row.fail("email", "adresse invalide.")
    try:
        row.phone = normalize_phone(row.values.get("phone", ""), COLUMN_SET.label("phone"))
    except ValidationError as error:
        row.errors.extend(kit.RowError("phone", message) for message in error.messages)
    if not email and not row.values.get("phone"):
        row.fail("email", "indiquez un courriel ou un téléphone pour recontacter le patient.")


def check_nir(row: Row):
    nir = compact_nir(row.values.get("nir", ""))
    if not nir:
        return
    try:
        validate_nir(nir)
    except ValidationError:
        row.fail("nir", "numéro invalide (15 caractères dont la clé de contrôle).")
        return
    row.nir = nir


def check_flags(row: Row):
    for key in ("ald", "c2s"):
        value = normalize_name(row.values.get(key, "")).strip()
        if value in YES:
            setattr(row, key, True)
        elif value not in NO:
            row.fail(key, "répondez oui ou non.")


@dataclass
class Territory:
    by_code: dict[str, Commune]  # the CPTS's current communes
    by_name: dict[str, list[Commune]]


def load_territory(cpts) -> Territory:
    communes = [row.commune for row in TerritoryCommune.objects.current().for_cpts(cpts).select_related("commune")]
    by_name = {}
    for commune in communes:
        by_name.setdefault(normalize_name(commune.name), []).append(commune)
    return Territory({commune.code: commune for commune in communes}, by_name)


def check_commune(row: Row, territory: Territory, known_codes: set[str], known_names: set[str]):
    code = row.values.get("commune_code", "").upper()
    if code:
        if len(code) == 4 and code.isdigit():
            code = "0" + code  # a spreadsheet dropped the leading zero
        if code in territory.by_code:
            row.commune = territory.by_code[code]
        elif code in known_codes:
            row.fail("commune_code", "cette commune n'est pas dans le territoire de la CPTS.")
        else:
            row.fail("commune_code", "commune inconnue (code INSEE à 5 caractères).")
        return
    name = row.values.get("commune", "")
    if not name:
        row.fail("commune_code", "obligatoire (ou la colonne « Commune »).")
        return
    key = normalize_name(name)
    matches = territory.by_name.get(key, [])
    if len(matches) == 1:
        row.commune = matches[0]
    elif matches:
        row.fail("commune", "plusieurs communes du territoire portent ce nom : indiquez le code INSEE.")
    elif key in known_names:
        row.fail("commune", "cette commune n'est pas dans le territoire de la CPTS.")
    else:
        row.fail("commune", "commune inconnue.")


def check_rows(cpts, records) -> list[Row]:
    today = timezone.localdate()
    rows = [Row(line=number, values=values) for number, values in records]
    territory = load_territory(cpts)
    codes = {row.values.get("commune_code", "").upper() for row in rows} - set(territory.by_code) - {""}
    codes |= {"0" + code for code in codes if len(code) == 4}
    known_codes = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    names = {normalize_name(row.values.get("commune", "")) for row in rows if not row.values.get("commune_code")}
    names = names - set(territory.by_name) - {""}
    known_names = set(Commune.objects.filter(search_name__in=names).values_list("search_name", flat=True))
    for row in rows:
        check_identity(row, today)
        check_commune(row, territory, known_codes, known_names)
        check_contact(row)
        check_nir(row)
        check_flags(row)
        if row.birth_date and row.values.get("last_name") and row.values.get("first_name"):
            row.identity = identity_key(row.values["last_name"], row.values["first_name"], row.birth_date)
    mark_duplicates(cpts, rows)
    return rows


def mark_duplicates(cpts, rows):
    """The first line of a person is new unless they have an open registration; later lines are merged."""
    identities = {row.identity for row in rows if row.identity}
    existing = dict(Patient.objects.for_cpts(cpts).open().filter(identity__in=identities).values_list("identity", "pk"))
    first_of = {}
    for row in rows:
        if not row.identity:
            continue
        if row.identity in existing:
            row.outcome, row.existing_id = MERGED, existing[row.identity]
        elif row.identity in first_of:
            row.outcome, row.first_line = MERGED, first_of[row.identity]
        else:
            first_of[row.identity] = row.line


# --- Analyse and commit ------------------------------------------------------------------


PATIENT_FIELDS = ("birth_date", "commune", "email", "phone", "nir", "ald", "c2s")


def write(cpts, preview: Preview, *, by) -> ImportResult:
    now = timezone.now()
    new_rows = {row.identity: row for row in preview.rows if row.outcome == NEW}
    merged_into_existing = {}  # existing pk → [ald, c2s]
    for row in preview.rows:
        if row.outcome != MERGED:
            continue
        if row.existing_id is not None:
            flags = merged_into_existing.setdefault(row.existing_id, [False, False])
            flags[0], flags[1] = flags[0] or row.ald, flags[1] or row.c2s
        else:
            first = new_rows[row.identity]
            first.ald, first.c2s = first.ald or row.ald, first.c2s or row.c2s
    patients = []
    for row in new_rows.values():
        patient = Patient(
            cpts=cpts,
            **row.as_fields(texts=("first_name", "last_name"), cleaned=PATIENT_FIELDS),
            # A legal transmission from the CPAM: recorded at the import time.
            consent_at=now,
            channel=Channel.CPAM,
            registered_by=by,
            registered_at=now,
        )
        patient.identity = identity_key(patient.last_name, patient.first_name, patient.birth_date)
        patients.append(patient)
    Patient.objects.bulk_create(patients, batch_size=500)
    for index, flag in enumerate(("ald", "c2s")):
        ids = [pk for pk, flags in merged_into_existing.items() if flags[index]]
        if ids:
            Patient.objects.for_cpts(cpts).open().filter(pk__in=ids).update(**{flag: True})
    result = ImportResult(created=len(patients), merged=preview.summary["merged"])
    journal.record(
        journal.Action.IMPORT,
        object_type=Patient._meta.label,
        cpts_id=cpts.pk,
        actor=by,
        fields=preview.columns,
        note=f"liste de la CPAM, {len(preview.rows)} lignes : {result.created} inscriptions créées, "
        f"{len(merged_into_existing)} inscriptions existantes complétées, {result.merged} lignes fusionnées",
    )
    for patient in patients:
        if patient.email:
            notifications.on_commit(notifications.send_registration_acknowledgement, patient.pk)
    return result


class CpamListImport(kit.Importer):
    columns = COLUMN_SET
    preview_class = Preview
    empty_message = "Le fichier ne contient aucune ligne de patient."
    # One import at a time per CPTS: the second waits, then merges into the first's rows.
    race_message = "Des patients ont été inscrits pendant l'import : relancez l'aperçu."
    template_filename = "modele-liste-cpam.csv"
    check = staticmethod(check_rows)
    write = staticmethod(write)


IMPORTER = CpamListImport()
analyse = IMPORTER.analyse
commit = IMPORTER.commit
template_csv = IMPORTER.template_csv
