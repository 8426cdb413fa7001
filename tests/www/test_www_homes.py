"""The home of each role: reached right after login, with what waits for it and its links."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.contracts.factories import ContractFactory, ManagementReportFactory
from maillon.contracts.models import ReportStatus
from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import Cpts, CptsStatus, LifecycleStep
from maillon.meetings.factories import TimeEntryFactory
from maillon.meetings.models import TimeState
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.models import MembershipStatus
from maillon.mt.factories import PatientFactory
from maillon.snp.factories import CareRequestFactory
from maillon.snp.models import RequesterKind, RequestStatus
from maillon.territories.factories import TerritoryRoleFactory
from tests.conftest import verified_client


def territory_user(cpts, role):
    commune = cpts.territory_rows.first().commune
    return TerritoryRoleFactory(role=role, departement=commune.departement, user=UserFactory(with_totp=True)).user


def waiting_count(page, label) -> int:
    """The count shown before `label` in « À traiter »."""
    html = unescape(page.content.decode())
    before = html[: html.index(label)]
    count = before[before.rindex('<strong class="maillon-waiting__count">') :]
    return int(count.split(">")[1].split("<")[0])


# --- Where login leads -------------------------------------------------------------------------


def test_a_person_with_one_role_lands_on_its_home(cpts, coordinator):
    response = verified_client(coordinator).get(reverse("my_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("cpts_dashboard", args=[cpts.slug])


def test_login_leads_to_the_home_of_the_role(settings):
    assert reverse(settings.LOGIN_REDIRECT_URL) == reverse("my_home")


def test_a_person_with_several_roles_chooses_and_the_menu_switches(cpts, other_cpts, coordinator):
    CptsRoleFactory(cpts=other_cpts, user=coordinator)
    territory_user_role = TerritoryRoleFactory(
        user=coordinator, role="observer", departement=cpts.territory_rows.first().commune.departement
    )
    page = verified_client(coordinator).get(reverse("my_home"))
    html = page.content.decode()
    assert page.status_code == 200
    for url in (
        reverse("cpts_dashboard", args=[cpts.slug]),
        reverse("cpts_dashboard", args=[other_cpts.slug]),
        reverse("home_observer"),
    ):
        assert f'href="{url}"' in html
    assert "Mes espaces" in html
    assert territory_user_role.departement.name in html


def test_a_person_without_role_is_told_how_to_get_one(db):
    user = UserFactory(with_totp=True)
    page = verified_client(user).get(reverse("my_home"))
    assert page.status_code == 200
    assert "aucun rôle" in page.content.decode()


# --- The coordinator's home --------------------------------------------------------------------


def test_the_coordinator_home_counts_what_waits(cpts, coordinator):
    MembershipFactory.create_batch(2, cpts=cpts, status=MembershipStatus.REQUESTED)
    MembershipFactory(cpts=cpts, status=MembershipStatus.ACTIVE)
    PatientFactory.create_batch(3, cpts=cpts)
    CareRequestFactory(cpts=cpts, status=RequestStatus.OPEN)
    CareRequestFactory(cpts=cpts, status=RequestStatus.BOOKED)
    CareRequestFactory.create_batch(2, cpts=cpts, status=RequestStatus.ON_DUTY_LIST)
    TimeEntryFactory(cpts=cpts, state=TimeState.DECLARED)
    page = verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug]))
    assert page.status_code == 200
    assert waiting_count(page, "demandes d'adhésion à décider") == 2
    assert waiting_count(page, "patients en attente d'un médecin traitant") == 3
    assert waiting_count(page, "demande de soins non programmés à placer") == 1  # the open one
    assert waiting_count(page, "demandes envoyées aux volontaires de garde") == 2
    assert waiting_count(page, "temps déclaré à valider") == 1
    html = page.content.decode()
    assert f'href="{reverse("members_list", args=[cpts.slug])}?etat=demandes"' in html
    # The menu of the space reaches the coordination's pages.
    for route in ("members_import", "mt_weights", "snp_slot_setup", "crisis_response_chain", "contracts_overview"):
        assert f'href="{reverse(route, args=[cpts.slug])}"' in html


def test_the_coordinator_sees_the_report_to_send(cpts, coordinator):
    today = timezone.localdate()
    ContractFactory(cpts=cpts, signed_on=today - datetime.timedelta(days=400))
    page = verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug]))
    assert "Rapport du dialogue de gestion de l'année 1 à envoyer" in unescape(page.content.decode())


# --- The member's home ---------------------------------------------------------------------------


def test_the_member_home_shows_their_own_work_and_not_the_coordinations(cpts, member):
    ProfessionalFactory(user=member)
    MembershipFactory.create_batch(2, cpts=cpts, status=MembershipStatus.REQUESTED)
    page = verified_client(member).get(reverse("cpts_dashboard", args=[cpts.slug]))
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert "adhésion à décider" not in html
    assert "0</strong> créneau à venir dans mes agendas" in html  # none: « 0 créneau », singular
    assert f'href="{reverse("members_import", args=[cpts.slug])}"' not in html
    assert f'href="{reverse("snp_request_appointments", args=[cpts.slug])}"' in html


# --- Territorial roles ---------------------------------------------------------------------------


def test_the_authority_home_lists_the_decisions_waiting(cpts):
    authority = territory_user(cpts, "authority")
    contract = ContractFactory(cpts=cpts, signed_on=timezone.localdate() - datetime.timedelta(days=400))
    ManagementReportFactory(contract=contract, contract_year=1, version=1, status=ReportStatus.SENT)
    page = verified_client(authority).get(reverse("home_authority"))
    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert f"{cpts.name} : rapport de l'année 1 (version 1) à valider" in html
    assert f'href="{reverse("contracts_report", args=[cpts.slug, 1])}"' in html
    assert f'href="{reverse("contracts_overview", args=[cpts.slug])}"' in html
    assert verified_client(authority).get(reverse("my_home"))["Location"] == reverse("home_authority")


def test_the_sas_home_counts_requests_by_state(cpts):
    regulator = territory_user(cpts, "sas_regulator")
    CareRequestFactory.create_batch(2, cpts=cpts, status=RequestStatus.OPEN, requester_kind=RequesterKind.SAS)
    CareRequestFactory(cpts=cpts, status=RequestStatus.OPEN)  # a member's request: not the SAS's to see
    page = verified_client(regulator).get(reverse("home_sas"))
    assert page.status_code == 200
    assert "<strong>2</strong> demandes" in page.content.decode()


def test_the_observer_home_lists_their_cpts(cpts, other_cpts):
    observer = territory_user(cpts, "observer")
    html = verified_client(observer).get(reverse("home_observer")).content.decode()
    assert cpts.name in html
    assert reverse("observatory_members") in html


@pytest.mark.parametrize("route", ["home_authority", "home_observer", "home_sas", "home_admin"])
def test_a_home_of_a_role_one_does_not_hold_is_not_found(coordinator, route):
    assert verified_client(coordinator).get(reverse(route)).status_code == 404


# --- The platform admin ----------------------------------------------------------------------------


def test_the_admin_creates_a_cpts_then_invites_its_coordination(db):
    admin = UserFactory(with_totp=True, is_superuser=True, is_staff=True)
    client = verified_client(admin)
    assert client.get(reverse("my_home"))["Location"] == reverse("home_admin")
    response = client.post(
        reverse("home_admin_cpts_new"),
        {"name": "CPTS du Val de Seine", "legal_form": "association_1901", "siren": "", "email": ""},
    )
    cpts = Cpts.objects.get(name="CPTS du Val de Seine")
    assert response["Location"] == reverse("cpts_invite", args=[cpts.slug])
    assert cpts.status == CptsStatus.LETTER_OF_INTENT
    assert LifecycleStep.objects.filter(cpts=cpts, by=admin).exists()
    assert cpts.name in client.get(reverse("home_admin")).content.decode()


def test_a_cpts_with_a_bad_siren_or_a_taken_name_is_refused_by_field(cpts):
    admin = UserFactory(with_totp=True, is_superuser=True, is_staff=True)
    page = verified_client(admin).post(
        reverse("home_admin_cpts_new"), {"name": cpts.name, "legal_form": "association_1901", "siren": "123"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "SIREN" in html and "nom" in html.lower()
    assert Cpts.objects.count() == 1


def test_the_sas_pages_lead_back_to_its_home_not_to_a_members_space(cpts):
    regulator = territory_user(cpts, "sas_regulator")
    html = verified_client(regulator).get(reverse("snp_requests", args=[cpts.slug])).content.decode()
    assert f'href="{reverse("cpts_dashboard", args=[cpts.slug])}"' not in html
    assert f'href="{reverse("home_sas")}"' in html


def test_the_public_page_of_a_cpts_leads_to_the_mt_registration(cpts, client):
    # Its first step on the page itself (the commune), sent to the registration form (mission 6's website).
    html = client.get(reverse("cpts_detail", args=[cpts.slug])).content.decode()
    assert f'<form method="get" action="{reverse("mt_register", args=[cpts.slug])}"' in html


def test_the_account_page_names_the_admin_role_and_links_every_home(cpts, coordinator):
    admin = UserFactory(with_totp=True, is_superuser=True, is_staff=True)
    html = unescape(verified_client(admin).get(reverse("account")).content.decode())
    assert "aucun rôle" not in html
    assert f'href="{reverse("home_admin")}"' in html
    html = verified_client(coordinator).get(reverse("account")).content.decode()
    assert f'href="{reverse("cpts_dashboard", args=[cpts.slug])}"' in html


def test_the_coordinator_reaches_a_members_series_from_the_slots_of_the_cpts(cpts, coordinator):
    from maillon.snp.factories import AgendaFactory, SlotFactory, SlotSeriesFactory

    agenda = AgendaFactory(cpts=cpts)
    series = SlotSeriesFactory(agenda=agenda, exceptions=["2027-01-21"])
    SlotFactory(agenda=agenda, series=series)
    client = verified_client(coordinator)
    html = client.get(reverse("snp_slots", args=[cpts.slug]) + "?tous=1").content.decode()
    assert f'href="{reverse("snp_slot_series", args=[cpts.slug, series.pk])}"' in html
    page = client.get(reverse("snp_slot_series", args=[cpts.slug, series.pk])).content.decode()
    assert "jeudi 21 janvier 2027" in page and "2027-01-21" not in page


def test_only_the_last_finished_years_report_is_flagged(cpts, coordinator):
    today = timezone.localdate()
    contract = ContractFactory(cpts=cpts, signed_on=today - datetime.timedelta(days=800))
    ManagementReportFactory(contract=contract, contract_year=2, version=1, status=ReportStatus.SENT)
    html = unescape(verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode())
    assert "Rapport du dialogue de gestion de l'année" not in html


def test_a_coordinator_who_is_a_professional_counts_only_their_own_slots_and_time(cpts, coordinator):
    from maillon.snp.factories import AgendaFactory, SlotFactory

    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=coordinator))
    SlotFactory.create_batch(3, agenda=AgendaFactory(cpts=cpts))  # another member's
    TimeEntryFactory(cpts=cpts, state=TimeState.DECLARED)  # another member's
    page = verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug]))
    assert waiting_count(page, "créneau à venir dans mes agendas") == 0
    assert waiting_count(page, "temps déclaré par moi, en attente de validation") == 0
    assert waiting_count(page, "temps déclaré à valider") == 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("!!!", "doit contenir des lettres ou des chiffres"),
        ("Plaine de Versailles", "« plaine-de-versailles » qu'il donne est déjà prise"),
        ("Suivi", "« suivi » qu'il donne est déjà prise"),
    ],
)
def test_a_cpts_whose_address_is_empty_taken_or_reserved_is_refused_on_its_name(cpts, name, message):
    admin = UserFactory(with_totp=True, is_superuser=True, is_staff=True)
    page = verified_client(admin).post(reverse("home_admin_cpts_new"), {"name": name, "legal_form": "association_1901"})
    assert message in unescape(page.content.decode())
    assert Cpts.objects.count() == 1


def test_the_menu_marks_the_section_of_the_page_shown(cpts, coordinator):
    html = verified_client(coordinator).get(reverse("members_list", args=[cpts.slug])).content.decode()
    assert 'aria-controls="menu-space-1" aria-current="true">Membres</button>' in html
    assert html.count('aria-current="true"') == 1


def test_the_sas_home_follows_the_regulator_policy_for_each_cpts(cpts, other_cpts):
    """Département roles only (patient data goes no wider), as `is_sas_regulator_of` says."""
    from maillon.snp.policies import is_sas_regulator_of, regulated_cpts

    regulator = territory_user(cpts, "sas_regulator")
    wider = TerritoryRoleFactory(
        role="sas_regulator",
        region=cpts.territory_rows.first().commune.departement.region,
        departement=None,
        user=UserFactory(with_totp=True),
    ).user
    for user in (regulator, wider):
        expected = {c.pk for c in (cpts, other_cpts) if is_sas_regulator_of(user, c)}
        assert set(regulated_cpts(user, [cpts, other_cpts])) == expected
    assert set(regulated_cpts(wider, [cpts, other_cpts])) == set()
    assert cpts.name not in verified_client(wider).get(reverse("home_sas")).content.decode()
