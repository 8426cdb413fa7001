"""Journey 8: each role logs in for real, lands on its home and does its main thing from there,
by clicking (or the keyboard) only: no address typed after the login."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from maillon.contracts.factories import ContractFactory, ManagementReportFactory
from maillon.contracts.models import ReportStatus
from maillon.core.factories import CptsFactory, UserFactory
from maillon.meetings.factories import TimeEntryFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.snp.factories import CareRequestFactory
from maillon.snp.models import RequesterKind, RequestStatus
from maillon.territories.factories import (
    CommuneFactory,
    DepartementFactory,
    TerritoryCommuneFactory,
    TerritoryRoleFactory,
)

from .pages import AdminHomePage, MainMenu, MembersListPage, SpaceHomePage, login_to_home

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADHESIONS = "demandes d'adhésion à décider"
ONE_ADHESION = "demande d'adhésion à décider"
MY_TIME = "temps déclaré par moi, en attente de validation"
COORDINATOR = "Coordinateur ou coordinatrice"


def territory_user(cpts, role, user=None):
    """A territorial role over the département of the CPTS's territory."""
    departement = cpts.territory_rows.first().commune.departement
    user = user or UserFactory(with_totp=True)
    TerritoryRoleFactory(role=role, departement=departement, user=user)
    return user


def cpts_elsewhere():
    """A CPTS in another département than the `cpts` fixture's."""
    far = CptsFactory(name="CPTS Lyon Centre", slug="lyon-centre")
    commune = CommuneFactory(code="69123", name="Lyon", departement=DepartementFactory(code="69", name="Rhône"))
    TerritoryCommuneFactory(cpts=far, commune=commune)
    return far


def is_focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, *, limit=40) -> int:
    """Press Tab from where the focus is until `locator` has it; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return presses
    raise AssertionError(f"Tab never reached {locator}")


def test_the_coordinator_decides_an_adhesion_from_the_count_on_the_home(page, cpts, coordinator):
    for first_name, last_name in (("Alice", "Martin"), ("Hugo", "Bernard")):
        professional = ProfessionalFactory(first_name=first_name, last_name=last_name)
        MembershipFactory(cpts=cpts, professional=professional, requested=True)

    home = SpaceHomePage(login_to_home(page, coordinator).page)
    home.expect_heading(f"Espace de la {cpts.name}")
    expect(page.get_by_role("heading", name="À traiter")).to_be_visible()

    home.open_waiting(ADHESIONS, 2)
    requests = MembersListPage(page).expect_heading(f"Membres de la {cpts.name}")
    expect(page.get_by_role("link", name="Demandes en attente : 2")).to_have_attribute("aria-current", "page")
    requests.open_membership("Alice Martin").accept()
    expect(page.get_by_text("Adhésion acceptée au")).to_be_visible()

    home = SpaceHomePage(MainMenu(page).go_to_my_space().page)
    home.expect_heading(f"Espace de la {cpts.name}")
    home.expect_waiting(ONE_ADHESION, 1)


def test_the_member_sees_their_time_waiting_and_reaches_it_through_the_menu_with_the_keyboard(page, cpts, member):
    doctor = ProfessionalFactory(user=member, profession="10", first_name="Bruno", last_name="Lefèvre")
    membership = MembershipFactory(cpts=cpts, professional=doctor)
    day = timezone.localdate() - datetime.timedelta(days=1)
    TimeEntryFactory(cpts=cpts, membership=membership, date=day, note="Réunion de projet")

    home = SpaceHomePage(login_to_home(page, member).page)
    home.expect_heading(f"Espace de la {cpts.name}")
    home.expect_waiting(MY_TIME, 1)
    expect(page.get_by_role("link", name=ONE_ADHESION)).to_have_count(0)  # the coordination's work, not theirs

    # The section's dropdown, by the keyboard alone: Space and Enter open it, Tab walks into it.
    menu = MainMenu(page)
    dropdown = menu.ready_dropdown("Réunions et temps")
    tab_to(page, dropdown)
    page.keyboard.press("Space")
    expect(dropdown).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(dropdown).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(dropdown).to_have_attribute("aria-expanded", "true")
    time_link = menu.link("Temps déclarés")
    # Opened: its links show once DSFR's transition ends (a Tab before that skips them).
    expect(time_link).to_be_visible()
    assert tab_to(page, time_link, limit=5) <= 2  # the section's first pages come right after its button
    page.keyboard.press("Enter")

    home.expect_heading("Temps indemnisé")
    mine = page.get_by_role("listitem").filter(has_text=f"{day:%d/%m/%Y} — 1,50 h")
    expect(mine).to_contain_text("À valider")


def test_the_authority_opens_the_report_waiting_for_its_decision_and_signs_it_off(page, cpts):
    authority = territory_user(cpts, "authority")
    contract = ContractFactory(cpts=cpts, signed_on=timezone.localdate() - datetime.timedelta(days=400))
    ManagementReportFactory(contract=contract, contract_year=1, version=1, status=ReportStatus.SENT)

    home = login_to_home(page, authority).expect_heading("Accueil de l'autorité")
    page.get_by_role("link", name=f"{cpts.name} : rapport de l'année 1 (version 1) à valider").click()

    home.expect_heading("Dialogue de gestion, année 1")
    expect(page.get_by_role("button", name="Renvoyer avec des remarques")).to_be_visible()
    page.get_by_role("button", name="Valider la version 1").click()
    expect(page.get_by_role("button", name="Valider la version 1")).to_have_count(0)

    MainMenu(page).go_to_my_space().expect_heading("Accueil de l'autorité")
    # Decided, the report leaves « À décider »; an ARS authority keeps its letters' count, at zero.
    report = f"{cpts.name} : rapport de l'année 1 (version 1) à valider"
    expect(page.get_by_role("link", name=report)).to_have_count(0)
    expect(page.get_by_role("link", name="0 lettres d'intention à décider")).to_be_visible()


def test_the_observer_sees_their_cpts_and_follows_the_adherents_in_figures(page, cpts):
    MembershipFactory.create_batch(2, cpts=cpts)
    far = cpts_elsewhere()
    MembershipFactory(cpts=far)
    observer = territory_user(cpts, "observer")

    home = login_to_home(page, observer).expect_heading("Accueil de l'observation")
    their_cpts = page.get_by_role("table", name="Les CPTS de votre territoire")
    expect(their_cpts.get_by_role("row").filter(has_text=cpts.name)).to_contain_text("2")
    expect(their_cpts.get_by_role("link", name=far.name)).to_have_count(0)

    page.get_by_role("link", name="Les adhérents en chiffres").click()
    home.expect_heading("Adhérents des CPTS du territoire")
    expect(page.get_by_text("1 CPTS, 2 adhérents.")).to_be_visible()


def test_the_sas_regulator_sees_the_requests_by_state_and_opens_the_list(page, cpts):
    regulator = territory_user(cpts, "sas_regulator")
    CareRequestFactory.create_batch(2, cpts=cpts, status=RequestStatus.OPEN, requester_kind=RequesterKind.SAS)
    CareRequestFactory(cpts=cpts, status=RequestStatus.OPEN)  # a member's request: not the SAS's

    home = login_to_home(page, regulator).expect_heading("Accueil de la régulation SAS")
    lead = re.compile(r"^\s*2 demandes de soins non programmés en attente d.un rendez-vous")
    expect(page.get_by_text(lead)).to_be_visible()
    by_state = page.get_by_role("table", name="Vos demandes et celles du SAS, par CPTS et par état")
    # The first column names the CPTS (a row header): the states' cells come after it.
    open_column = by_state.get_by_role("columnheader").all_inner_texts().index(RequestStatus.OPEN.label) - 1
    row = by_state.get_by_role("row").filter(has_text=cpts.name)
    expect(row.get_by_role("cell").nth(open_column)).to_have_text("2")

    page.get_by_role("link", name=f"Les demandes de la {cpts.name}").click()
    home.expect_heading("Soins non programmés")
    to_place = page.get_by_role("table", name="À placer")
    expect(to_place.get_by_role("row")).to_have_count(3)  # the header and the SAS's two requests


def test_the_platform_admin_creates_a_cpts_and_invites_its_first_coordinator(page):
    admin = UserFactory(with_totp=True, is_superuser=True, is_staff=True)

    home = AdminHomePage(login_to_home(page, admin).page).expect_heading("Administration de la plateforme")
    invitations = home.create_cpts(name="CPTS du Val de Seine", legal_form_label="Association loi 1901")
    invitations.expect_heading("Inviter une personne")
    expect(page.get_by_text("CPTS du Val de Seine", exact=True)).to_be_visible()
    expect(page.get_by_text("CPTS créée. Invitez maintenant sa première coordination")).to_be_visible()

    invitations.invite("claire.dupont@example.fr", COORDINATOR)
    expect(page.get_by_text("Invitation envoyée : la personne a reçu un lien pour créer son accès")).to_be_visible()
    assert [message.to for message in mail.outbox] == [["claire.dupont@example.fr"]]


def test_a_person_with_two_roles_chooses_a_space_then_switches_through_the_header(page, cpts, coordinator):
    territory_user(cpts, "observer", user=coordinator)

    choice = login_to_home(page, coordinator).expect_heading("Mes espaces")
    page.get_by_role("link", name="Observation du territoire").click()
    choice.expect_heading("Accueil de l'observation")

    menu = MainMenu(page)
    menu.switch_to(f"{COORDINATOR} — {cpts.name}").expect_heading(f"Espace de la {cpts.name}")
    # The CPTS's sections join the menu in its space; back to the other home the same way.
    expect(menu.dropdown("Membres")).to_be_visible()
    menu.switch_to(re.compile(r"^Observation du territoire — ")).expect_heading("Accueil de l'observation")
    expect(menu.dropdown("Membres")).to_have_count(0)
