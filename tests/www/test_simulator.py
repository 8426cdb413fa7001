"""The public ACI simulator page: a GET form, the seeds' table line by line, without JavaScript."""

import re

import pytest
from django.urls import reverse

from maillon.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

URL = "/aci/simulateur/"
NBSP = "\u00a0"
THIN = "\u202f"


def page(client, query=""):
    response = client.get(f"{URL}{query}")
    assert response.status_code == 200
    return response.content.decode()


def euros(text: str) -> str:
    return text.replace(" ", THIN) + f"{NBSP}€"


def cells(html: str) -> list[list[str]]:
    """The table's rows as lists of texts (tags stripped, spaces collapsed)."""
    body = html.split("<table>", 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        texts = [
            re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        rows.append(texts)
    return rows


def test_the_page_is_public_in_the_navigation_with_socle_missions_pre_checked(client):
    html = page(client)
    assert reverse("aci_simulator") == URL
    assert "<h1>Simulateur de financement ACI</h1>" in html
    assert f'href="{URL}" aria-current="page">Simulateur ACI</a>' in html
    assert 'method="get"' in html and "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    for mission in (1, 2, 3, 4):
        assert re.search(rf'value="{mission}"[^>]*checked', html)
    for mission in (5, 6):
        assert not re.search(rf'value="{mission}"[^>]*checked', html)
    assert "Montant simulé" not in html  # no table before the form is sent


def test_the_home_navigation_links_to_the_simulator(client):
    assert f'href="{URL}"' in page_of(client, reverse("home"))


def page_of(client, url):
    return client.get(url).content.decode()


def test_a_full_year_1_with_a_crisis_shows_the_seeds_table_and_its_maximum(client):
    query = (
        "?taille=4&missions=1&missions=2&missions=3&missions=4&missions=5&missions=6&contract_year=1&serious_crisis=on"
    )
    html = page(client, query)
    rows = cells(html)
    assert rows[0] == ["Ligne", "Volet", "Montant maximal", "Montant simulé"]
    assert rows[1] == [
        "Financement du fonctionnement de la communauté professionnelle",
        "Total",
        euros("90 000,00"),
        euros("90 000,00"),
    ]
    assert rows[2] == [
        "Missions en faveur de l&#x27;amélioration de l&#x27;accès aux soins (socle)",
        "Volet fixe / moyens",
        euros("110 000,00"),
        euros("110 000,00"),
    ]
    assert rows[3] == [
        "Volet variable / actions et résultats compté en entier",
        euros("45 000,00"),
        euros("45 000,00"),
    ]
    assert rows[4] == ["Total", euros("155 000,00"), euros("155 000,00")]
    crisis = next(row for row in rows if row and row[0].startswith("Mission dédiée"))
    assert crisis[1].startswith("Volet fixe / moyens — 1re rédaction du plan")
    assert crisis[2:] == [euros("50 000,00"), euros("50 000,00")]
    assert rows[-1] == [
        "Financement total de l'année (volets fixe et variable)",
        euros("580 000,00"),
        euros("580 000,00"),
    ]


def test_without_a_crisis_the_crisis_line_is_shown_at_zero(client):
    rows = cells(page(client, "?taille=1&missions=4&contract_year=3"))
    crisis_rows = [row for row in rows if any("plan" in cell or "crise" in cell for cell in row)]
    assert crisis_rows[0][-2:] == [euros("12 500,00"), euros("12 500,00")]  # plan update
    assert crisis_rows[1][-2:] == [euros("37 500,00"), euros("0,00")]
    assert rows[-1][-2:] == [euros("100 000,00"), euros("62 500,00")]


def test_the_taille_comes_from_the_communes_given_by_insee_code(client):
    CommuneFactory(code="62001", population=60_000)
    CommuneFactory(code="62002", population=30_000)
    html = page(client, "?communes=62001%2C+62002&missions=1&contract_year=1")
    assert "Population : 90" in html and "(2 communes)" in html and "<strong>taille 3</strong>" in html
    assert euros("75 000,00") in html


def test_the_taille_comes_from_the_population(client):
    html = page(client, "?population=39999&missions=1&contract_year=1")
    assert "<strong>taille 1</strong>" in html


def test_left_out_socle_missions_are_warned_about(client):
    html = page(client, "?taille=1&missions=1&missions=6&contract_year=1")
    assert "absente(s) ici : 2, 3, 4." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?contract_year=1", "Taille : indiquez la taille, la population ou les communes (une seule des trois)."),
        ("?taille=1&population=5&contract_year=1", "Taille : indiquez la taille, la population ou les communes"),
        ("?communes=99999&contract_year=1", "Communes : Code(s) commune inconnu(s) : 99999."),
        ("?population=-4&contract_year=1", "Population : indiquez un nombre positif."),
        ("?taille=1&contract_year=9", "Année du contrat : choisissez une année de 1 à 5."),
        ("?taille=1&missions=7&contract_year=1", "Missions : choisissez parmi les missions 1 à 6."),
    ],
)
def test_errors_are_in_french_naming_the_field(client, query, message):
    html = page(client, query)
    html = html.replace("&#x27;", "'")
    assert "Le formulaire n'a pas pu être validé" in html
    assert message in html
    assert "Montant simulé" not in html


def test_the_taille_choices_read_the_thresholds_from_the_setting(client, settings):
    """Issue 13: no threshold is written in the simulator; `MAILLON_TAILLE_MINIMUMS` says them."""
    html = page(client)
    assert f"Taille 2 — de 40{NBSP}000 à 79{NBSP}999 habitants" in html
    assert f"Taille 3 — de 80{NBSP}000 à 175{NBSP}000 habitants" in html
    settings.MAILLON_TAILLE_MINIMUMS = [30_000, 80_001, 200_000]
    html = page(client)
    assert f"Taille 1 — moins de 30{NBSP}000 habitants" in html
    assert f"Taille 3 — de 80{NBSP}001 à 199{NBSP}999 habitants" in html
    assert f"Taille 4 — 200{NBSP}000 habitants et plus" in html
    assert "175" not in html.split('name="taille"', 1)[1].split("</select>", 1)[0]
    # The taille computed from a population follows the same setting.
    assert "<strong>taille 3</strong>" in page(client, "?population=199999&missions=1&contract_year=1")
