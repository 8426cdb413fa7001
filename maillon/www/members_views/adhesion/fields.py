"""Fields of the adhesion forms: professional identifiers (RPPS, ADELI, FINESS, SIRET) and skills."""

import re

from maillon.core.identifiers import compact, validate_adeli, validate_finess, validate_rpps, validate_siret


def clean_identifier(value: str, validator) -> str | None:
    """Spaces and dots removed, then checked; the validators' messages name the register."""
    value = compact(value)
    if not value:
        return None
    validator(value)
    return value


def clean_rpps(value):
    return clean_identifier(value, validate_rpps)


def clean_adeli(value):
    return clean_identifier(value, validate_adeli)


def clean_finess(value):
    return clean_identifier(value, validate_finess)


def clean_siret(value):
    return clean_identifier(value, validate_siret)


def clean_skills(value: str) -> str:
    """One skill per comma, without blanks nor duplicates (case-insensitive)."""
    skills = {}
    for skill in re.split(r"[,;\n]", value or ""):
        skill = " ".join(skill.split())
        if skill:
            skills.setdefault(skill.lower(), skill)
    return ", ".join(skills.values())
