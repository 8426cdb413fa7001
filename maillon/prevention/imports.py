"""Yearly values of one measure imported from the sources' open-data files (the import kit).

The coordinator downloads the file from the source and chooses which source it comes from;
each row gives one year's value of an indicator for a geography. The rows of the measure's
indicator and geography become `MeasureValue`s (`services.set_value(..., imported=True)`);
the others are skipped and counted in the preview — they are not errors. A hidden cell (the
sources' small-count rule: « < 6 », « NS », « secret », « NC », empty) imports as no value,
the numerator unknown. Decimal commas are read. A year or a value that cannot be read is an
error naming its column, and the import is refused as a whole (`all_or_nothing`).

The three sources and the files they give (headers matched with accents, case, brackets and
the kit's variants ignored; the exact headers below are the closest we could document —
those marked « assumed » were designed after the portals' screens, not read from a file):

- **Rézone CPTS** (Assurance Maladie, rezonecpts.ameli.fr): the indicators of the communes
  the CPTS selected — its own territory (scope « territoire »). Assumed header, one line per
  indicator and period: `Indicateur;Période;Zone;Numérateur;Dénominateur;Valeur` (`Zone`
  optional: « Territoire », « Département », « Région », « France »; the département's line
  gives the comparison value, région and France lines are skipped). A file with a
  département code column is not a Rézone export: refused with a file error.
- **Odissé** (Santé publique France, odisse.santepubliquefrance.fr, an Opendatasoft portal:
  `;` separator): a dataset by département (sometimes EPCI or région). The field names of
  the exports (`an_mesure`, `dep`, `libgeo`, `grip_65plus`…) and their labels with « Use
  labels » (`Année`, `Département Code`, `Département`…) are both recognised. The screening
  datasets' value column (`Taux de participation`, `taux_participation`) and their optional
  `Sexe`, `Classe d'âge`, `Indicateur`, `Niveau géographique` columns are assumed. Only the
  lines of the measure's comparison département (scope « département ») are imported.
- **Data pathologies** (Assurance Maladie open data, `effectifs.csv`): `annee;patho_niv1;
  patho_niv2;patho_niv3;top;cla_age_5;sexe;region;dept;Ntop;Npop;prev;…` — read from
  published extracts. The lines of the measure's département, all ages (`tsage`) and both
  sexes (`9`) are imported (`prev` the value in %, `Ntop` and `Npop` its numerator and
  denominator; `Ntop` empty = secret); `dept` 999 (a région's total) and the others are skipped.

The indicator of a line is matched to the measure's kind by keywords (« colorectal »,
« sein »…), or, for a measure of another kind, by its name (or the `top` code); a file
without an indicator column is taken as the measure's. Lines by sex or age class are kept
when they are the whole population (or the action's target: women, its age band), else
skipped. Two kept lines for the same year and scope are an error: the file is ambiguous.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import ClassVar

from django.utils import timezone

from maillon.core import imports as kit
from maillon.core import journal
from maillon.core.imports import BaseRow, Column, ColumnSet, ImportRejected, normalize_header  # noqa: F401

from . import services
from .models import SMALL_COUNT, Measure, MeasureKind, MeasureSource, MeasureValue, Scope, TargetSex

IMPORTED = "importée"
REPLACED = "remplace"
SKIPPED = "ignorée"

# Cells the sources write for a figure they do not give (secret under 6, not significant…).
HIDDEN = {"", "<6", "< 6", "inf6", "ns", "nc", "nd", "n d", "secret", "s", "se", "x", "-", "*", "na", "masque"}
ALL_SEXES = {"", "9", "tous", "tous sexes", "ensemble", "t", "total", "hommes et femmes", "h f", "tous les sexes"}
FEMALE = {"2", "f", "femme", "femmes", "feminin"}
MALE = {"1", "h", "m", "homme", "hommes", "masculin"}
ALL_AGES = {"", "tsage", "tous ages", "tous", "ensemble", "total", "tout age", "tous les ages"}
TERRITORY_LEVELS = {"territoire", "cpts", "selection", "territoire selectionne", "communes", "zone", "commune"}
DEPARTEMENT_LEVELS = {"departement", "dep", "departemental", "dpt"}

# Words that name each kind of measure in the sources' indicator labels (normalised: no accent,
# lower case); a label matches when it holds every word of one of the groups.
KIND_WORDS = {
    MeasureKind.COLORECTAL_SCREENING: [{"colorectal"}, {"colon"}, {"ccr"}],
    MeasureKind.BREAST_SCREENING: [{"sein"}, {"mammographie"}, {"cancer", "sein"}],
    MeasureKind.CERVICAL_SCREENING: [{"col", "uterus"}, {"ccu"}, {"cervico"}, {"frottis"}],
    MeasureKind.FLU_VACCINATION: [{"grippe"}, {"antigrippale"}, {"grip"}],
    MeasureKind.HPV_VACCINATION: [{"hpv"}, {"papillomavirus"}, {"papillomavirus", "humain"}],
    MeasureKind.MEASLES_VACCINATION: [{"ror"}, {"rougeole"}],
}
SOURCE_NAMES = {
    MeasureSource.REZONE: "Rézone CPTS",
    MeasureSource.ODISSE: "Odissé (Santé publique France)",
    MeasureSource.AMELI: "Data pathologies (Assurance Maladie)",
}
# Headers only a Data pathologies file has.
AMELI_SIGNATURE = {"patho niv1", "patho niv2", "ntop", "npop", "cla age 5"}


# --- Columns, per source ------------------------------------------------------------------

YEAR = Column(
    "year",
    "Année",
    "annee, an, an_mesure, an mesure, année de mesure, période, periode, millésime, campagne, année de la mesure",
    "L'année (AAAA) ou la période (AAAA-AAAA : la dernière année est retenue).",
)
INDICATOR = Column(
    "indicator",
    "Indicateur",
    "libellé de l'indicateur, libelle indicateur, nom de l'indicateur, intitulé, indicateur de prévention",
    "Le nom de l'indicateur : seules les lignes de la mesure sont importées.",
)
NUMERATOR = Column(
    "numerator",
    "Numérateur",
    "nombre de personnes dépistées, personnes dépistées, nb dépistés, nombre de dépistés, effectif, "
    "nombre de personnes, nombre de personnes vaccinées, personnes vaccinées, nb_depistes",
    "Les personnes concernées (dépistées, vaccinées…) ; vide ou « < 6 » si la source le masque.",
)
DENOMINATOR = Column(
    "denominator",
    "Dénominateur",
    "population cible, population, pop cible, nombre de personnes éligibles, population éligible, pop_cible",
    "La population cible.",
)
SOURCE_DATE = Column(
    "source_on",
    "Date de mise à jour",
    "date des données, date de la source, date maj, date_maj, mise à jour, date d'extraction, date de publication",
    "Facultative : la date des données (JJ/MM/AAAA ou AAAA-MM-JJ).",
)
SEX = Column(
    "sex", "Sexe", "sexe, genre, libelle_sexe, libellé sexe", "Seules les lignes « tous sexes » sont importées."
)
AGE = Column(
    "age",
    "Classe d'âge",
    "classe d'âge, tranche d'âge, classe age, age, âge, cla_age_5, libellé classe d'âge, tranche age",
    "Seules les lignes « tous âges » (ou de la tranche d'âge de l'action) sont importées.",
)
VALUE_ALIASES = (
    "taux, valeur, taux de participation, taux de participation standardisé, taux de dépistage, "
    "couverture vaccinale, taux de couverture, taux de couverture vaccinale, taux brut, taux standardisé, "
    "pourcentage, taux_participation, tx_participation, valeur de l'indicateur, taux (%), valeur territoire, "
    "taux territoire, valeur cpts"
)

REZONE_COLUMNS = ColumnSet(
    [
        INDICATOR,
        YEAR,
        Column(
            "level",
            "Zone",
            "niveau, niveau géographique, échelle, territoire, périmètre, zone géographique",
            "Facultative : « Territoire » (par défaut) ou « Département » ; région et France sont ignorées.",
        ),
        NUMERATOR,
        DENOMINATOR,
        Column("value", "Valeur", VALUE_ALIASES, "Le taux en %, virgule ou point décimal ; « < 6 » ou vide : masqué."),
        SOURCE_DATE,
    ],
    keywords={"indicateur": "indicator", "numerateur": "numerator", "denominateur": "denominator"},
    required=("year", "value"),
)

ODISSE_COLUMNS = ColumnSet(
    [
        Column(
            "geo_code",
            "Code département",
            "code département, code departement, département code, dep, code_dep, code géographique, code geo, "
            "geo code, code_geo, codgeo, code insee, code territoire, code",
            "Le code du département (« 07 », « 2A ») ; seules les lignes du département de comparaison sont importées.",
        ),
        Column(
            "geo_label", "Département", "libgeo, libellé géographique, deplib, nom du département, département, lib_dep"
        ),
        Column(
            "level",
            "Niveau géographique",
            "niveau, niveau géographique, échelle, type de territoire, niveau geo, geo_level",
            "Facultative : les lignes d'un autre niveau que le département sont ignorées.",
        ),
        YEAR,
        INDICATOR,
        SEX,
        AGE,
        NUMERATOR,
        DENOMINATOR,
        Column("value", "Taux de participation", VALUE_ALIASES, "Le taux en % ; « NS », « NC » ou vide : masqué."),
        SOURCE_DATE,
    ],
    keywords={"indicateur": "indicator", "numerateur": "numerator", "denominateur": "denominator"},
    required=("geo_code", "year", "value"),
)

AMELI_COLUMNS = ColumnSet(
    [
        YEAR,
        Column("patho_niv1", "patho_niv1", "pathologie niveau 1, groupe de pathologies"),
        Column("patho_niv2", "patho_niv2", "pathologie niveau 2, sous-groupe de pathologies"),
        Column("patho_niv3", "patho_niv3", "pathologie niveau 3, sous-groupe détaillé de pathologies"),
        Column("top", "top", "code pathologie, libellé technique"),
        Column("age", "cla_age_5", "classe d'âge, classe age", "« tsage » : tous âges."),
        Column("sex", "sexe", "sexe, code sexe", "9 : tous sexes, 1 : hommes, 2 : femmes."),
        Column("geo_code", "dept", "département, code département, dep, code_dep", "999 : le total d'une région."),
        Column("numerator", "Ntop", "effectif de patients, patients pris en charge", "Vide : secret statistique."),
        Column("denominator", "Npop", "population de référence"),
        Column("value", "prev", "prévalence, prevalence, taux de prévalence", "La prévalence en %."),
    ],
    required=("year", "geo_code", "value"),
    one_of=[("patho_niv1", "patho_niv2", "patho_niv3", "top")],
)

COLUMNS = {
    MeasureSource.REZONE: REZONE_COLUMNS,
    MeasureSource.ODISSE: ODISSE_COLUMNS,
    MeasureSource.AMELI: AMELI_COLUMNS,
}
SOURCES = tuple(COLUMNS)
# Odissé's vaccination coverage datasets give one column per vaccine (« wide »): the measure's
# column is its value. Field names as exported, then their labels with « Use labels ».
VACCINE_VALUE_COLUMNS = {
    MeasureKind.FLU_VACCINATION: "grip_65plus, grippe 65 ans et plus, grippe 65 ans et +",
    MeasureKind.HPV_VACCINATION: "hpv_f2, hpv filles 2 doses, papillomavirus filles 2 doses",
    MeasureKind.MEASLES_VACCINATION: "ror2_24m, ror 2 doses 24 mois, rougeole oreillons rubeole 2 doses 24 mois",
}


def columns_for(source: str, kind: str) -> ColumnSet:
    """The columns of `source`; an Odissé vaccination file also names its value after the vaccine."""
    columns = COLUMNS[source]
    extra = VACCINE_VALUE_COLUMNS.get(kind) if source == MeasureSource.ODISSE else None
    if not extra:
        return columns
    return ColumnSet(
        [
            Column(column.key, column.label, f"{column.aliases}, {extra}", column.description)
            if column.key == "value"
            else column
            for column in columns
        ],
        keywords=columns.keywords,
        required=columns.required,
        one_of=columns.one_of,
    )


# --- Rows and preview -----------------------------------------------------------------------


@dataclass
class Row(BaseRow):
    COLUMNS: ClassVar[ColumnSet] = REZONE_COLUMNS

    outcome: str = IMPORTED
    reason: str = ""  # why a skipped row is skipped
    year: int | None = None
    scope: str = Scope.TERRITORY
    value: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    source_on: datetime.date | None = None
    hidden: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return self.outcome == SKIPPED

    @property
    def indicator(self) -> str:
        return indicator_label(self.values)

    @property
    def scope_label(self) -> str:
        return Scope(self.scope).label

    @property
    def place(self) -> str:
        """Where the line is about, as the file writes it (a code, a level), for the preview."""
        return self.values.get("geo_code") or self.values.get("level") or ""

    @property
    def raw(self) -> dict:
        """The year and value as the file writes them, for the preview."""
        return {"year": self.values.get("year", ""), "value": self.values.get("value", "")}


def row_class(columns: ColumnSet) -> type[Row]:
    """Row whose errors name the columns of `columns` (the kit's rows name their import's)."""
    return type(f"Row_{id(columns)}", (Row,), {"COLUMNS": columns, "__annotations__": {}})


@dataclass
class Preview(kit.Preview):
    @property
    def summary(self):
        kept = [row for row in self.rows if not row.errors and not row.skipped]
        return {
            "rows": len(self.rows),
            "errors": len(self.error_rows),
            "imported": sum(1 for row in kept if row.outcome == IMPORTED),
            "replaced": sum(1 for row in kept if row.outcome == REPLACED),
            "skipped": sum(1 for row in self.rows if row.skipped and not row.errors),
            "hidden": sum(1 for row in kept if row.hidden),
            "values": len(kept),
        }

    @property
    def is_valid(self):
        return super().is_valid and bool(self.summary["values"])


@dataclass(frozen=True)
class ImportResult:
    created: int
    replaced: int
    skipped: int
    hidden: int

    @property
    def message(self):
        return (
            f"Import terminé : {self.created} valeur(s) ajoutée(s), {self.replaced} remplacée(s), "
            f"{self.skipped} ligne(s) ignorée(s) (autre indicateur, autre territoire ou sous-groupe)"
            + (f", dont {self.hidden} masquée(s) par la source (effectif inférieur à 6)." if self.hidden else ".")
        )


# --- Reading cells ------------------------------------------------------------------------


def compact(text: str) -> str:
    return normalize_header(text)


def is_hidden(text: str) -> bool:
    cleaned = (text or "").strip().lower().replace("\u00a0", " ")
    return cleaned in HIDDEN or compact(cleaned) in HIDDEN or cleaned.startswith("<")


def parse_decimal(text: str) -> Decimal | None:
    """« 32,5 », « 32.5 % », « 1 234,5 » → Decimal; None when unreadable."""
    cleaned = re.sub(r"[\s\u00a0\u202f%]", "", text or "")
    if cleaned.count(",") == 1 and "." in cleaned:
        cleaned = cleaned.replace(".", "")  # « 1.234,5 »: a thousands point
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?|[+-]?\.\d+", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_count(text: str) -> int | None:
    number = parse_decimal(text)
    if number is None or number < 0 or number != number.to_integral_value():
        return None
    return int(number)


def parse_year(text: str) -> int | None:
    """« 2023 », « 2022-2023 », « 2022/2023 », « 2023.0 » → the last year; None otherwise."""
    years = re.findall(r"(?<!\d)(\d{4})(?!\d)", text or "")
    rest = re.sub(r"(?<!\d)\d{4}(?!\d)|\.0\b|[\s\-/–àau]", "", (text or "").lower())
    if not years or rest:
        return None
    return int(years[-1])


def parse_date(text: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text.strip()[:19], pattern).date()
        except ValueError:
            continue
    return None


def departement_code(text: str) -> str:
    """« 7 » → « 07 », « 2a » → « 2A », « 07 - Ardèche » → « 07 »."""
    code = (text or "").strip().upper().split(" ")[0].split("-")[0].strip()
    if code.endswith(".0"):
        code = code[:-2]
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code


def indicator_label(values: dict) -> str:
    """The indicator a line names: its indicator column, or the most precise pathology level."""
    if values.get("indicator"):
        return values["indicator"]
    for key in ("patho_niv3", "patho_niv2", "patho_niv1"):
        if values.get(key):
            return values[key]
    return values.get("top", "")


# --- The importer ---------------------------------------------------------------------------


class MeasureImport(kit.Importer):
    """The file of one source, into the yearly values of one measure."""

    preview_class = Preview
    empty_message = "Le fichier ne contient aucune ligne de valeur."
    race_message = "Des valeurs de cette mesure ont été changées pendant l'import : relancez l'aperçu."

    def __init__(self, measure: Measure, source: str):
        if source not in COLUMNS:
            raise ValueError(f"Unknown source {source!r}")
        self.measure, self.source = measure, source
        self.columns = columns_for(source, measure.kind)
        self.row_class = row_class(self.columns)
        self.template_filename = f"modele-{source}.csv"

    @property
    def source_name(self) -> str:
        return SOURCE_NAMES[self.source]

    # The file as a whole: the right source?

    def analyse(self, cpts, content: bytes, filename: str = "", *, mapping=None):
        preview = super().analyse(cpts, content, filename, mapping=mapping)
        summary = preview.summary
        if not preview.file_errors and preview.rows and not summary["values"] and not summary["errors"]:
            preview.file_errors.append(
                f"Aucune ligne de ce fichier ne porte sur cette mesure ({self.measure.label}"
                + (f", département {self.measure.departement_id}" if self.source != MeasureSource.REZONE else "")
                + f") : les {summary['skipped']} lignes sont d'un autre indicateur, d'un autre territoire ou "
                "d'un sous-groupe."
            )
        return preview

    def records_of(self, lines, preview, mapping=None):
        header = next((cells for _, cells in lines if any(cells)), [])
        headers = {normalize_header(cell) for cell in header if cell}
        wrong = self.wrong_source(headers)
        if wrong:
            preview.file_errors.append(wrong)
            return []
        records = super().records_of(lines, preview, mapping)
        if preview.file_errors and not any(key in preview.columns for key in ("year", "value")):
            preview.file_errors.insert(
                0,
                f"Ce fichier ne ressemble pas à un export {self.source_name} : ni année ni valeur n'y ont été "
                "trouvées. Vérifiez la source choisie et le fichier téléchargé.",
            )
        if not preview.file_errors and self.source != MeasureSource.REZONE and self.measure.departement_id is None:
            preview.file_errors.append(
                "Cette mesure n'a pas de département de comparaison : choisissez-le sur la mesure, puis recommencez."
            )
        return records

    def wrong_source(self, headers: set[str]) -> str:
        if self.source != MeasureSource.AMELI and len(headers & AMELI_SIGNATURE) >= 2:
            return (
                "Ce fichier est un extrait de Data pathologies (Assurance Maladie), "
                f"pas un export {self.source_name} : choisissez la source « Data pathologies »."
            )
        if self.source == MeasureSource.REZONE:
            geo = next((header for header in headers if ODISSE_COLUMNS.key_of(header) == "geo_code"), None)
            if geo:
                return (
                    f"Ce fichier porte une colonne de code géographique (« {geo} ») : c'est un export par département "
                    "(Odissé ou open data de l'Assurance Maladie), pas un export Rézone CPTS, qui porte sur le "
                    "territoire de la CPTS. Choisissez la bonne source."
                )
        return ""

    # Each line.

    def check(self, cpts, records) -> list[Row]:
        rows = [self.row_class(line=number, values=values) for number, values in records]
        for row in rows:
            self.check_row(row)
        self.mark_duplicates(rows)
        self.mark_existing(rows)
        return rows

    def check_row(self, row: Row):
        reason = self.skip_reason(row)
        if reason:
            row.outcome, row.reason = SKIPPED, reason
            return  # not the measure's: nothing of it is read
        self.read_year(row)
        self.read_figures(row)
        text = row.values.get("source_on", "")
        if text:
            row.source_on = parse_date(text)
            if row.source_on is None:
                row.fail("source_on", f"« {text} » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ).")

    def skip_reason(self, row: Row) -> str:
        values = row.values
        label = indicator_label(values)
        if label and not self.matches(values, label):
            return "autre indicateur"
        if self.source == MeasureSource.REZONE:
            level = compact(values.get("level", ""))
            if level in ("",) or level in TERRITORY_LEVELS or level.startswith("territoire"):
                row.scope = Scope.TERRITORY
            elif level in DEPARTEMENT_LEVELS or level.startswith("departement"):
                row.scope = Scope.DEPARTEMENT
            else:
                return f"autre niveau ({values['level']})"
        else:
            level = compact(values.get("level", ""))
            if level and level not in DEPARTEMENT_LEVELS and not level.startswith("departement"):
                return f"autre niveau géographique ({values['level']})"
            code = departement_code(values.get("geo_code", ""))
            if not code:
                return "sans code géographique"
            if code != self.measure.departement_id:
                return "autre département" if len(code) <= 3 and code != "999" else "autre territoire"
            row.scope = Scope.DEPARTEMENT
        sex = compact(values.get("sex", ""))
        target = self.measure.action.sex
        aimed = (sex in FEMALE and target == TargetSex.FEMALE) or (sex in MALE and target == TargetSex.MALE)
        if sex not in ALL_SEXES and not aimed:
            return f"sous-groupe (sexe : {values['sex']})"
        age = compact(values.get("age", ""))
        if age not in ALL_AGES and not self.is_target_age(age):
            return f"sous-groupe (âge : {values['age']})"
        return ""

    def matches(self, values: dict, label: str) -> bool:
        words = set(compact(label).split())
        groups = KIND_WORDS.get(self.measure.kind)
        if groups is not None:
            return any(group <= words for group in groups)
        name = compact(self.measure.name)
        if not name:
            return True
        top = values.get("top", "")
        return compact(label) == name or (top and compact(top) == name) or set(name.split()) <= words

    def is_target_age(self, age: str) -> bool:
        """« 50-74 ans », « 50 à 74 ans » for an action aimed at 50 to 74."""
        action = self.measure.action
        numbers = [int(number) for number in re.findall(r"\d+", age)]
        if action.age_min is None and action.age_max is None:
            return False
        wanted = [number for number in (action.age_min, action.age_max) if number is not None]
        return numbers == wanted

    def read_year(self, row: Row):
        text = row.values.get("year", "")
        if not text:
            row.fail("year", "obligatoire.")
            return
        year = parse_year(text)
        if year is None:
            row.fail("year", f"« {text} » n'est pas une année (AAAA, ou AAAA-AAAA pour une période).")
        elif not 2000 <= year <= timezone.localdate().year + 1:
            row.fail("year", f"{year} : une année entre 2000 et {timezone.localdate().year + 1}.")
        else:
            row.year = year

    def read_figures(self, row: Row):
        text = row.values.get("value", "")
        numerator_text = row.values.get("numerator", "")
        if is_hidden(text):
            row.hidden = True
        else:
            value = parse_decimal(text)
            if value is None:
                row.fail("value", f"« {text} » n'est pas un nombre (virgule ou point décimal).")
            elif value < 0 or (self.measure.unit.strip() == "%" and value > 100):
                row.fail("value", f"{text} n'est pas un pourcentage (entre 0 et 100).")
            else:
                row.value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                if value.as_tuple().exponent < -2:
                    row.warnings.append(f"Valeur arrondie à {row.value} (deux décimales).")
        if is_hidden(numerator_text):
            if numerator_text.strip():
                row.hidden = True  # « < 6 »: the count is secret, so is the rate
        else:
            numerator = parse_count(numerator_text)
            if numerator is None:
                row.fail("numerator", f"« {numerator_text} » n'est pas un nombre entier positif.")
            elif numerator < SMALL_COUNT:
                row.hidden = True  # the small-count rule, as the sources apply it
            else:
                row.numerator = numerator
        denominator_text = row.values.get("denominator", "")
        if not is_hidden(denominator_text):
            denominator = parse_count(denominator_text)
            if denominator is None:
                row.fail("denominator", f"« {denominator_text} » n'est pas un nombre entier positif.")
            else:
                row.denominator = denominator
        if row.hidden:
            row.value, row.numerator = None, None
        elif row.numerator is not None and row.denominator is not None and row.numerator > row.denominator:
            row.fail("numerator", "il dépasse le dénominateur.")

    def mark_duplicates(self, rows):
        first = {}
        for row in rows:
            if row.skipped or row.errors or row.year is None:
                continue
            key = (row.year, row.scope)
            if key in first:
                row.fail(
                    "year",
                    f"{row.year} figure déjà à la ligne {first[key]} pour le périmètre « {row.scope_label} » : "
                    "le fichier donne deux valeurs pour la même année (un indicateur ou un sous-groupe de trop ?).",
                )
            else:
                first[key] = row.line

    def mark_existing(self, rows):
        existing = set(MeasureValue.objects.filter(measure=self.measure).values_list("year", "scope"))
        for row in rows:
            if not row.skipped and (row.year, row.scope) in existing:
                row.outcome = REPLACED

    # Writing.

    def write(self, cpts, preview: Preview, *, by) -> ImportResult:
        summary = preview.summary
        for row in preview.rows:
            if row.skipped:
                continue
            services.set_value(
                self.measure,
                year=row.year,
                scope=row.scope,
                by=by,
                imported=True,
                source=self.source,
                value=row.value,
                numerator=row.numerator,
                denominator=row.denominator,
                source_on=row.source_on,
                note=f"Import {self.source_name}, ligne {row.line}",
            )
        journal.record(
            journal.Action.IMPORT,
            object_type=MeasureValue._meta.label,
            cpts_id=cpts.pk,
            actor=by,
            fields=preview.columns,
            note=f"mesure {self.measure.pk}, {self.source_name}, {len(preview.rows)} lignes : "
            f"{summary['imported']} valeurs ajoutées, {summary['replaced']} remplacées, {summary['skipped']} ignorées",
        )
        return ImportResult(
            created=summary["imported"],
            replaced=summary["replaced"],
            skipped=summary["skipped"],
            hidden=summary["hidden"],
        )

    def commit(self, cpts, content: bytes, filename: str = "", *, by, mapping=None):
        if self.measure.cpts_id != cpts.pk:
            raise ValueError("The measure belongs to another CPTS.")
        return super().commit(cpts, content, filename, by=by, mapping=mapping)


def importer_for(measure: Measure, source: str) -> MeasureImport:
    return MeasureImport(measure, source)
