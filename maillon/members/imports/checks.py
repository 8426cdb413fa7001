"""Checks on one value of a row (no query): names, profession, numbers, contacts, missions."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from maillon.core.identifiers import compact, is_valid_adeli, is_valid_rpps
from maillon.core.imports import RowError
from maillon.core.missions import parse as parse_mission
from maillon.core.phones import normalize_phone

from ..models import (
    Involvement,
)
from ..professions import SPECIALTIES_BY_PROFESSION, Profession, Specialty
from .columns import COLUMNS_BY_KEY, normalize_header
from .rows import Row
from .synonyms import INVOLVEMENT_SYNONYMS, NO, PROFESSION_SYNONYMS, SPECIALTY_SYNONYMS, YES

# --- Checks on one value --------------------------------------------------------------


def check_names(row: Row):
    row.check_texts(("last_name", "first_name"), max_length=100)


def synonym_of(row: Row, key: str, synonyms: dict, *, unknown: str, missing: str = ""):
    """The value a column's text stands for in `synonyms`, or None: with the row's error when the
    text is unknown (`unknown` is completed by « « text » n'est pas … »), or when it is empty
    and the column is required (its error: `missing`)."""
    text = row.values.get(key, "")
    if not text:
        if missing:
            row.fail(key, missing)
        return None
    found = synonyms.get(normalize_header(text))
    if found is None:
        row.fail(key, f"« {text} » {unknown}")
    return found


def check_profession(row: Row):
    found = synonym_of(
        row,
        "profession",
        PROFESSION_SYNONYMS,
        missing="obligatoire.",
        unknown="n'est pas une profession connue (par exemple : Infirmière, Médecin généraliste, Kiné, "
        "Pharmacien, Sage-femme, IPA, ou un code G15 comme 60).",
    )
    if found is None:
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


def check_number(row: Row, key: str, *, is_valid, expected: str, normalize=compact):
    """An identifier column (RPPS, ADELI, FINESS, SIRET): empty is fine; a number the spreadsheet
    abbreviated (« 1,23E+10 ») is refused; else its `normalize`d value must be valid, or the row
    fails with « « text » : `expected` »."""
    text = row.values.get(key, "")
    if not text:
        return
    if scientific_notation(text):
        row.fail(key, f"« {text} » a été abrégé par le tableur : mettez la colonne au format Texte.")
        return
    value = normalize(text)
    if is_valid(value):
        setattr(row, key, value)
    else:
        row.fail(key, f"« {text} » : {expected}")


def without_national_prefix(text: str) -> str:
    value = compact(text)
    return value[1:] if len(value) == 12 and value.startswith("8") else value  # "8" + RPPS, the national identifier


def with_departement_zero(text: str) -> str:
    value = compact(text)
    # The spreadsheet dropped the leading zero of départements 01 to 09.
    return "0" + value if len(value) == 8 and value.isascii() and value.isdigit() else value


def check_identifiers(row: Row):
    check_number(
        row,
        "rpps",
        is_valid=is_valid_rpps,
        normalize=without_national_prefix,
        expected="11 chiffres attendus, avec une clé de contrôle juste.",
    )
    check_number(
        row,
        "adeli",
        is_valid=is_valid_adeli,
        normalize=with_departement_zero,
        expected="9 caractères attendus (2A/2B en Corse).",
    )
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
    choices = ", ".join(f"« {label} »" for label in Involvement.labels)
    unknown = f"n'est pas un niveau connu ; niveaux possibles : {choices}."
    found = synonym_of(row, "involvement", INVOLVEMENT_SYNONYMS, unknown=unknown)
    if found is not None:
        row.involvement = found


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
        try:
            numbers.add(int(parse_mission(token)))
        except ValueError:
            row.fail(
                "missions", f"« {part.strip()[:30]} » n'est pas une mission : numéros de 1 à 6, par exemple « 1, 3 »."
            )
            return
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
