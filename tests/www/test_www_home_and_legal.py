import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_presents_maillon_and_asks_for_the_commune(client, cpts):
    html = client.get(reverse("home")).content.decode()

    assert "Quelle CPTS pour ma commune ?" in html
    assert f'action="{reverse("commune_search")}"' in html
    assert 'name="q"' in html and 'for="home-search-input"' in html
    assert reverse("region_overview") in html and reverse("cpts_list") in html


def test_legal_notice_names_the_publisher_from_the_settings(client, settings):
    settings.MAILLON_PUBLISHER_NAME = "GIP Santé Test"
    settings.MAILLON_PUBLISHER_EMAIL = "contact@gip.example.org"
    settings.MAILLON_SOURCE_URL = "https://forge.example.org/maillon"

    html = client.get(reverse("legal_notice")).content.decode()

    assert "GIP Santé Test" in html and "contact@gip.example.org" in html
    assert "AGPL-3.0" in html and "https://forge.example.org/maillon" in html


def test_privacy_page_describes_the_journal_retention_and_strong_authentication(client, settings):
    settings.MAILLON_JOURNAL_RETENTION_MONTHS = 18

    html = client.get(reverse("privacy")).content.decode()

    assert "<strong>18 mois</strong>" in html
    assert "<strong>nom des champs</strong>" in html and "<strong>jamais leurs valeurs</strong>" in html
    assert "TOTP" in html and "Pro Santé Connect" in html


def test_privacy_page_says_how_long_session_registrants_are_kept(client, settings):
    settings.MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS = 45

    html = client.get(reverse("privacy")).content.decode()

    assert "Inscriptions aux séances de prévention" in html
    assert "effacés 45 jours après la séance" in html


def test_privacy_page_says_discussions_hold_no_health_data_and_when_refused_signups_go(client, settings):
    settings.MAILLON_DISCUSSION_SIGNUP_RETENTION_DAYS = 40

    html = client.get(reverse("privacy")).content.decode()

    assert "Espaces de discussion et groupes régionaux" in html
    assert "son texte n'est gardé" in html
    assert "effacée\n      40 jours après la décision" in html or "40 jours après la décision" in html


def test_accessibility_declaration_is_partially_compliant_with_a_contact(client, settings):
    settings.MAILLON_PUBLISHER_EMAIL = "accessibilite@gip.example.org"

    html = client.get(reverse("accessibility")).content.decode()

    assert "<strong>partiellement conforme</strong>" in html
    assert "pas encore fait l'objet d'un audit" in html
    assert "mailto:accessibilite@gip.example.org" in html
    assert "Défenseur des droits" in html
