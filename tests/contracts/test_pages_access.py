"""Who reaches the ACI pages: the coordinator writes; the observers and authorities of the
CPTS's territory and the platform admins read only (403 on a write); a member, a reader of
another territory or a stranger gets 404."""

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import services
from maillon.contracts.models import Amendment, Contract, FundingReceipt, Indicator, Spending
from maillon.core.factories import UserFactory
from maillon.territories.factories import DepartementFactory, TerritoryRoleFactory
from maillon.territories.models import Commune
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

PAGES = ["contracts_overview", "contracts_funding", "contracts_indicators"]


def signed_contract(cpts, by, *, years_ago=2, taille=2, missions=(1, 2, 3, 4)):
    """An ACI signed `years_ago` years (and a month) ago, with its missions."""
    signed_on = timezone.localdate() - relativedelta(years=years_ago, months=1)
    return services.create_contract(cpts=cpts, signed_on=signed_on, taille=taille, missions=list(missions), by=by)


def territorial_user(role, departement=None):
    """An observer or authority of the département of Versailles (the `cpts` fixture's commune)."""
    user = UserFactory(with_totp=True)
    TerritoryRoleFactory(user=user, role=role, departement=departement or Commune.objects.get(pk="78646").departement)
    return user


def page(client, name, cpts, query=""):
    return client.get(reverse(name, args=[cpts.slug]) + query)


@pytest.mark.parametrize("name", PAGES)
def test_the_coordinator_reads_and_gets_the_forms(cpts, coordinator, name):
    signed_contract(cpts, coordinator)
    response = page(verified_client(coordinator), name, cpts)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Coordination (lecture et saisie)" in html
    assert 'name="action"' in html


@pytest.mark.parametrize("role", ["observer", "authority"])
@pytest.mark.parametrize("name", PAGES)
def test_observers_and_authorities_of_the_territory_read_without_forms(cpts, coordinator, role, name):
    signed_contract(cpts, coordinator)
    response = page(verified_client(territorial_user(role)), name, cpts)

    assert response.status_code == 200
    html = response.content.decode()
    assert "lecture" in html
    assert 'name="action"' not in html


def valid_posts(contract):
    """One valid write per form: a coordinator's post of each writes a row."""
    day = (contract.signed_on + relativedelta(months=2)).isoformat()
    return [
        (
            "contracts_overview",
            {
                "action": "amendment",
                "avenant-signed_on": contract.anniversary(1).isoformat(),
                "avenant-summary": "Passage en taille 3.",
                "avenant-new_taille": "3",
            },
        ),
        (
            "contracts_funding",
            {
                "action": "spending",
                "depense-contract_year": "1",
                "depense-mission": "1",
                "depense-category": "tools",
                "depense-label": "Logiciel",
                "depense-amount": "10",
                "depense-spent_on": day,
            },
        ),
        ("contracts_funding", {"action": "facts", "fact-crisis_plan_updated": "on"}),
        (
            "contracts_indicators",
            {
                "action": "indicator",
                "ind-catalogue_code": "m1-16-ans-avec-mt",
                "ind-added_on": contract.signed_on.isoformat(),
            },
        ),
    ]


def written(contract) -> list[bool]:
    return [
        Amendment.objects.exists(),
        Spending.objects.exists(),
        contract.facts.filter(value=True).exists(),
        Indicator.objects.exists(),
    ]


def test_the_reader_test_payloads_write_for_a_coordinator(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)
    client = verified_client(coordinator)
    for name, data in valid_posts(contract):
        assert client.post(reverse(name, args=[cpts.slug]), data).status_code == 302, name
    assert written(contract) == [True, True, True, True]


@pytest.mark.parametrize("role", ["observer", "authority"])
def test_a_territorial_reader_cannot_write(cpts, coordinator, role):
    contract = signed_contract(cpts, coordinator)
    client = verified_client(territorial_user(role))
    for name, data in valid_posts(contract):
        # They read the page: 403 (not 404) on a write.
        assert client.post(reverse(name, args=[cpts.slug]), data).status_code == 403
    assert written(contract) == [False, False, False, False]
    assert not FundingReceipt.objects.exists()


def test_without_a_contract_a_reader_cannot_record_one(cpts):
    client = verified_client(territorial_user("authority"))
    response = client.post(
        reverse("contracts_overview", args=[cpts.slug]),
        {"action": "contract", "signed_on": "2024-01-01", "taille": "2"},
    )
    assert response.status_code == 403
    assert not Contract.objects.exists()


@pytest.mark.parametrize("name", PAGES)
def test_a_member_an_outsider_and_a_reader_of_another_territory_get_404(cpts, coordinator, member, name):
    signed_contract(cpts, coordinator)
    elsewhere = territorial_user("authority", DepartementFactory(code="75", name="Paris"))
    for user in (member, UserFactory(with_totp=True), elsewhere):
        assert page(verified_client(user), name, cpts).status_code == 404


def test_visitors_are_sent_to_the_login(client, cpts):
    response = page(client, "contracts_overview", cpts)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_ways_in_the_dashboard_for_coordinators_the_public_page_for_territorial_readers(cpts, coordinator):
    overview = reverse("contracts_overview", args=[cpts.slug])
    dashboard = verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    public_for_reader = verified_client(territorial_user("observer")).get(reverse("cpts_detail", args=[cpts.slug]))
    public_for_visitor = verified_client(UserFactory(with_totp=True)).get(reverse("cpts_detail", args=[cpts.slug]))

    assert overview in dashboard
    assert overview in public_for_reader.content.decode()
    assert overview not in public_for_visitor.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_a_platform_admin_reads_without_the_forms(cpts, coordinator, name):
    """The ACI names nobody: a platform admin reads it, but is not the coordination."""
    signed_contract(cpts, coordinator)
    admin = UserFactory(is_superuser=True, is_staff=True, with_totp=True)
    response = page(verified_client(admin), name, cpts)
    assert response.status_code == 200
    assert "Administration de la plateforme — lecture" in response.content.decode()


def test_a_platform_admin_cannot_write(cpts, coordinator):
    contract = signed_contract(cpts, coordinator)
    client = verified_client(UserFactory(is_superuser=True, is_staff=True, with_totp=True))
    for name, data in valid_posts(contract):
        assert client.post(reverse(name, args=[cpts.slug]), data).status_code == 403
    assert written(contract) == [False, False, False, False]
