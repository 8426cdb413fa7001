import pytest
from django.core.exceptions import ValidationError

from maillon.core.phones import normalize_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0123456789", "01 23 45 67 89"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_phone_numbers_are_normalised(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["012345", "abc", "01 23 45 67 89 10"])
def test_invalid_phone_numbers_are_refused_naming_the_field(typed):
    with pytest.raises(ValidationError, match="Téléphone du cabinet"):
        normalize_phone(typed, "Téléphone du cabinet")
