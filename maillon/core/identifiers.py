"""Validation of the French identifiers of the domain (DOMAIN.md §7).

python-stdnum knows SIREN, SIRET and NIR; it has no RPPS nor FINESS module, so
those two checks live here. Every validator raises a French message.
"""

import re

from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import nir, siren, siret

FINESS_PATTERN = re.compile(r"^(?:\d{2}|2A|2B)\d{7}$", re.ASCII)
INSEE_COMMUNE_PATTERN = re.compile(r"^(?:\d{2}|2A|2B)\d{3}$", re.ASCII)


def compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def is_valid_rpps(value: str) -> bool:
    value = compact(value)
    return len(value) == 11 and value.isascii() and value.isdigit() and luhn.is_valid(value)


def is_valid_finess(value: str) -> bool:
    """9 characters; 2A/2B for Corsica; the Luhn key holds on numeric numbers."""
    value = compact(value)
    if not FINESS_PATTERN.match(value):
        return False
    return luhn.is_valid(value) if value.isdigit() else True  # the pattern above admits ASCII only


def validate_rpps(value: str) -> None:
    if not is_valid_rpps(value):
        raise ValidationError(
            "Le numéro RPPS doit compter 11 chiffres et sa clé de contrôle doit être juste.", code="invalid_rpps"
        )


def validate_finess(value: str) -> None:
    if not is_valid_finess(value):
        raise ValidationError(
            "Le numéro FINESS doit compter 9 caractères (2A/2B en Corse) et sa clé de contrôle doit être juste.",
            code="invalid_finess",
        )


def validate_siren(value: str) -> None:
    try:
        siren.validate(value)
    except StdnumError as error:
        raise ValidationError("Le numéro SIREN doit compter 9 chiffres et sa clé doit être juste.") from error


def validate_siret(value: str) -> None:
    try:
        siret.validate(value)
    except StdnumError as error:
        raise ValidationError("Le numéro SIRET doit compter 14 chiffres et sa clé doit être juste.") from error


def is_valid_siret(value: str) -> bool:
    return siret.is_valid(value)


def validate_insee_commune_code(value: str) -> None:
    if not INSEE_COMMUNE_PATTERN.match(value or ""):
        raise ValidationError("Le code commune INSEE compte 5 caractères (2A/2B en Corse).")


ADELI_PATTERN = FINESS_PATTERN  # same shape: département (2A/2B), then 7 digits


def is_valid_adeli(value: str) -> bool:
    """9 characters: département (2A/2B in Corsica), profession, order number, key."""
    return bool(ADELI_PATTERN.match(compact(value)))


def validate_adeli(value: str) -> None:
    if not is_valid_adeli(value):
        raise ValidationError("Le numéro ADELI doit compter 9 caractères (2A/2B en Corse).", code="invalid_adeli")


def compact_nir(value: str) -> str:
    """The NIR without spaces or dots (the form of the card: « 2 95 10 99 126 111 93 »)."""
    return nir.compact(value) if value else ""


def validate_nir(value: str) -> None:
    """The NIR (and the INS matricule, which is the NIR): 15 characters, 2A/2B read as 19/18, key."""
    try:
        nir.validate(value)
    except StdnumError as error:
        raise ValidationError(
            "NIR : le numéro de sécurité sociale n'est pas valide (15 caractères, clé de contrôle).", code="invalid_nir"
        ) from error
