import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_missing_page_answers_in_french_with_the_site_layout():
    response = Client().get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


@pytest.mark.django_db
def test_a_form_without_csrf_token_gets_a_french_page():
    response = Client(enforce_csrf_checks=True).post("/compte/connexion/", {"username": "x"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
