"""The start-up grant: its amount from the regional setting, its payments never above it, and
what the CPTS spent never beyond it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import CptsFactory, UserFactory
from maillon.creation import services
from maillon.creation.models import GrantPayment, GrantSpending, SpendingCategory, StartupGrant

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_MONTH = TODAY - datetime.timedelta(days=30)
NEXT_MONTH = TODAY + datetime.timedelta(days=30)


@pytest.fixture
def officer():
    return UserFactory()


@pytest.fixture
def grant(officer):
    return services.record_grant(
        CptsFactory(),
        by=officer,
        amount="15000",
        decided_on=LAST_MONTH,
        conditions="Statuts déposés.",
        payments=[(LAST_MONTH, "7500"), (NEXT_MONTH, "7500")],
    )


def spend(grant, amount, **fields):
    arguments = {"spent_on": TODAY, "category": SpendingCategory.MEETINGS, "label": "Réunion publique"}
    return services.record_spending(grant, by=None, amount=amount, **arguments | fields)


def test_the_amount_comes_from_the_regional_setting(settings):
    settings.MAILLON_STARTUP_GRANT_BY_REGION = {"75": 15000}
    assert services.grant_amount_for("75") == Decimal("15000")
    assert services.grant_amount_for("11") is None
    assert services.grant_amount_for(None) is None


def test_a_grant_is_recorded_with_its_payments(grant, officer):
    assert (grant.amount, grant.decided_on, grant.decided_by) == (Decimal("15000.00"), LAST_MONTH, officer)
    assert list(grant.payments.values_list("due_on", "amount")) == [
        (LAST_MONTH, Decimal("7500.00")),
        (NEXT_MONTH, Decimal("7500.00")),
    ]


def test_payments_above_the_grant_are_refused_and_nothing_is_written(officer):
    cpts = CptsFactory()
    with pytest.raises(ValidationError) as caught:
        services.record_grant(
            cpts, by=officer, amount="15000", decided_on=LAST_MONTH, payments=[(LAST_MONTH, "10000"), (TODAY, "6000")]
        )
    assert "payments" in caught.value.message_dict
    assert not StartupGrant.objects.filter(cpts=cpts).exists()
    assert not GrantPayment.objects.exists()


def test_recording_again_replaces_the_unpaid_payments_and_keeps_the_paid_ones(grant, officer):
    first = grant.payments.get(due_on=LAST_MONTH)
    services.mark_paid(first, by=officer, paid_on=LAST_MONTH)
    services.record_grant(
        grant.cpts, by=officer, amount="15000", decided_on=LAST_MONTH, payments=[(NEXT_MONTH, "5000")]
    )
    assert list(grant.payments.values_list("due_on", "amount", "paid_on")) == [
        (LAST_MONTH, Decimal("7500.00"), LAST_MONTH),
        (NEXT_MONTH, Decimal("5000.00"), None),
    ]
    # The paid ones count against the grant.
    with pytest.raises(ValidationError) as caught:
        services.record_grant(
            grant.cpts, by=officer, amount="15000", decided_on=LAST_MONTH, payments=[(NEXT_MONTH, "8000")]
        )
    assert "payments" in caught.value.message_dict
    assert grant.payments.count() == 2


def test_a_grant_cannot_be_decided_in_the_future_nor_be_zero(officer):
    with pytest.raises(ValidationError) as caught:
        services.record_grant(CptsFactory(), by=officer, amount="15000", decided_on=TODAY + datetime.timedelta(1))
    assert "decided_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.record_grant(CptsFactory(), by=officer, amount="0", decided_on=TODAY)
    assert "amount" in caught.value.message_dict


def test_a_payment_cannot_be_paid_in_the_future(grant, officer):
    with pytest.raises(ValidationError) as caught:
        services.mark_paid(grant.payments.first(), by=officer, paid_on=NEXT_MONTH)
    assert "paid_on" in caught.value.message_dict


def test_spending_beyond_the_grant_is_refused_naming_what_is_left(grant):
    spend(grant, "14000")
    with pytest.raises(ValidationError) as caught:
        spend(grant, "1000.01")
    assert "1000.00 €" in caught.value.message_dict["amount"][0]
    assert GrantSpending.objects.count() == 1
    spend(grant, "1000")  # exactly what is left
    assert GrantSpending.objects.count() == 2


def test_a_spending_is_neither_in_the_future_nor_without_label_nor_zero(grant):
    for fields, field in (
        ({"spent_on": NEXT_MONTH}, "spent_on"),
        ({"label": " "}, "label"),
        ({"category": "voyage"}, "category"),
    ):
        with pytest.raises(ValidationError) as caught:
            spend(grant, "100", **fields)
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        spend(grant, "0")
    assert "amount" in caught.value.message_dict
    assert not GrantSpending.objects.exists()


def test_the_grant_cannot_be_lowered_under_what_is_spent(grant, officer):
    spend(grant, "12000")
    with pytest.raises(ValidationError) as caught:
        services.record_grant(grant.cpts, by=officer, amount="10000", decided_on=LAST_MONTH)
    assert "amount" in caught.value.message_dict
    grant.refresh_from_db()
    assert grant.amount == Decimal("15000.00")
    assert grant.payments.count() == 2


def test_a_deleted_spending_frees_its_amount(grant):
    spending = spend(grant, "15000")
    services.delete_spending(spending, by=None)
    spend(grant, "15000")
