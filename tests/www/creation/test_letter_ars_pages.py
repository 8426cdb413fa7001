"""The ARS's lettres d'intention: seen by the ARS officers of the letter's région only (another
région's ARS, a CPAM authority, the platform admin: 404; a visitor: the login), waiting ones first;
each read of a letter journaled; decided by an ARS authority (an observer gets 403): ask for more,
accept (the CPTS created with its territory and the promoters invited as coordinators), refuse
(with a reason). A commune taken by a CPTS since the filing refuses the acceptance, naming that
CPTS, and nothing is written."""

import pytest
from django.core import mail
from django.urls import reverse

from maillon.core import journal
from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import Cpts, CptsRole, CptsStatus, JournalEntry
from maillon.creation import services
from maillon.creation.models import LetterStatus
from maillon.territories.factories import CommuneFactory, DepartementFactory, RegionFactory, TerritoryCommuneFactory
from maillon.territories.models import Region, TerritoryCommune, TerritoryRoleKind

from .letters import ars_officer, file_letter, make_communes, officer_of, text, verified_client

pytestmark = pytest.mark.django_db

LIST = reverse("creation_letters")


@pytest.fixture
def communes(db):
    return make_communes()


@pytest.fixture
def officer(communes):
    return ars_officer()


@pytest.fixture
def ars(officer):
    return verified_client(officer)


@pytest.fixture
def letter(communes, officer):
    return file_letter(communes[:2])


def detail(letter):
    return reverse("creation_letter", args=[letter.pk])


def action(name, letter):
    return reverse(f"creation_letter_{name}", args=[letter.pk])


def test_the_officer_lists_the_letters_of_the_region_waiting_ones_first(ars, officer, communes):
    answered = file_letter(communes[:1], project_name="CPTS Amont")
    asked = file_letter(communes[1:2], project_name="CPTS Milieu")
    services.request_information(asked, by=officer, comments="Précisez.")
    refused = file_letter(communes[2:], project_name="CPTS Aval")
    services.refuse_letter(refused, by=officer, reason="Non.")
    page = text(ars.get(LIST))
    assert "<strong>3</strong> lettres d'intention" in page
    assert page.index("CPTS Amont") < page.index("CPTS Milieu") < page.index("CPTS Aval")
    assert "Île-de-France" in page and "12\u00a0000" in page
    assert detail(answered) in page
    waiting = text(ars.get(LIST, {"etat": "submitted"}))
    assert "CPTS Amont" in waiting and "CPTS Milieu" not in waiting
    assert "<strong>1</strong> lettre d'intention" in waiting


def test_a_visitor_is_sent_to_the_login(client, letter):
    for url in (LIST, detail(letter)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_ars_of_another_region_does_not_see_the_letter(letter):
    gironde = DepartementFactory(code="33", name="Gironde", region=RegionFactory(code="75", name="Nouvelle-Aquitaine"))
    client = verified_client(officer_of(gironde.region, organisation="ARS Nouvelle-Aquitaine"))
    assert "CPTS du Val Test" not in text(client.get(LIST))
    assert client.get(detail(letter)).status_code == 404
    assert client.post(action("accept", letter)).status_code == 404
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(lambda: officer_of(Region.objects.get(code="11"), organisation="CPAM des Yvelines"), id="cpam"),
        pytest.param(lambda: UserFactory(with_totp=True, admin=True), id="platform-admin"),
        pytest.param(lambda: UserFactory(with_totp=True), id="no-role"),
    ],
)
def test_no_one_but_the_ars_of_the_region_sees_the_letters(letter, who):
    client = verified_client(who())
    assert client.get(LIST).status_code == 404
    assert client.get(detail(letter)).status_code == 404
    assert client.post(action("refuse", letter), {"reason": "Non."}).status_code == 404


def test_the_detail_shows_the_letter_and_its_read_is_journaled(ars, officer, letter):
    response = ars.get(detail(letter))
    page = text(response)
    assert response.status_code == 200
    assert "CPTS du Val Test" in page and "Dr Claire Martin" in page and "claire.martin@exemple.fr" in page
    assert "Bourg-Amont (78001)" in page and 'id="letter-map"' in page and '"78002"' in page
    assert "Accepter la lettre et créer la CPTS" in page and "Refuser la lettre" in page
    assert "Déposée, en attente de décision" in page  # the history
    read = JournalEntry.objects.filter(action=journal.Action.READ, object_id=str(letter.pk), actor_id=officer.pk)
    assert read.count() == 1 and "contact_email" in read.get().fields


def test_the_detail_warns_of_other_open_letters_sharing_communes(ars, communes, letter):
    other = file_letter(communes[1:], project_name="CPTS Concurrente")
    page = text(ars.get(detail(letter)))
    assert "D'autres lettres d'intention en cours partagent des communes" in page
    assert "CPTS Concurrente" in page and detail(other) in page and "Bourg-Milieu (78002)" in page


def test_an_observer_of_the_ars_reads_but_cannot_decide(letter):
    client = verified_client(officer_of(Region.objects.get(code="11"), role=TerritoryRoleKind.OBSERVER))
    page = text(client.get(detail(letter)))
    assert "CPTS du Val Test" in page and "Accepter la lettre" not in page
    assert client.post(action("accept", letter)).status_code == 403
    assert client.post(action("request", letter), {"comments": "?"}).status_code == 403
    assert not Cpts.objects.exists()


def test_the_actions_answer_only_post(ars, letter):
    assert ars.get(action("accept", letter)).status_code == 405


def test_accepting_creates_the_cpts_with_its_territory_and_invites_the_promoters(
    ars, letter, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = ars.post(action("accept", letter), {"name": "CPTS du Val Test et environs"})
    assert response.status_code == 302 and response["Location"] == detail(letter)
    letter.refresh_from_db()
    cpts = letter.cpts
    assert letter.status == LetterStatus.ACCEPTED
    assert cpts.name == "CPTS du Val Test et environs" and cpts.status == CptsStatus.LETTER_OF_INTENT
    assert sorted(TerritoryCommune.objects.for_cpts(cpts).current().values_list("commune_id", flat=True)) == [
        "78001",
        "78002",
    ]
    assert CptsRole.objects.filter(cpts=cpts, user__email="claire.martin@exemple.fr", role="coordinator").exists()
    assert "claire.martin@exemple.fr" in {message.to[0] for message in mail.outbox}
    page = text(ars.get(response["Location"]))
    assert "Lettre acceptée : la CPTS du Val Test et environs est créée" in page
    assert reverse("cpts_detail", args=[cpts.slug]) in page
    assert "Accepter la lettre" not in page


def test_a_commune_taken_since_the_filing_refuses_the_acceptance_naming_the_cpts(ars, communes, letter):
    TerritoryCommuneFactory(cpts=CptsFactory(name="CPTS Voisine"), commune=communes[0])
    response = ars.post(action("accept", letter), {"name": ""})
    page = text(response)
    assert response.status_code == 400
    assert "La commune Bourg-Amont (78001) est déjà dans le territoire de la CPTS « CPTS Voisine »." in page
    assert list(Cpts.objects.values_list("name", flat=True)) == ["CPTS Voisine"]
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED and letter.cpts is None


def test_a_name_already_used_is_refused_on_the_name(ars, letter):
    CptsFactory(name="CPTS Déjà Là", slug="cpts-deja-la")
    response = ars.post(action("accept", letter), {"name": "CPTS Déjà Là"})
    page = text(response)
    assert response.status_code == 400
    assert "Nom de la CPTS : l'adresse « cpts-deja-la » qu'il donne est déjà prise ; précisez le nom." in page
    assert 'aria-invalid="true"' in page
    assert Cpts.objects.count() == 1
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


def test_refusing_needs_a_reason(ars, letter):
    response = ars.post(action("refuse", letter), {"reason": ""})
    assert response.status_code == 400
    assert "Motif du refus : ce champ est obligatoire." in text(response)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SUBMITTED


def test_refusing_with_a_reason_closes_the_letter_and_tells_the_promoters(
    ars, letter, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = ars.post(action("refuse", letter), {"reason": "Le projet voisin couvre déjà ces communes."})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.REFUSED
    assert [message.to for message in mail.outbox] == [["claire.martin@exemple.fr"]]


def test_asking_for_more_sends_the_question_to_the_promoters(ars, letter, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = ars.post(action("request", letter), {"comments": "Quelles communes à l'est ?"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.INFORMATION_REQUESTED
    assert "Quelles communes à l'est ?" in mail.outbox[0].body
    page = text(ars.get(detail(letter)))
    assert "En attente de la réponse des porteurs" in page and "Accepter la lettre" not in page


def test_a_decision_on_a_letter_decided_meanwhile_is_said_on_the_page(ars, officer, letter):
    services.refuse_letter(letter, by=officer, reason="Non.")
    response = ars.post(action("request", letter), {"comments": "Une question ?"})
    assert response.status_code == 400
    assert "Cette lettre d'intention" in text(response)


def test_the_overlap_alert_says_nothing_of_another_region_s_letters(ars, communes, letter):
    gironde = DepartementFactory(code="33", name="Gironde", region=RegionFactory(code="75", name="Nouvelle-Aquitaine"))
    bordeaux = CommuneFactory(code="33063", name="Bordeaux", departement=gironde, population=250_000)
    elsewhere = file_letter([communes[1], bordeaux], project_name="CPTS Girondine")
    assert elsewhere.region_id == "75"
    page = text(ars.get(detail(letter)))
    assert "CPTS Girondine" not in page and detail(elsewhere) not in page
    assert "autre région" not in page
    assert "D'autres lettres d'intention en cours partagent des communes" not in page


def test_the_history_and_the_exchange_name_the_officer_never_by_e_mail(ars, officer, letter):
    nameless = officer_of(Region.objects.get(code="11"), email="sans.nom@ars.example", first_name="", last_name="")
    services.request_information(letter, by=nameless, comments="Précisez les communes.")
    page = text(ars.get(detail(letter)))
    assert "sans.nom@ars.example" not in page
    assert "Personne sans nom" in page
    services.answer_letter(letter, body="Voici.")
    services.request_information(letter, by=officer, comments="Encore une précision.")
    assert "Agnès Arsène" in text(ars.get(detail(letter)))
