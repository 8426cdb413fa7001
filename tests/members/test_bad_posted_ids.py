import pytest
from django.urls import reverse

from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("members_colleges", {"action": "delete", "college": "²"}),
        ("governance_mandates", {"action": "end", "mandate": "²"}),
    ],
)
def test_a_unicode_digit_as_an_id_is_not_an_error_500(cpts, coordinator, route, data):
    response = verified_client(coordinator).post(reverse(route, args=[cpts.slug]), data)
    assert response.status_code in {200, 302, 404}
