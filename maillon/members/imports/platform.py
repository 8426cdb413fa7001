"""Checks of the rows against the platform: communes, collèges, professionals and structures already here."""

import re

from maillon.core.identifiers import compact, is_valid_finess, is_valid_siret
from maillon.territories.models import normalize_name

from .. import services
from ..models import (
    Involvement,
    Membership,
    MissionParticipation,
    PracticePlace,
    Structure,
)
from .checks import (
    check_email,
    check_identifiers,
    check_involvement,
    check_missions,
    check_names,
    check_number,
    check_phone,
    check_profession,
    join_skills,
    parse_bool,
    synonym_of,
    with_departement_zero,
)
from .columns import PROFESSIONAL_NUMBERS, STRUCTURE_NUMBERS, normalize_header
from .lookups import Lookups, chunks, commune_name_key, load_lookups
from .rows import Outcome, Row
from .synonyms import STRUCTURE_KIND_SYNONYMS

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


def designated(row: Row, first, second, *, key: str, conflict: str):
    """What the row's two numbers designate on the platform (`first` wins), now the row's
    `existing_id`; None when they designate two different ones (the row fails under `key`) or
    nothing (the row's outcome: CREATE)."""
    if first and second and first.pk != second.pk:
        row.fail(key, conflict)
        return None
    known = first or second
    if known is None:
        row.outcome = Outcome.CREATE
    else:
        row.existing_id = known.pk
    return known


def check_existing(row: Row, lookups: Lookups):
    """Who the row's numbers designate on the platform, and what will happen."""
    by_rpps = lookups.by_rpps.get(row.rpps) if row.rpps else None
    by_adeli = lookups.by_adeli.get(row.adeli) if row.adeli else None
    if by_adeli and not by_rpps and row.rpps and by_adeli.rpps:
        row.fail("adeli", "ce numéro ADELI est déjà enregistré avec un autre numéro RPPS.")
        return
    conflict = "ce numéro ADELI est celui d'un autre professionnel que le numéro RPPS de la ligne."
    known = designated(row, by_rpps, by_adeli, key="adeli", conflict=conflict)
    if known is None:
        return
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
    conflict = "ce SIRET est celui d'une autre structure que le FINESS de la ligne."
    known = designated(row, by_finess, by_siret, key="siret", conflict=conflict)
    if known is None:
        return
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
    found = synonym_of(
        row,
        "structure_kind",
        STRUCTURE_KIND_SYNONYMS,
        missing="obligatoire pour une structure (MSP, Pharmacie, Laboratoire, EHPAD…).",
        unknown="n'est pas un type connu (par exemple : MSP, Centre de santé, Pharmacie, Laboratoire, "
        "Hôpital, EHPAD, HAD, Médico-social, Association, Transporteur, Autre).",
    )
    if found is not None:
        row.structure_kind = found


def check_structure_values(row: Row):
    check_structure_name(row)
    check_structure_kind(row)
    check_number(
        row,
        "finess",
        is_valid=is_valid_finess,
        normalize=with_departement_zero,
        expected="9 caractères attendus (2A/2B en Corse), avec une clé de contrôle juste.",
    )
    check_number(
        row, "siret", is_valid=is_valid_siret, expected="14 chiffres attendus, avec une clé de contrôle juste."
    )


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
