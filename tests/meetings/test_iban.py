"""The IBAN: validated (French error naming the field), stored compact, shown masked."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from maillon.meetings.factories import PaymentDetailsFactory
from maillon.meetings.models import PaymentDetails, mask_iban, validate_iban
from tests.conftest import verified_client

from .conftest import member_user, membership_of

VALID = "FR7630006000011234567890189"


def test_a_valid_french_iban_passes_with_or_without_spaces():
    validate_iban(VALID)
    validate_iban("FR76 3000 6000 0112 3456 7890 189")


@pytest.mark.parametrize("value", ["FR7630006000011234567890188", "FR76300060000112345678901", "XX00", ""])
def test_a_wrong_key_or_length_is_refused_in_french_naming_the_field(value):
    with pytest.raises(ValidationError) as error:
        validate_iban(value)
    assert error.value.messages[0].startswith("IBAN : ")


@given(st.text(alphabet="0123456789", min_size=23, max_size=23))
def test_changing_one_digit_of_a_valid_iban_is_caught(body):
    changed = VALID[:4] + body
    if changed != VALID:
        try:
            validate_iban(changed)
        except ValidationError:
            return
        # A random body may carry a right key by chance (1 in 97): then it is valid indeed.
        assert int(changed[4:] + "1527" + changed[2:4]) % 97 == 1


def test_masking_keeps_the_country_key_and_last_four():
    assert mask_iban(VALID) == "FR76 **** **** 0189"
    assert mask_iban("FR76 3000 6000 0112 3456 7890 189") == "FR76 **** **** 0189"
    assert mask_iban("FR") == "****"


@pytest.mark.django_db
def test_a_member_saves_an_iban_and_sees_it_masked(cpts):
    user = member_user(cpts)
    client = verified_client(user)
    url = reverse("meetings_bank_details", args=[cpts.slug])
    response = client.post(url, {"iban": "fr76 3000 6000 0112 3456 7890 189", "holder_name": "Claire Martin"})
    assert response.status_code == 302
    details = PaymentDetails.objects.get(membership=membership_of(user))
    assert details.iban == VALID
    page = client.get(url).content.decode()
    assert "FR76 **** **** 0189" in page and VALID not in page


@pytest.mark.django_db
def test_an_invalid_iban_is_refused_on_the_page(cpts):
    client = verified_client(member_user(cpts))
    url = reverse("meetings_bank_details", args=[cpts.slug])
    response = client.post(url, {"iban": "FR7630006000011234567890188", "holder_name": "Claire Martin"})
    assert response.status_code == 200
    assert "IBAN : le numéro n&#x27;est pas valide" in response.content.decode()
    assert not PaymentDetails.objects.exists()


@pytest.mark.django_db
def test_the_statement_shows_the_iban_masked(cpts):
    user = member_user(cpts)
    PaymentDetailsFactory(membership=membership_of(user))
    page = verified_client(user).get(reverse("meetings_statement", args=[cpts.slug, membership_of(user).pk]))
    assert "FR76 **** **** 0189" in page.content.decode() and VALID not in page.content.decode()
