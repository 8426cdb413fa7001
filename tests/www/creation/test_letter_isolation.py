"""A lettre d'intention holds its promoters' names and contacts: every letter address, page and
API, answers 404 (as for a letter that does not exist) to everyone but the ARS officers of its
région — an ARS of another région, the Assurance Maladie, a CPTS's coordinator, the platform
admin — and sends a visitor to the login (401 in the API); none of them changes it. The table
below must name every letter address: a new one fails the completeness test until it is added."""

import pytest
from django.urls import reverse

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.creation.factories import LetterCommuneFactory, LetterOfIntentFactory, PromoterFactory
from maillon.creation.models import LetterOfIntent, LetterStatus
from maillon.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from maillon.territories.models import TerritoryRole
from tests.conftest import api_headers, verified_client
from tests.urlwalk import api_operations, site_routes

pytestmark = pytest.mark.django_db

# Public by design: « Créer une CPTS », the filing form and its draft partial, the promoters' link.
PUBLIC = {"creation_start", "creation_letter_new", "creation_letter_territory", "creation_letter_follow"}
PAGES = {
    "creation_letters": "GET",
    "creation_letter": "GET",
    "creation_letter_request": "POST",
    "creation_letter_accept": "POST",
    "creation_letter_refuse": "POST",
}
# The public filing and the promoters' answer (by their token, in the body) are not letters' reads.
PUBLIC_API = {("POST", "/creation/letters"), ("POST", "/creation/letters/answer")}
API = {
    ("GET", "/creation/letters"): None,
    ("GET", "/creation/letters/{letter_id}"): None,
    ("POST", "/creation/letters/{letter_id}/request-information"): {"comments": "Précisez le territoire."},
    ("POST", "/creation/letters/{letter_id}/accept"): {},
    ("POST", "/creation/letters/{letter_id}/refuse"): {"reason": "Non."},
}
OUTSIDERS = ["ars_elsewhere", "cpam", "coordinator", "admin"]


def outsider(kind, departement):
    user = UserFactory(with_totp=True, is_superuser=kind == "admin", is_staff=kind == "admin")
    if kind == "ars_elsewhere":
        normandie = DepartementFactory(code="14", name="Calvados", region=RegionFactory(code="28", name="Normandie"))
        TerritoryRole.objects.create(user=user, role="authority", organisation="ARS Normandie", region=normandie.region)
    elif kind == "cpam":
        TerritoryRole.objects.create(
            user=user, role="authority", organisation="CPAM des Yvelines", departement=departement
        )
    elif kind == "coordinator":
        CptsRoleFactory(user=user, cpts=CptsFactory(), coordinator=True)
    return user


@pytest.fixture
def letter():
    commune = CommuneFactory()
    letter = LetterOfIntentFactory(region=commune.departement.region)
    LetterCommuneFactory(letter=letter, commune=commune)
    PromoterFactory(letter=letter, name="Dr Secret Promoteur")
    return letter


def test_the_table_names_every_letter_address():
    pages = {route.name for route in site_routes() if route.name and route.name.startswith("creation_letter")}
    assert pages - {"creation_start"} == set(PAGES) | (PUBLIC - {"creation_start"})
    operations = {(method, path) for method, path, _ in api_operations() if path.startswith("/creation/letters")}
    assert operations == set(API) | PUBLIC_API


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_the_letter_pages_answer_404_to_anyone_but_the_regions_ars(letter, kind):
    client = verified_client(outsider(kind, letter.communes.first().commune.departement))
    for name, method in PAGES.items():
        address = reverse(name) if name == "creation_letters" else reverse(name, args=[letter.pk])
        response = client.post(address, {"comments": "x", "reason": "x"}) if method == "POST" else client.get(address)
        # Another région's ARS has its own list (without this letter); the others have none.
        listing = name == "creation_letters" and kind == "ars_elsewhere"
        assert response.status_code == (200 if listing else 404), name
        assert "Secret Promoteur" not in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


def test_a_visitor_is_sent_to_the_login(client, letter):
    for name in PAGES:
        address = reverse(name) if name == "creation_letters" else reverse(name, args=[letter.pk])
        response = client.get(address)
        assert response.status_code == 302 and reverse("login") in response["Location"], name


@pytest.mark.parametrize("kind", [*OUTSIDERS, "anonymous"])
def test_the_letter_api_answers_404_to_anyone_but_the_regions_ars(client, letter, kind):
    headers = {}
    if kind != "anonymous":
        headers = api_headers(outsider(kind, letter.communes.first().commune.departement))
    for (method, path), body in API.items():
        address = "/api/v1" + path.replace("{letter_id}", str(letter.pk))
        if method == "GET":
            response = client.get(address, **headers)
        else:
            response = client.post(address, body or {}, content_type="application/json", **headers)
        listing = path == "/creation/letters" and kind == "ars_elsewhere"  # its own région's list
        expected = 401 if kind == "anonymous" else 200 if listing else 404
        assert response.status_code == expected, (method, path, response.content[:200])
        assert "Secret Promoteur" not in response.content.decode()
    assert LetterOfIntent.objects.get(pk=letter.pk).status == LetterStatus.SUBMITTED
