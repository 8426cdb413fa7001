"""Import members from the files coordinators already keep (CSV or XLSX), all or nothing.

`analyse` reads a file (French headers in any order, accents and case ignored, `;` or
`,`, UTF-8 or Windows encodings) and checks every row against the platform in a few
bulk queries: it gives a `Preview` listing each row, its errors (in French, naming the
column) and what will happen to it. `commit` analyses again inside one transaction and
writes everything, or nothing as soon as one row has an error.

A professional exists once on the platform: a row whose RPPS (or ADELI) is already
known reuses that professional, whose card is left as it is (it belongs to them); a
row whose professional already has an open adhesion in the CPTS is skipped, except that
a filled « Missions » cell replaces that adherent's missions. So a second import of the
same file creates and changes nothing.

`check_record` and `enrol_record` give the API the same rules for one member.
"""

import codecs
import csv
import datetime
import io
import re
import warnings
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import timezone

from maillon.core import journal
from maillon.core.identifiers import compact, is_valid_adeli, is_valid_finess, is_valid_rpps, validate_siret
from maillon.core.missions import Mission
from maillon.core.models import Cpts
from maillon.core.phones import normalize_phone
from maillon.territories.models import Commune, PostalCode, normalize_name

from . import services
from .models import (
    CONTROL_CHARACTERS,
    OPEN_STATUSES,
    College,
    Involvement,
    Language,
    Membership,
    MembershipEvent,
    MembershipStatus,
    MissionParticipation,
    PracticePlace,
    Professional,
    Structure,
)
from .professions import SPECIALTIES_BY_PROFESSION, Profession, Specialty, StructureKind

MAX_ROWS = 10_000
# Keeps the IN (…) lists under every database's parameter limit.
LOOKUP_CHUNK = 2_000
FORMATS = ("csv", "xlsx")


# --- Columns ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the header of the template file
    aliases: str  # other headers seen in coordinators' files, comma-separated
    description: str = ""


COLUMNS = [
    Column("last_name", "Nom", "nom de famille, nom d'usage, nom usuel", "Obligatoire."),
    Column("first_name", "Prénom", "prénoms", "Obligatoire."),
    Column(
        "profession",
        "Profession",
        "métier, profession de santé, catégorie professionnelle, code profession",
        "Obligatoire : en toutes lettres (Infirmière, Médecin généraliste, Kiné, IPA…) ou code G15 (60, 10…).",
    ),
    Column(
        "specialty",
        "Spécialité",
        "spécialités, spécialité médicale, spécialité ordinale",
        "Pour les médecins (Médecine générale, Cardiologie…) et les infirmiers (IPA).",
    ),
    Column(
        "rpps", "RPPS", "n° RPPS, numéro RPPS, num RPPS, identifiant RPPS", "11 chiffres ; RPPS ou ADELI obligatoire."
    ),
    Column(
        "adeli", "ADELI", "n° ADELI, numéro ADELI, num ADELI", "9 caractères, pour les professions encore à l'ADELI."
    ),
    Column(
        "email",
        "Email",
        "e-mail, mail, courriel, adresse mail, adresse email, adresse e-mail, adresse courriel",
        "Adresse électronique professionnelle.",
    ),
    Column("phone", "Téléphone", "tél, tel., portable, mobile, numéro de téléphone, téléphone professionnel"),
    Column(
        "address",
        "Adresse",
        "adresse postale, adresse du cabinet, adresse professionnelle, adresse d'exercice",
        "Adresse du lieu d'exercice.",
    ),
    Column("postal_code", "Code postal", "CP"),
    Column(
        "commune",
        "Commune",
        "ville, localité, commune d'exercice, ville d'exercice",
        "Nom de la commune ; avec le code postal s'il existe plusieurs communes de ce nom.",
    ),
    Column(
        "commune_code",
        "Code INSEE",
        "INSEE, code commune, code commune INSEE",
        "Code officiel de la commune (5 caractères) : le plus sûr.",
    ),
    Column(
        "structure_name",
        "Raison sociale",
        "nom de la structure, établissement, dénomination, dénomination sociale, nom de l'établissement",
        "Structures : leur nom (à défaut, la colonne « Nom »).",
    ),
    Column(
        "structure_kind",
        "Type de structure",
        "type d'établissement, catégorie de structure, type de la structure",
        "Structures : MSP, Centre de santé, Pharmacie, Laboratoire, Hôpital, EHPAD, HAD, Association…",
    ),
    Column(
        "finess",
        "FINESS",
        "n° FINESS, numéro FINESS, num FINESS",
        "Structures : 9 caractères ; une ligne sans RPPS ni ADELI mais avec un FINESS ou un SIRET est une structure.",
    ),
    Column("siret", "SIRET", "n° SIRET, numéro SIRET, num SIRET", "Structures : 14 chiffres."),
    Column(
        "structure",
        "Structure",
        "structure d'exercice, structure de rattachement, structure du lieu d'exercice, "
        "FINESS de la structure, SIRET de la structure, FINESS ou SIRET de la structure",
        "Professionnels : FINESS ou SIRET de la structure où se trouve leur lieu d'exercice, "
        "adhérente de la CPTS ou présente dans le fichier.",
    ),
    Column("college", "Collège", "collèges", "Nom d'un collège de la CPTS."),
    Column(
        "involvement",
        "Implication",
        "niveau d'implication, engagement",
        "Liste de diffusion (par défaut), Participe à une mission ou Pilote un projet.",
    ),
    Column(
        "missions",
        "Missions",
        "mission, missions de la CPTS, participe aux missions, participation aux missions",
        "Numéros des missions de la CPTS (1 à 6) auxquelles l'adhérent participe, par exemple « 1, 3 » ou « 1;3 ».",
    ),
    Column("skills", "Compétences", "compétence, expertises", "Séparées par des virgules."),
    Column("languages", "Langues", "langue, langues parlées", "Autres que le français, séparées par des virgules."),
    Column(
        "accepts_new_patients",
        "Accepte nouveaux patients",
        "accepte de nouveaux patients, nouveaux patients, accepte de nouveaux patients médecin traitant",
        "oui ou non (médecin traitant).",
    ),
    Column(
        "takes_part_in_snp",
        "SNP",
        "participe aux SNP, soins non programmés, participe aux soins non programmés",
        "oui ou non : participe aux soins non programmés.",
    ),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = ("last_name", "first_name", "profession")  # when the file has professionals
# Headers that name a register number whatever the words around it.
HEADER_KEYWORDS = {"rpps": "rpps", "adeli": "adeli", "insee": "commune_code", "finess": "finess", "siret": "siret"}
PROFESSIONAL_NUMBERS = ("rpps", "adeli")
STRUCTURE_NUMBERS = ("finess", "siret")


def normalize_header(value: str) -> str:
    """'N° RPPS ' → 'n rpps'; 'Accepte nouveaux patients (oui/non)' → 'accepte nouveaux patients'."""
    value = re.sub(r"\(.*?\)", " ", value or "")
    value = normalize_name(value)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


_ALIASES = {
    normalize_header(alias): column.key for column in COLUMNS for alias in [column.label, *column.aliases.split(",")]
}


def column_key(header: str) -> str | None:
    normalized = normalize_header(header)
    if normalized in _ALIASES:
        return _ALIASES[normalized]
    words = set(normalized.split())
    return next((key for word, key in HEADER_KEYWORDS.items() if word in words), None)


# --- Professions: the synonym table --------------------------------------------------

# Labels as coordinators write them (accents, case and hyphens do not matter), with
# the specialty the label implies. The official labels and the G15 codes
# ("Médecin", "60", "R95-93") work too.
PROFESSION_LABELS = [
    (Profession.MEDECIN, Specialty.GENERAL_PRACTICE, "médecin généraliste, généraliste, MG, médecin traitant"),
    (Profession.MEDECIN, Specialty.GENERAL_PRACTICE, "médecine générale"),
    (Profession.MEDECIN, Specialty.OTHER_MEDICAL, "médecin spécialiste, spécialiste, autre spécialité médicale"),
    (Profession.MEDECIN, Specialty.BIOLOGY, "médecin biologiste, biologiste"),
    (Profession.MEDECIN, Specialty.NONE, "médecin, docteur"),
    (Profession.INFIRMIER, Specialty.NONE, "infirmier, infirmière, infirmier(e), infirmiers, IDE, IDEL"),
    (Profession.INFIRMIER, Specialty.NONE, "infirmier libéral, infirmière libérale, infirmier diplômé d'État"),
    (Profession.INFIRMIER, Specialty.NONE, "infirmière diplômée d'État"),
    (Profession.INFIRMIER, Specialty.IPA, "IPA, infirmier en pratique avancée, infirmière en pratique avancée"),
    (Profession.INFIRMIER, Specialty.IPA, "infirmier IPA, infirmière IPA"),
    (Profession.PHARMACIEN, Specialty.NONE, "pharmacien, pharmacienne, pharmacien d'officine, pharmacie"),
    (Profession.PHARMACIEN, Specialty.NONE, "pharmacien titulaire"),
    (Profession.PHARMACIEN, Specialty.BIOLOGY, "pharmacien biologiste"),
    (Profession.MASSEUR_KINESITHERAPEUTE, Specialty.NONE, "kiné, kinés, kinésithérapeute, MK, MKDE"),
    (Profession.MASSEUR_KINESITHERAPEUTE, Specialty.NONE, "masseur-kinésithérapeute, masseuse-kinésithérapeute"),
    (Profession.SAGE_FEMME, Specialty.NONE, "sage-femme, sages-femmes, maïeuticien"),
    (Profession.CHIRURGIEN_DENTISTE, Specialty.NONE, "chirurgien-dentiste, chirurgienne-dentiste, dentiste"),
    (Profession.PEDICURE_PODOLOGUE, Specialty.NONE, "pédicure-podologue, podologue, pédicure"),
    (Profession.ORTHOPHONISTE, Specialty.NONE, "orthophoniste"),
    (Profession.ORTHOPTISTE, Specialty.NONE, "orthoptiste"),
    (Profession.ERGOTHERAPEUTE, Specialty.NONE, "ergothérapeute, ergo"),
    (Profession.DIETETICIEN, Specialty.NONE, "diététicien, diététicienne"),
    (Profession.PSYCHOMOTRICIEN, Specialty.NONE, "psychomotricien, psychomotricienne"),
    (Profession.PSYCHOLOGUE, Specialty.NONE, "psychologue, psy"),
    (Profession.AUDIOPROTHESISTE, Specialty.NONE, "audioprothésiste"),
    (Profession.OPTICIEN, Specialty.NONE, "opticien, opticienne, opticien-lunetier"),
    (Profession.ORTHOPROTHESISTE, Specialty.NONE, "orthoprothésiste"),
    (Profession.TECHNICIEN_LABORATOIRE, Specialty.NONE, "technicien de laboratoire, technicien de laboratoire médical"),
    (Profession.MANIPULATEUR_ERM, Specialty.NONE, "manipulateur ERM, manipulateur radio"),
    (Profession.MANIPULATEUR_ERM, Specialty.NONE, "manipulateur d'électroradiologie médicale"),
]
SPECIALTY_LABELS = [
    (Specialty.GENERAL_PRACTICE, "médecine générale, généraliste, médecin généraliste, MG, SM54"),
    (Specialty.IPA, "IPA, pratique avancée, infirmier en pratique avancée, infirmière en pratique avancée"),
    (Specialty.BIOLOGY, "biologie, biologie médicale, biologiste"),
    (Specialty.OTHER_MEDICAL, "spécialiste, médecin spécialiste"),
]
STRUCTURE_KIND_LABELS = [
    (StructureKind.MSP, "MSP, maison de santé, maison de santé pluriprofessionnelle"),
    (StructureKind.MSP, "maison de santé pluridisciplinaire"),
    (StructureKind.HEALTH_CENTRE, "centre de santé, CDS, centre de soins, centre médical"),
    (StructureKind.PHARMACY, "pharmacie, officine, pharmacie d'officine"),
    (StructureKind.LABORATORY, "laboratoire, labo, LBM, laboratoire d'analyses, laboratoire de biologie"),
    (StructureKind.HOSPITAL, "hôpital, établissement de santé, clinique, centre hospitalier, CH, CHU, SSR, SMR"),
    (StructureKind.EHPAD, "EHPAD, maison de retraite"),
    (StructureKind.HAD, "HAD, hospitalisation à domicile"),
    (StructureKind.MEDICO_SOCIAL, "médico-social, SSIAD, SAAD, SPASAD, ESMS, IME, foyer, établissement médico-social"),
    (StructureKind.ASSOCIATION, "association"),
    (StructureKind.SUPPLIER, "fournisseur, prestataire, PSAD, prestataire de santé à domicile"),
    (StructureKind.TRANSPORT, "transporteur, transporteur sanitaire, ambulance, ambulances, taxi conventionné"),
    (StructureKind.OTHER, "autre"),
]
INVOLVEMENT_LABELS = [
    (Involvement.MAILING_LIST, "liste de diffusion, diffusion, liste, information, mailing list, mailing_list"),
    (Involvement.MISSION, "participe à une mission, mission, participe, participation, participant"),
    (Involvement.PROJECT_LEAD, "pilote un projet, pilote, projet, porteur de projet, pilote de projet, project_lead"),
]


def synonyms(table) -> dict:
    """{normalized label: value} from rows of (*value, "label, label…")."""
    found = {}
    for *value, labels in table:
        for label in labels.split(","):
            found[normalize_header(label)] = value[0] if len(value) == 1 else tuple(value)
    return found


PROFESSION_SYNONYMS = synonyms(PROFESSION_LABELS)
for _profession in Profession:
    PROFESSION_SYNONYMS.setdefault(normalize_header(_profession.label), (_profession, Specialty.NONE))
    PROFESSION_SYNONYMS.setdefault(normalize_header(_profession.value), (_profession, Specialty.NONE))
SPECIALTY_SYNONYMS = synonyms(SPECIALTY_LABELS)
for _specialty in Specialty:
    if _specialty:
        SPECIALTY_SYNONYMS.setdefault(normalize_header(_specialty.label), _specialty)
        SPECIALTY_SYNONYMS.setdefault(normalize_header(_specialty.value), _specialty)
INVOLVEMENT_SYNONYMS = synonyms(INVOLVEMENT_LABELS)
STRUCTURE_KIND_SYNONYMS = synonyms(STRUCTURE_KIND_LABELS)
for _kind in StructureKind:
    STRUCTURE_KIND_SYNONYMS.setdefault(normalize_header(_kind.label), _kind)
    STRUCTURE_KIND_SYNONYMS.setdefault(normalize_header(_kind.value), _kind)

YES = {"oui", "o", "x", "1", "vrai", "yes", "y", "true"}
NO = {"non", "n", "0", "faux", "no", "false", ""}
LANGUAGE_ALIASES = {"lsf": "fsl", "langue des signes": "fsl", "langue des signes francaise": "fsl", "creole": "ht"}


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


@dataclass(frozen=True)
class RowError:
    key: str  # column key, to place the error (API `loc`)
    message: str  # French, starts with the column's label


@dataclass
class Row:
    line: int
    values: dict[str, str]
    errors: list[RowError] = field(default_factory=list)
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

    @property
    def error_messages(self):
        return [error.message for error in self.errors]

    def fail(self, key, message):
        self.errors.append(RowError(key, f"{COLUMNS_BY_KEY[key].label} : {message}"))


@dataclass
class Preview:
    rows: list[Row] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # keys found in the header
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self):
        return not self.file_errors and bool(self.rows) and not self.error_rows

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


class ImportRejected(Exception):
    """Nothing was written; `preview` says why."""

    def __init__(self, preview):
        super().__init__("Import refusé : le fichier contient des erreurs.")
        self.preview = preview


# --- Reading files --------------------------------------------------------------------


class UnreadableFile(Exception):
    pass


def detect_format(content: bytes, filename: str = "") -> str:
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0") or filename.lower().endswith(".xls"):
        raise UnreadableFile(
            "Ce classeur est au format Excel 97-2003 (.xls) : enregistrez-le au format XLSX ou CSV, puis recommencez."
        )
    return "csv"


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            try:
                return content.decode("utf-8-sig" if encoding == "utf-8" else encoding)
            except UnicodeDecodeError as error:
                raise UnreadableFile("Le fichier n'est pas un texte lisible (encodage incohérent).") from error
    for encoding in ("utf-8", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")  # never fails: every byte is a character


def sniff_delimiter(text: str) -> str:
    """The most frequent of `;`, `,` and tab on the header line."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def csv_rows(content: bytes):
    text = decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        for cells in reader:
            yield reader.line_num, [cell_text(cell) for cell in cells]
    except csv.Error as error:
        raise UnreadableFile(f"Le fichier CSV est mal formé vers la ligne {reader.line_num}.") from error


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # RPPS typed as a number in Excel
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    # Control characters are never meant in a member's data (and break XLSX exports).
    return CONTROL_CHARACTERS.sub("", str(value)).strip()


def xlsx_rows(content: bytes):
    import openpyxl  # only when needed: a heavy import

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores: irrelevant here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # BadZipFile, KeyError, ParseError, ValueError…
        raise UnreadableFile(
            "Le classeur XLSX est illisible : enregistrez-le à nouveau depuis votre tableur."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [cell_text(value) for value in cells]
            if line > 2 * MAX_ROWS:
                # Refuse early rather than expand a huge sheet (never cut it silently).
                raise UnreadableFile(
                    f"Le classeur compte plus de {2 * MAX_ROWS} lignes : {MAX_ROWS} au plus par import."
                )
    except UnreadableFile:
        raise
    except Exception as error:
        # A damaged workbook fails in many ways while its rows are read (XML, indexes, values).
        raise UnreadableFile(
            "Le classeur XLSX est illisible : enregistrez-le à nouveau depuis votre tableur."
        ) from error
    finally:
        workbook.close()


def read_rows(content: bytes, filename: str = ""):
    """(line number, cells) of every line of the first sheet or of the CSV text."""
    if detect_format(content, filename) == "xlsx":
        return list(xlsx_rows(content))
    return list(csv_rows(content))


def records_of(lines, preview: Preview) -> list[tuple[int, dict[str, str]]]:
    """Map the header line to column keys; give each data line as {key: text}."""
    lines = [(number, cells) for number, cells in lines if any(cells)]
    if not lines:
        preview.file_errors.append("Le fichier est vide.")
        return []
    _, header = lines[0]
    keys, seen = [], {}
    for index, title in enumerate(header):
        key = column_key(title) if title else None
        if key is None:
            if title:
                preview.ignored_columns.append(title)
        elif key in seen:
            preview.file_errors.append(
                f"Les colonnes « {seen[key]} » et « {title} » désignent toutes deux « {COLUMNS_BY_KEY[key].label} » : "
                "gardez-en une."
            )
        else:
            seen[key] = title
        keys.append((index, key))
    preview.columns = list(seen)
    has_professionals = any(key in seen for key in PROFESSIONAL_NUMBERS)
    has_structures = any(key in seen for key in STRUCTURE_NUMBERS)
    # A file of structures only needs no first name nor profession.
    needed = REQUIRED_KEYS if has_professionals or not has_structures else ()
    missing = [COLUMNS_BY_KEY[key].label for key in needed if key not in seen]
    if not has_professionals and not has_structures:
        missing.append("RPPS ou ADELI")
    if missing:
        preview.file_errors.append(
            "Colonne(s) obligatoire(s) absente(s) : "
            + ", ".join(f"« {label} »" for label in missing)
            + ". La première ligne du fichier doit porter les noms des colonnes (voir le modèle)."
        )
    data = lines[1:]
    if not data:
        preview.file_errors.append("Le fichier ne contient aucune ligne de membre sous la ligne des titres.")
    if len(data) > MAX_ROWS:
        preview.file_errors.append(f"Le fichier compte {len(data)} lignes : {MAX_ROWS} au plus par import.")
        return []
    records = []
    for number, cells in data:
        values = {key: cells[index] if index < len(cells) else "" for index, key in keys if key}
        records.append((number, values))
    return records


# --- Checks on one value --------------------------------------------------------------


def check_names(row: Row):
    for key in ("last_name", "first_name"):
        value = row.values.get(key, "")
        if not value:
            row.fail(key, "obligatoire.")
        elif len(value) > 100:
            row.fail(key, "100 caractères au plus.")


def check_profession(row: Row):
    text = row.values.get("profession", "")
    if not text:
        row.fail("profession", "obligatoire.")
        return
    found = PROFESSION_SYNONYMS.get(normalize_header(text))
    if found is None:
        row.fail(
            "profession",
            f"« {text} » n'est pas une profession connue (par exemple : Infirmière, Médecin généraliste, Kiné, "
            "Pharmacien, Sage-femme, IPA, ou un code G15 comme 60).",
        )
        return
    row.profession, implied = found
    row.specialty = check_specialty(row, implied)


def check_specialty(row: Row, implied: str) -> str:
    """The specialty column wins over the one a label implies ("Médecin généraliste")."""
    text = row.values.get("specialty", "")
    if not text:
        return implied
    specialty = SPECIALTY_SYNONYMS.get(normalize_header(text))
    allowed = SPECIALTIES_BY_PROFESSION.get(row.profession, set())
    if specialty is None:
        # A named specialty ("Cardiologie") is kept as a skill, so the directory finds it.
        row.skills = join_skills([text, row.skills])
        return Specialty.OTHER_MEDICAL if row.profession == Profession.MEDECIN else implied
    if specialty not in allowed:
        row.fail("specialty", f"« {text} » ne va pas avec la profession « {Profession(row.profession).label} ».")
        return implied
    return specialty


def scientific_notation(value: str) -> bool:
    return bool(re.fullmatch(r"\d+([.,]\d+)?[eE]\+?\d+", value))


def check_rpps(row: Row):
    text = row.values.get("rpps", "")
    if not text:
        return
    if scientific_notation(text):
        row.fail("rpps", f"« {text} » a été abrégé par le tableur : mettez la colonne au format Texte.")
        return
    value = compact(text)
    if len(value) == 12 and value.startswith("8"):
        value = value[1:]  # the national identifier "8" + RPPS
    if not is_valid_rpps(value):
        row.fail("rpps", f"« {text} » : 11 chiffres attendus, avec une clé de contrôle juste.")
        return
    row.rpps = value


def check_adeli(row: Row):
    text = row.values.get("adeli", "")
    if not text:
        return
    value = compact(text)
    if len(value) == 8 and value.isascii() and value.isdigit():
        value = "0" + value  # the spreadsheet dropped the leading zero of départements 01 to 09
    if not is_valid_adeli(value):
        row.fail("adeli", f"« {text} » : 9 caractères attendus (2A/2B en Corse).")
        return
    row.adeli = value


def check_identifiers(row: Row):
    check_rpps(row)
    check_adeli(row)
    if not row.values.get("rpps") and not row.values.get("adeli"):
        row.fail("rpps", "indiquez le numéro RPPS ou, à défaut, le numéro ADELI.")


def check_email(row: Row):
    value = row.values.get("email", "").strip().lower()
    if not value:
        return
    try:
        validate_email(value)
    except ValidationError:
        row.fail("email", f"« {value} » n'est pas une adresse électronique valide.")
        return
    row.email = value


def check_phone(row: Row):
    """French numbering plan, written « 01 23 45 67 89 » (a lost leading zero comes back)."""
    value = row.values.get("phone", "")
    if not value:
        return
    try:
        row.phone = normalize_phone(value, label=COLUMNS_BY_KEY["phone"].label)
    except ValidationError as error:
        row.errors.append(RowError("phone", f"{error.messages[0]} (« {value[:30]} »)"))


def parse_bool(row: Row, key: str) -> bool:
    value = normalize_header(row.values.get(key, ""))
    if value in YES:
        return True
    if value not in NO:
        row.fail(key, f"« {row.values[key]} » : répondez oui ou non.")
    return False


def check_involvement(row: Row):
    text = row.values.get("involvement", "")
    if not text:
        return
    found = INVOLVEMENT_SYNONYMS.get(normalize_header(text))
    if found is None:
        choices = ", ".join(f"« {label} »" for label in Involvement.labels)
        row.fail("involvement", f"« {text} » n'est pas un niveau connu ; niveaux possibles : {choices}.")
        return
    row.involvement = found


MISSION_TOKEN = re.compile(r"^(?:mission\s*(?:n\s*)?)?([0-9]+)$")


def check_missions(row: Row):
    """« 1, 3 », « 1;3 », « mission 2 »: numbers 1 to 6. Missions imply taking part in a mission."""
    text = row.values.get("missions", "")
    if not text:
        return
    numbers = set()
    for part in re.split(r"[,;/+\n]|\bet\b", text):
        token = normalize_header(part)
        if not token:
            continue
        match = MISSION_TOKEN.match(token)
        if match is None or int(match.group(1)) not in Mission.values:
            row.fail(
                "missions", f"« {part.strip()[:30]} » n'est pas une mission : numéros de 1 à 6, par exemple « 1, 3 »."
            )
            return
        numbers.add(int(match.group(1)))
    row.missions = sorted(numbers)
    if not row.values.get("involvement"):
        row.involvement = Involvement.MISSION
    elif row.involvement == Involvement.MAILING_LIST and not any(error.key == "involvement" for error in row.errors):
        row.fail(
            "missions",
            "un adhérent de la liste de diffusion ne participe à aucune mission : "
            "videz la case ou choisissez « Participe à une mission » ou « Pilote un projet ».",
        )


def join_skills(parts) -> str:
    skills = [skill.strip() for part in parts for skill in re.split(r"[,;\n]", part or "") if skill.strip()]
    return ", ".join(dict.fromkeys(skills))


# --- Lookups in bulk ------------------------------------------------------------------


@dataclass
class Known:
    """A professional already on the platform."""

    pk: int
    rpps: str | None
    adeli: str | None
    last_name: str


@dataclass
class KnownStructure:
    """A structure already on the platform."""

    pk: int
    finess: str | None
    siret: str | None


@dataclass
class Lookups:
    by_rpps: dict[str, Known]
    by_adeli: dict[str, Known]
    open_members: set[int]  # professionals with an open adhesion in the CPTS
    known_here: set[int]  # professionals with any adhesion, past or present, in the CPTS
    by_finess: dict[str, KnownStructure]
    by_siret: dict[str, KnownStructure]
    open_structures: set[int]  # structures with an open adhesion in the CPTS
    communes: dict[str, Commune]
    by_postal_code: dict[str, list[Commune]]
    by_name: dict[str, list[Commune]]
    colleges: dict[str, College]
    college_names: list[str]
    languages: dict[str, str]


def chunks(values, size=LOOKUP_CHUNK):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def known_professionals(field_name, values) -> dict[str, Known]:
    found = {}
    for chunk in chunks(values):
        rows = Professional.objects.filter(**{f"{field_name}__in": chunk}).values_list(
            "pk", "rpps", "adeli", "last_name"
        )
        for pk, rpps, adeli, last_name in rows:
            known = Known(pk, rpps, adeli, last_name)
            found[rpps if field_name == "rpps" else adeli] = known
    return found


def known_structures(field_name, values) -> dict[str, KnownStructure]:
    found = {}
    for chunk in chunks(values):
        for pk, finess, siret in Structure.objects.filter(**{f"{field_name}__in": chunk}).values_list(
            "pk", "finess", "siret"
        ):
            found[finess if field_name == "finess" else siret] = KnownStructure(pk, finess, siret)
    return found


def open_structures(cpts, by_finess, by_siret) -> set[int]:
    ids = {known.pk for known in [*by_finess.values(), *by_siret.values()]}
    found = set()
    for chunk in chunks(ids):
        memberships = Membership.objects.for_cpts(cpts).open().filter(structure_id__in=chunk)
        found.update(memberships.values_list("structure_id", flat=True))
    return found


def commune_name_key(text: str) -> str:
    return re.sub(r"\s+cedex(\s+\d+)?$", "", normalize_name(text))


def load_communes(rows):
    """Communes the rows may name: by INSEE code, by postal code, by name (three queries)."""
    codes = {row.values.get("commune_code", "").strip().upper() for row in rows} - {""}
    postal_codes = {row.values.get("postal_code", "").strip() for row in rows} - {""}
    names = {commune_name_key(row.values.get("commune", "")) for row in rows} - {""}
    communes = {}
    for chunk in chunks(codes):
        communes.update(
            {commune.code: commune for commune in Commune.objects.filter(code__in=chunk).only("code", "name")}
        )
    by_postal_code = {}
    for chunk in chunks({code.zfill(5) for code in postal_codes}):
        postals = (
            PostalCode.objects.filter(code__in=chunk)
            .select_related("commune")
            .only("code", "commune__code", "commune__name", "commune__search_name")
        )
        for postal in postals:
            by_postal_code.setdefault(postal.code, []).append(postal.commune)
    by_name = {}
    for chunk in chunks(names):
        for commune in Commune.objects.filter(search_name__in=chunk).only("code", "name", "search_name"):
            by_name.setdefault(commune.search_name, []).append(commune)
    return communes, by_postal_code, by_name


def load_lookups(cpts, rows) -> Lookups:
    rpps = {row.rpps for row in rows if row.rpps}
    adeli = {row.adeli for row in rows if row.adeli}
    by_rpps = known_professionals("rpps", rpps)
    by_adeli = known_professionals("adeli", adeli)
    ids = {known.pk for known in [*by_rpps.values(), *by_adeli.values()]}
    open_members, known_here = set(), set()
    for chunk in chunks(ids):
        for professional_id, status in (
            Membership.objects.for_cpts(cpts).filter(professional_id__in=chunk).values_list("professional_id", "status")
        ):
            known_here.add(professional_id)
            if status in OPEN_STATUSES:
                open_members.add(professional_id)
    by_finess = known_structures("finess", {row.finess for row in rows if row.finess})
    by_siret = known_structures("siret", {row.siret for row in rows if row.siret})
    communes, by_postal_code, by_name = load_communes(rows)
    colleges = list(College.objects.for_cpts(cpts).order_by("position", "name"))
    languages = {}
    for code, name in Language.objects.values_list("code", "name"):
        languages[normalize_header(name)] = code
        languages[code.lower()] = code
    for alias, code in LANGUAGE_ALIASES.items():
        if code in languages.values():
            languages[alias] = code
    return Lookups(
        by_rpps=by_rpps,
        by_adeli=by_adeli,
        open_members=open_members,
        known_here=known_here,
        by_finess=by_finess,
        by_siret=by_siret,
        open_structures=open_structures(cpts, by_finess, by_siret),
        communes=communes,
        by_postal_code=by_postal_code,
        by_name=by_name,
        colleges={normalize_header(college.name): college for college in colleges},
        college_names=[college.name for college in colleges],
        languages=languages,
    )


# --- Checks against the platform ------------------------------------------------------


def check_commune(row: Row, lookups: Lookups):
    code = row.values.get("commune_code", "").strip().upper()
    name = row.values.get("commune", "")
    postal_code = row.values.get("postal_code", "").strip()
    if code:
        row.commune = lookups.communes.get(code)
        if row.commune is None:
            row.fail("commune_code", f"« {code} » n'est pas le code INSEE d'une commune.")
        return
    if not name and not postal_code:
        if row.is_structure:
            row.fail("commune", "obligatoire pour une structure : son nom, son code postal ou son code INSEE.")
        elif row.values.get("address"):
            row.fail("commune", "indiquez la commune (ou son code INSEE) de l'adresse.")
        return
    if postal_code and not re.fullmatch(r"\d{4,5}", postal_code):
        row.fail("postal_code", f"« {postal_code} » n'est pas un code postal (5 chiffres).")
        return
    candidates = find_communes(lookups, commune_name_key(name), postal_code.zfill(5) if postal_code else "")
    label = " ".join(part for part in (postal_code, name) if part)
    if not candidates:
        row.fail("commune", f"« {label} » : commune introuvable ; vérifiez le nom et le code postal.")
    elif len(candidates) > 1:
        found = ", ".join(f"{commune.name} ({commune.code})" for commune in candidates[:5])
        row.fail(
            "commune", f"« {label} » désigne plusieurs communes ({found}) : ajoutez le code postal ou le code INSEE."
        )
    else:
        row.commune = candidates[0]


def find_communes(lookups, name, postal_code):
    if postal_code:
        candidates = lookups.by_postal_code.get(postal_code, [])
        if not name:
            return candidates
        exact = [commune for commune in candidates if commune.search_name == name]
        return exact or [commune for commune in candidates if name in commune.search_name]
    return lookups.by_name.get(name, [])


def check_college(row: Row, lookups: Lookups):
    text = row.values.get("college", "")
    if not text:
        return
    row.college = lookups.colleges.get(normalize_header(text))
    if row.college is None:
        known = ", ".join(f"« {name} »" for name in lookups.college_names) or "aucun collège n'est encore créé"
        row.fail("college", f"« {text} » n'est pas un collège de la CPTS ; collèges : {known}.")


def check_languages(row: Row, lookups: Lookups):
    text = row.values.get("languages", "")
    if not text:
        return
    unknown = []
    for part in re.split(r"[,;/+]|\bet\b", text):
        if not part.strip():
            continue
        code = lookups.languages.get(normalize_header(part))
        if code is None:
            unknown.append(part.strip())
        elif code not in row.languages:
            row.languages.append(code)
    if unknown:
        row.fail("languages", "langue(s) inconnue(s) : " + ", ".join(f"« {name} »" for name in unknown) + ".")


def check_existing(row: Row, lookups: Lookups):
    """Who the row's numbers designate on the platform, and what will happen."""
    by_rpps = lookups.by_rpps.get(row.rpps) if row.rpps else None
    by_adeli = lookups.by_adeli.get(row.adeli) if row.adeli else None
    if by_rpps and by_adeli and by_rpps.pk != by_adeli.pk:
        row.fail("adeli", "ce numéro ADELI est celui d'un autre professionnel que le numéro RPPS de la ligne.")
        return
    if by_adeli and not by_rpps and row.rpps and by_adeli.rpps:
        row.fail("adeli", "ce numéro ADELI est déjà enregistré avec un autre numéro RPPS.")
        return
    known = by_rpps or by_adeli
    if known is None:
        row.outcome = Outcome.CREATE
        return
    row.existing_id = known.pk
    if known.pk in lookups.open_members:
        row.outcome = Outcome.SKIP
    elif known.pk in lookups.known_here:
        row.outcome = Outcome.REUSE
    else:
        row.outcome = Outcome.ELSEWHERE
    if normalize_name(known.last_name) != normalize_name(row.values.get("last_name", "")):
        row.warnings.append(
            "Nom : le professionnel déjà inscrit avec ce numéro porte un autre nom ; sa fiche est gardée telle quelle."
        )


def check_existing_structure(row: Row, lookups: Lookups):
    """The structure the row's numbers designate on the platform: by FINESS, then by SIRET.

    A structure already on the platform (its numbers are public) is reused as it is.
    """
    by_finess = lookups.by_finess.get(row.finess) if row.finess else None
    by_siret = lookups.by_siret.get(row.siret) if row.siret else None
    if by_finess and by_siret and by_finess.pk != by_siret.pk:
        row.fail("siret", "ce SIRET est celui d'une autre structure que le FINESS de la ligne.")
        return
    known = by_finess or by_siret
    if known is None:
        row.outcome = Outcome.CREATE
        return
    row.existing_id = known.pk
    row.outcome = Outcome.SKIP if known.pk in lookups.open_structures else Outcome.REUSE
    if row.finess and known.finess != row.finess:
        row.warnings.append(
            "FINESS : la structure déjà inscrite avec ce SIRET porte un autre FINESS ; "
            "sa fiche est gardée telle quelle."
        )


def check_duplicates(rows):
    """The same RPPS, ADELI, FINESS or SIRET twice in the file: an error on the later line."""
    first_line = {}
    for row in rows:
        numbers = (("rpps", row.rpps), ("adeli", row.adeli), ("finess", row.finess), ("siret", row.siret))
        for key, value in numbers:
            if not value:
                continue
            if (key, value) in first_line:
                row.fail(key, f"même numéro qu'à la ligne {first_line[key, value]} du fichier (doublon).")
            else:
                first_line[key, value] = row.line


def is_structure_row(values) -> bool:
    """No RPPS nor ADELI, but a FINESS or a SIRET: the row is a structure."""
    return not any(values.get(key) for key in PROFESSIONAL_NUMBERS) and any(
        values.get(key) for key in STRUCTURE_NUMBERS
    )


def check_structure_name(row: Row):
    name = row.values.get("structure_name", "") or row.values.get("last_name", "")
    if not name:
        row.fail("structure_name", "obligatoire pour une structure (à défaut, la colonne « Nom »).")
    elif len(name) > 200:
        row.fail("structure_name", "200 caractères au plus.")
    else:
        row.structure_name = name


def check_structure_kind(row: Row):
    text = row.values.get("structure_kind", "")
    if not text:
        row.fail("structure_kind", "obligatoire pour une structure (MSP, Pharmacie, Laboratoire, EHPAD…).")
        return
    found = STRUCTURE_KIND_SYNONYMS.get(normalize_header(text))
    if found is None:
        row.fail(
            "structure_kind",
            f"« {text} » n'est pas un type connu (par exemple : MSP, Centre de santé, Pharmacie, Laboratoire, "
            "Hôpital, EHPAD, HAD, Médico-social, Association, Transporteur, Autre).",
        )
        return
    row.structure_kind = found


def check_finess(row: Row):
    text = row.values.get("finess", "")
    if not text:
        return
    if scientific_notation(text):
        row.fail("finess", f"« {text} » a été abrégé par le tableur : mettez la colonne au format Texte.")
        return
    value = compact(text).upper()
    if len(value) == 8 and value.isascii() and value.isdigit():
        value = "0" + value  # the spreadsheet dropped the leading zero of départements 01 to 09
    if not is_valid_finess(value):
        row.fail("finess", f"« {text} » : 9 caractères attendus (2A/2B en Corse), avec une clé de contrôle juste.")
        return
    row.finess = value


def check_siret(row: Row):
    text = row.values.get("siret", "")
    if not text:
        return
    if scientific_notation(text):
        row.fail("siret", f"« {text} » a été abrégé par le tableur : mettez la colonne au format Texte.")
        return
    value = compact(text)
    try:
        validate_siret(value)
    except ValidationError:
        row.fail("siret", f"« {text} » : 14 chiffres attendus, avec une clé de contrôle juste.")
        return
    row.siret = value


def check_structure_values(row: Row):
    check_structure_name(row)
    check_structure_kind(row)
    check_finess(row)
    check_siret(row)


def check_professional_values(row: Row):
    check_names(row)
    check_profession(row)
    check_identifiers(row)
    row.accepts_new_patients = parse_bool(row, "accepts_new_patients")
    row.takes_part_in_snp = parse_bool(row, "takes_part_in_snp")
    row.skills = join_skills([row.values.get("skills", ""), row.skills])


def check_values(row: Row):
    """Every check that needs no database."""
    row.is_structure = is_structure_row(row.values)
    if row.is_structure:
        check_structure_values(row)
    else:
        check_professional_values(row)
    check_email(row)
    check_phone(row)
    check_involvement(row)
    check_missions(row)
    if len(row.values.get("address", "")) > 300:
        row.fail("address", "300 caractères au plus.")


def check_rows(cpts, records) -> list[Row]:
    rows = [Row(line=line, values=values) for line, values in records]
    for row in rows:
        check_values(row)
    check_duplicates(rows)
    lookups = load_lookups(cpts, rows)
    for row in rows:
        check_commune(row, lookups)
        check_college(row, lookups)
        if row.is_structure:
            if not any(error.key in STRUCTURE_NUMBERS for error in row.errors):
                check_existing_structure(row, lookups)
            continue
        check_languages(row, lookups)
        if not any(error.key in PROFESSIONAL_NUMBERS for error in row.errors):
            check_existing(row, lookups)
    check_mission_updates(cpts, rows)
    check_place_structures(cpts, rows)
    return rows


def structure_number(text: str) -> tuple[str, str] | None:
    """(« finess » or « siret », the number) from a « Structure » cell; None if it is neither."""
    value = compact(text).upper()
    if len(value) == 8 and value.isascii() and value.isdigit():
        value = "0" + value  # the spreadsheet dropped the leading zero of départements 01 to 09
    if len(value) == 14 and value.isascii() and value.isdigit():
        return "siret", value
    if len(value) == 9 and is_valid_finess(value):
        return "finess", value
    return None


def check_place_structures(cpts, rows):
    """« Structure »: attach the row's practice place to a member structure of the CPTS or to a
    structure of the file. A few queries for the whole file."""
    wanted = [
        row
        for row in rows
        if not row.is_structure
        and row.values.get("structure")
        and row.outcome in (Outcome.CREATE, Outcome.REUSE, Outcome.SKIP)
    ]
    if not wanted:
        return
    in_file = {}
    for row in rows:
        if row.is_structure:
            for key in STRUCTURE_NUMBERS:
                if getattr(row, key):
                    in_file.setdefault((key, getattr(row, key)), row)
    numbers = {}
    for row in wanted:
        found = structure_number(row.values["structure"])
        if found is None:
            row.fail(
                "structure",
                f"« {row.values['structure'][:30]} » n'est ni un FINESS (9 caractères) ni un SIRET (14 chiffres).",
            )
        else:
            numbers[id(row)] = found
    on_platform = {}
    for key in STRUCTURE_NUMBERS:
        values = {number for kind, number in numbers.values() if kind == key and (kind, number) not in in_file}
        for chunk in chunks(values):
            for pk, number in Structure.objects.filter(**{f"{key}__in": chunk}).values_list("pk", key):
                on_platform[key, number] = pk
    members = set()
    for chunk in chunks(set(on_platform.values())):
        members.update(services.member_structures(cpts).filter(pk__in=chunk).values_list("pk", flat=True))
    places = {}
    for chunk in chunks({row.existing_id for row in wanted if row.existing_id}):
        for place in PracticePlace.objects.filter(professional_id__in=chunk).order_by("-is_main", "pk"):
            places.setdefault(place.professional_id, []).append(place)
    for row in wanted:
        if id(row) not in numbers:
            continue
        kind, number = numbers[id(row)]
        label = f"« {row.values['structure'][:30]} »"
        if (kind, number) in in_file:
            row.structure_row = in_file[kind, number]
            target = row.structure_row.existing_id  # None: created by this import
        elif (kind, number) in on_platform:
            target = row.structure_id = on_platform[kind, number]
        else:
            row.fail("structure", f"{label} : aucune structure adhérente de la CPTS ni du fichier n'a ce numéro.")
            continue
        if row.outcome == Outcome.CREATE:
            if row.commune is None:
                row.fail("structure", "indiquez la commune du lieu d'exercice (« Commune » ou « Code INSEE »).")
            elif row.structure_row is None and target not in members:
                row.fail("structure", f"{label} : cette structure n'est pas adhérente de la CPTS.")
            continue
        theirs = places.get(row.existing_id, [])
        place = next((place for place in theirs if row.commune is None or place.commune_id == row.commune.pk), None)
        if place is None:
            where = f" à {row.commune.name}" if row.commune else ""
            row.fail("structure", f"ce professionnel n'a pas de lieu d'exercice{where} sur sa fiche.")
        elif target is not None and place.structure_id == target:
            continue  # already there: nothing to change
        elif row.structure_row is None and target not in members:
            row.fail("structure", f"{label} : cette structure n'est pas adhérente de la CPTS.")
        else:
            row.place_id = place.pk


MISSIONS_NEED_INVOLVEMENT_HERE = (
    "cet adhérent est sur la liste de diffusion, il ne participe à aucune mission : "
    "videz la case ou changez d'abord son implication sur sa fiche d'adhérent."
)


def check_mission_updates(cpts, rows):
    """Adherents already here (SKIP) whose « Missions » cell names other missions than theirs:
    the import replaces their missions (an empty cell leaves them as they are). Two queries."""
    candidates = [row for row in rows if row.outcome == Outcome.SKIP and row.missions and not row.errors]
    if not candidates:
        return
    professional_ids = {row.existing_id for row in candidates if not row.is_structure}
    structure_ids = {row.existing_id for row in candidates if row.is_structure}
    open_memberships = {}
    for ids, field_name in ((professional_ids, "professional_id"), (structure_ids, "structure_id")):
        for chunk in chunks(ids):
            memberships = (
                Membership.objects.for_cpts(cpts)
                .open()
                .filter(**{f"{field_name}__in": chunk})
                .values_list("pk", field_name, "involvement")
            )
            for pk, owner_id, involvement in memberships:
                open_memberships[field_name, owner_id] = (pk, involvement)
    missions = {}
    for chunk in chunks({pk for pk, _ in open_memberships.values()}):
        for membership_id, mission in MissionParticipation.objects.filter(membership_id__in=chunk).values_list(
            "membership_id", "mission"
        ):
            missions.setdefault(membership_id, []).append(mission)
    for row in candidates:
        found = open_memberships.get(("structure_id" if row.is_structure else "professional_id", row.existing_id))
        if found is None:
            continue
        membership_id, involvement = found
        before = sorted(missions.get(membership_id, []))
        if before == row.missions:
            continue
        if involvement == Involvement.MAILING_LIST:
            row.fail("missions", MISSIONS_NEED_INVOLVEMENT_HERE)
            continue
        row.membership_id, row.missions_before = membership_id, before


# --- Public face ----------------------------------------------------------------------


def analyse(cpts, content: bytes, filename: str = "") -> Preview:
    """Read and check the whole file; writes nothing."""
    preview = Preview()
    try:
        lines = read_rows(content, filename)
    except UnreadableFile as error:
        preview.file_errors.append(str(error))
        return preview
    records = records_of(lines, preview)
    if preview.file_errors:
        return preview
    preview.rows = check_rows(cpts, records)
    return preview


def commit(cpts, content: bytes, filename: str = "", *, by) -> ImportResult:
    """All or nothing: analyse again (the platform may have changed since the preview), then write."""
    try:
        with transaction.atomic():
            # One import at a time per CPTS: the second waits, then sees the first's rows.
            Cpts.objects.select_for_update().filter(pk=cpts.pk).first()
            preview = analyse(cpts, content, filename)
            if not preview.is_valid:
                raise ImportRejected(preview)
            return write(cpts, preview, by=by)
    except IntegrityError as error:
        # Lost a race with another write of the same professional or adhesion.
        preview = Preview(file_errors=["Des membres ont été ajoutés pendant l'import : relancez l'aperçu."])
        raise ImportRejected(preview) from error


def new_professional(row: Row) -> Professional:
    professional = Professional(
        first_name=row.values["first_name"],
        last_name=row.values["last_name"],
        profession=row.profession,
        specialty=row.specialty,
        rpps=row.rpps,
        adeli=row.adeli,
        email=row.email,
        phone=row.phone,
        skills=row.skills,
        accepts_new_patients=row.accepts_new_patients,
        takes_part_in_snp=row.takes_part_in_snp,
    )
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
    memberships = Membership.objects.bulk_create(
        Membership(
            cpts=cpts,
            professional_id=None if row.is_structure else ids.get(id(row), row.existing_id),
            structure_id=structure_ids.get(id(row), row.existing_id) if row.is_structure else None,
            college=row.college,
            involvement=row.involvement,
            status=MembershipStatus.ACTIVE,
            requested_at=now,
            decided_at=now,
            decided_by=by,
            joined_on=today,
            card_existed=row.outcome == Outcome.REUSE,
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
    journal.record(
        journal.Action.IMPORT,
        object_type="members.Professional",
        cpts_id=cpts.pk,
        actor=by,
        fields=preview.columns,
        note=f"{len(preview.rows)} lignes : {result.created} créés, {result.reused} repris, "
        f"{result.memberships} adhésions, {result.skipped} déjà adhérents",
    )
    if any(row.is_structure for row in preview.rows):
        journal.record(
            journal.Action.IMPORT,
            object_type="members.Structure",
            cpts_id=cpts.pk,
            actor=by,
            fields=preview.columns,
            note=f"{result.structures} structure(s) créée(s)",
        )
    return result


def update_missions(rows) -> int:
    """Replace the missions of adherents already here, through the service (each row journaled)."""
    rows = list(rows)
    memberships = Membership.objects.in_bulk([row.membership_id for row in rows])
    return sum(services.set_missions(memberships[row.membership_id], row.missions) for row in rows)


def template_csv() -> str:
    """The header line of the template file (`;`, as French spreadsheets expect)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow([column.label for column in COLUMNS])
    return buffer.getvalue()


# --- One member at a time (the API) -------------------------------------------------


def check_record(cpts, values: dict[str, str]) -> Row:
    """The import's rules for one member given as {column key: text}."""
    return check_rows(cpts, [(1, values)])[0]


def enrol_record(cpts, row: Row, *, by) -> Membership:
    """Write one checked row with the ordinary saves (each journaled).

    Raises ValidationError(code="already_member") when the professional already has
    an open adhesion, including when another request wins a race.
    """
    if row.errors or row.outcome is None or row.is_structure:
        raise ValueError("enrol_record needs a checked row of a professional, without errors")
    if row.outcome == Outcome.SKIP:
        raise ValidationError(services.ALREADY_MEMBER, code="already_member")
    if row.outcome == Outcome.ELSEWHERE:
        raise ValidationError(CARD_ELSEWHERE, code="card_elsewhere")
    try:
        with transaction.atomic():
            professional = save_professional(row)
            return services.enrol(
                cpts,
                by=by,
                professional=professional,
                college=row.college,
                involvement=row.involvement,
                card_existed=row.outcome == Outcome.REUSE,
                missions=row.missions,
            )
    except IntegrityError as error:  # the same RPPS saved meanwhile by another request
        raise ValidationError(services.ALREADY_MEMBER, code="already_member") from error


def save_professional(row: Row) -> Professional:
    if row.outcome == Outcome.REUSE:
        return Professional.objects.get(pk=row.existing_id)
    professional = new_professional(row)
    professional.save()
    professional.languages.set(row.languages)
    if row.commune:
        new_place(row, professional.pk).save()
    return professional
