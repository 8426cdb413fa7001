import pytest

from maillon.core.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["/api/v1/communes/78%00646", "/api/v1/communes?q=ve%00r", "/departements/x%00/", "/regions/?region=1%001"],
)
def test_a_nul_byte_in_the_url_gets_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_a_nul_byte_in_a_json_body_is_an_unknown_commune(client):
    response = client.post("/api/v1/territories/simulate", {"communes": ["78\x00646"]}, content_type="application/json")
    assert response.status_code == 422


def test_emails_are_stored_in_lower_case_so_the_login_finds_them():
    user = UserFactory(email="Alice.Martin@Example.org ")
    user.refresh_from_db()
    assert user.email == "alice.martin@example.org"
