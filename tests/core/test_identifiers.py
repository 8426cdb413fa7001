import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from maillon.core.identifiers import (
    is_valid_finess,
    is_valid_rpps,
    validate_finess,
    validate_rpps,
    validate_siren,
    validate_siret,
)


@pytest.mark.parametrize("rpps", ["10100901734", "10002909371", "100 0290 9371"])
def test_real_rpps_numbers_are_valid(rpps):
    assert is_valid_rpps(rpps)


@pytest.mark.parametrize("rpps", ["10100901735", "1010090173", "1010090173A", ""])
def test_rpps_with_bad_key_or_length_is_refused_in_french(rpps):
    with pytest.raises(ValidationError, match="RPPS"):
        validate_rpps(rpps)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_any_rpps_with_its_luhn_key_is_valid_and_a_changed_digit_is_not(body):
    rpps = body + luhn.calc_check_digit(body)
    assert is_valid_rpps(rpps)
    wrong_key = str((int(rpps[-1]) + 1) % 10)
    assert not is_valid_rpps(rpps[:-1] + wrong_key)


def test_real_finess_is_valid_and_corsican_finess_has_its_own_format():
    assert is_valid_finess("750712184")
    assert not is_valid_finess("750712185")
    assert is_valid_finess("2A0000390")
    assert not is_valid_finess("2C0000390")
    with pytest.raises(ValidationError, match="FINESS"):
        validate_finess("12345")


def test_siren_and_siret_keys_are_checked():
    validate_siren("732829320")
    validate_siret("73282932000074")
    with pytest.raises(ValidationError, match="SIREN"):
        validate_siren("732829321")
    with pytest.raises(ValidationError, match="SIRET"):
        validate_siret("73282932000075")


def test_adeli_has_nine_characters_with_corsican_departements():
    from maillon.core.identifiers import is_valid_adeli, validate_adeli

    assert is_valid_adeli("751234567") and is_valid_adeli("2A1234567")
    with pytest.raises(ValidationError, match="ADELI"):
        validate_adeli("75123456")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_any_numeric_finess_with_its_luhn_key_is_valid_and_a_changed_key_is_not(body):
    finess = body + luhn.calc_check_digit(body)
    assert is_valid_finess(finess)
    assert not is_valid_finess(finess[:-1] + str((int(finess[-1]) + 1) % 10))


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_siren_keys_hold_for_any_number(body):
    from stdnum.fr import siren

    number = body + luhn.calc_check_digit(body)
    validate_siren(number)
    assert not siren.is_valid(number[:-1] + str((int(number[-1]) + 1) % 10))


def test_non_ascii_digits_are_never_valid_identifiers():
    from maillon.core.identifiers import is_valid_adeli

    assert not is_valid_rpps("١٠١٠٠٩٠١٧٣٤")  # Arabic-Indic digits
    assert not is_valid_finess("７５０７１２１８４")  # full-width digits
    assert not is_valid_adeli("٧٥١٢٣٤٥٦٧")
