"""Phone numbers on the French numbering plan (the `phonenumbers` library)."""

import phonenumbers
from django.core.exceptions import ValidationError


def normalize_phone(value: str, label: str = "Téléphone") -> str:
    """French numbers as « 01 23 45 67 89 », others in international form; a clear error otherwise."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException as error:
        raise _invalid(label) from error
    if not phonenumbers.is_valid_number(number):
        raise _invalid(label)
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _invalid(label):
    example = "par exemple 01 23 45 67 89"
    return ValidationError(
        f"{label} : saisissez un numéro valide ({example}) ou un numéro international commençant par +."
    )
