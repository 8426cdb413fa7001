"""The cotisations of a year: one amount for every active member, payments, totals."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.members.factories import FeeFactory, MembershipFactory, ProfessionalFactory
from maillon.members.models import Fee
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def fees_url(cpts, year=None):
    return reverse("members_fees", args=[cpts.slug]) + (f"?annee={year}" if year else "")


@pytest.fixture
def coordinator_client(coordinator):
    return verified_client(coordinator)


def test_one_amount_creates_the_missing_cotisations_of_active_members(coordinator_client, cpts, other_cpts):
    with_fee = MembershipFactory(cpts=cpts)
    FeeFactory(membership=with_fee, year=YEAR, amount="10.00")
    without_fee = MembershipFactory(cpts=cpts)
    MembershipFactory(cpts=cpts, requested=True)
    MembershipFactory(cpts=cpts, status="left", left_on=TODAY)
    MembershipFactory(cpts=other_cpts)

    response = coordinator_client.post(fees_url(cpts), {"action": "amount", "annee": YEAR, "amount-amount": "20"})

    assert response.status_code == 302 and response["Location"] == fees_url(cpts, YEAR)
    assert Fee.objects.count() == 2
    assert Fee.objects.get(membership=without_fee).amount == Decimal("20")
    assert Fee.objects.get(membership=with_fee).amount == Decimal("10")


def test_the_amount_may_replace_unpaid_cotisations_but_never_paid_ones(coordinator_client, cpts):
    unpaid = FeeFactory(membership=MembershipFactory(cpts=cpts), year=YEAR, amount="10.00")
    paid = FeeFactory(membership=MembershipFactory(cpts=cpts), year=YEAR, amount="10.00", paid_on=TODAY)

    coordinator_client.post(
        fees_url(cpts), {"action": "amount", "annee": YEAR, "amount-amount": "15,50", "amount-update_unpaid": "on"}
    )

    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.amount, paid.amount) == (Decimal("15.50"), Decimal("10.00"))


def test_a_wrong_amount_is_refused_naming_the_field(coordinator_client, cpts):
    MembershipFactory(cpts=cpts)

    response = coordinator_client.post(fees_url(cpts), {"action": "amount", "annee": YEAR, "amount-amount": "vingt"})

    assert "Montant de la cotisation (€) : saisissez un montant en euros" in response.content.decode()
    assert not Fee.objects.exists()


def test_cotisations_are_marked_paid_then_unpaid(coordinator_client, cpts):
    first = FeeFactory(membership=MembershipFactory(cpts=cpts), year=YEAR)
    second = FeeFactory(membership=MembershipFactory(cpts=cpts), year=YEAR)
    day = TODAY - datetime.timedelta(days=2)

    coordinator_client.post(
        fees_url(cpts),
        {"action": "mark_paid", "annee": YEAR, "pay-fees": [first.pk, second.pk], "pay-paid_on": day.isoformat()},
    )
    assert set(Fee.objects.values_list("paid_on", flat=True)) == {day}

    coordinator_client.post(fees_url(cpts), {"action": "mark_unpaid", "annee": YEAR, "pay-fees": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.paid_on, second.paid_on) == (day, None)


def test_marking_paid_needs_a_date_and_a_selection(coordinator_client, cpts):
    fee = FeeFactory(membership=MembershipFactory(cpts=cpts), year=YEAR)

    no_date = coordinator_client.post(
        fees_url(cpts), {"action": "mark_paid", "annee": YEAR, "pay-fees": [fee.pk], "pay-paid_on": ""}
    )
    nothing = coordinator_client.post(fees_url(cpts), {"action": "mark_paid", "annee": YEAR})

    assert "Date de paiement : indiquez la date" in no_date.content.decode()
    assert "Cotisations : cochez au moins une cotisation." in nothing.content.decode()
    fee.refresh_from_db()
    assert fee.paid_on is None


def test_a_cotisation_of_another_cpts_cannot_be_marked(coordinator_client, cpts, other_cpts):
    foreign = FeeFactory(membership=MembershipFactory(cpts=other_cpts), year=YEAR)
    FeeFactory(membership=MembershipFactory(cpts=cpts), year=YEAR)

    response = coordinator_client.post(
        fees_url(cpts),
        {"action": "mark_paid", "annee": YEAR, "pay-fees": [foreign.pk], "pay-paid_on": TODAY.isoformat()},
    )

    assert "Cotisations : choisissez une des valeurs proposées." in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.paid_on is None


def test_the_totals_of_a_year(coordinator_client, cpts):
    FeeFactory(membership=MembershipFactory(cpts=cpts), year=2024, amount="20.00", paid_on=datetime.date(2024, 2, 1))
    FeeFactory(membership=MembershipFactory(cpts=cpts), year=2024, amount="30.00")
    FeeFactory(membership=MembershipFactory(cpts=cpts), year=2023, amount="99.00")

    page = coordinator_client.get(fees_url(cpts, 2024)).content.decode()

    assert "<strong>50,00 €</strong> attendus (2 cotisations)" in page
    assert "<strong>20,00 €</strong> reçus (1 payée)" in page
    assert "<strong>30,00 €</strong> restant à percevoir" in page


def test_a_past_year_lists_the_members_of_that_year(coordinator_client, cpts):
    MembershipFactory(
        cpts=cpts,
        joined_on=datetime.date(2020, 1, 1),
        status="left",
        left_on=datetime.date(2022, 6, 1),
        professional=ProfessionalFactory(last_name="Ancien"),
    )
    MembershipFactory(cpts=cpts, joined_on=TODAY, professional=ProfessionalFactory(last_name="Recrue"))

    page = coordinator_client.get(fees_url(cpts, 2022)).content.decode()

    assert "Ancien" in page and "Recrue" not in page


def test_the_page_is_journaled_without_names(coordinator_client, cpts):
    FeeFactory(membership=MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Martin")), year=YEAR)

    coordinator_client.get(fees_url(cpts))

    entry = JournalEntry.objects.get(action="read", object_type="members.Fee")
    assert entry.cpts_id == cpts.pk and "Martin" not in entry.note and f"{YEAR}" in entry.note


def test_a_member_gets_404(cpts, member):
    client = verified_client(member)

    assert client.get(fees_url(cpts)).status_code == 404
    assert client.post(fees_url(cpts), {"action": "amount", "amount-amount": "20"}).status_code == 404
