"""The start-up grant page: the ARS authority records the decision (amount prefilled from the
regional setting) and marks payments paid; the coordinators record and delete the spending; the
totals paid, spent and left; who reads it."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.contracts.funding import euros
from maillon.creation.factories import GrantPaymentFactory, GrantSpendingFactory, StartupGrantFactory
from maillon.creation.models import GrantPayment, GrantSpending, StartupGrant

from .cpts_space import ars_authority, cpam_authority, logged_in, other_coordinator, plain, url

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def ars(cpts):
    return ars_authority(cpts)


@pytest.fixture
def grant(cpts):
    grant = StartupGrantFactory(cpts=cpts, amount=Decimal("15000"), conditions="Recruter une coordinatrice.")
    GrantPaymentFactory(
        grant=grant, due_on=datetime.date(2026, 1, 15), amount=Decimal("7500"), paid_on=datetime.date(2026, 1, 20)
    )
    GrantPaymentFactory(grant=grant, due_on=datetime.date(2026, 6, 15), amount=Decimal("7500"))
    GrantSpendingFactory(grant=grant, amount=Decimal("1200"), label="Réunion publique")
    GrantSpendingFactory(grant=grant, amount=Decimal("3000"), category="coordination", label="Coordination de janvier")
    return grant


def test_the_totals_paid_spent_and_left(cpts, coordinator, grant):
    page = plain(logged_in(coordinator).get(url("creation_grant", cpts)))

    assert f"{euros(Decimal('15000'))} accordés" in page
    assert f"{euros(Decimal('7500'))} versés par l'ARS" in page
    assert f"{euros(Decimal('4200'))} dépensés" in page
    assert f"{euros(Decimal('10800'))} restent à dépenser" in page
    assert "Recruter une coordinatrice." in page
    assert "Coordination de janvier" in page and "Réunions, indemnisation des professionnels" in page


@pytest.mark.parametrize("who", ["coordinator", "ars", "cpam", "observer"])
def test_the_grant_is_read_by_the_coordinators_and_the_territory_s_officers(cpts, coordinator, grant, who):
    user = {
        "coordinator": coordinator,
        "ars": ars_authority(cpts),
        "cpam": cpam_authority(cpts),
        "observer": ars_authority(cpts, role="observer"),
    }[who]

    assert logged_in(user).get(url("creation_grant", cpts)).status_code == 200


def test_a_member_another_cpts_coordinator_get_404_and_a_visitor_the_login(cpts, other_cpts, member, grant, client):
    assert logged_in(member).get(url("creation_grant", cpts)).status_code == 404
    assert logged_in(other_coordinator(other_cpts)).get(url("creation_grant", cpts)).status_code == 404
    response = client.get(url("creation_grant", cpts))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_record_form_is_prefilled_with_the_region_s_amount(cpts, ars, settings):
    settings.MAILLON_STARTUP_GRANT_BY_REGION = {"11": 15000}

    page = logged_in(ars).get(url("creation_grant_record", cpts)).content.decode()

    assert 'value="15000"' in page
    assert "Le montant de la subvention de démarrage de la région est de" in unescape(page)


def test_the_ars_authority_records_the_grant_and_its_payments(cpts, ars):
    today = timezone.localdate()
    response = logged_in(ars).post(
        url("creation_grant_record", cpts),
        {
            "amount": "15000",
            "decided_on": today.strftime("%d/%m/%Y"),
            "conditions": "Recruter une coordinatrice.",
            "payment_1_on": "2026-01-15",
            "payment_1_amount": "7500",
            "payment_2_on": "2026-06-15",
            "payment_2_amount": "7500,00",
        },
    )

    assert response.status_code == 302 and response["Location"] == url("creation_grant", cpts)
    grant = StartupGrant.objects.get(cpts=cpts)
    assert (grant.amount, grant.decided_on, grant.decided_by) == (Decimal("15000"), today, ars)
    assert [(p.due_on, p.amount) for p in grant.payments.all()] == [
        (datetime.date(2026, 1, 15), Decimal("7500")),
        (datetime.date(2026, 6, 15), Decimal("7500")),
    ]


def test_payments_over_the_grant_are_refused_naming_the_field(cpts, ars):
    response = logged_in(ars).post(
        url("creation_grant_record", cpts),
        {
            "amount": "10000",
            "decided_on": timezone.localdate().isoformat(),
            "payment_1_on": "2026-01-15",
            "payment_1_amount": "7500",
            "payment_2_on": "2026-06-15",
            "payment_2_amount": "7500",
        },
    )

    assert response.status_code == 400
    assert "Versements : leur total (15000.00 €) dépasse la subvention (10000.00 €)." in text(response)
    assert not StartupGrant.objects.exists()


def test_a_payment_row_without_its_date_is_refused_naming_the_field(cpts, ars):
    response = logged_in(ars).post(
        url("creation_grant_record", cpts),
        {"amount": "15000", "decided_on": timezone.localdate().isoformat(), "payment_1_amount": "7500"},
    )

    assert response.status_code == 400
    assert "Versement 1 — date prévue : indiquez la date." in text(response)


def test_a_missing_amount_is_refused_naming_the_field(cpts, ars):
    response = logged_in(ars).post(url("creation_grant_record", cpts), {"decided_on": "2026-01-01"})

    assert response.status_code == 400
    assert "Montant : indiquez le montant." in text(response)


@pytest.mark.parametrize("who", ["coordinator", "cpam", "ars_observer"])
def test_only_an_ars_authority_records_the_grant(cpts, coordinator, who):
    user = {
        "coordinator": coordinator,
        "cpam": cpam_authority(cpts),
        "ars_observer": ars_authority(cpts, role="observer"),
    }[who]

    assert logged_in(user).get(url("creation_grant_record", cpts)).status_code == 403
    assert logged_in(user).post(url("creation_grant_record", cpts), {"amount": "1"}).status_code == 403


def test_the_ars_authority_marks_a_payment_paid(cpts, ars, grant):
    payment = grant.payments.get(paid_on=None)
    today = timezone.localdate()

    response = logged_in(ars).post(
        url("creation_grant_payment_paid", cpts, payment.pk), {f"p{payment.pk}-paid_on": today.isoformat()}
    )

    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.paid_on == today


def test_a_payment_paid_in_the_future_is_refused_naming_the_field(cpts, ars, grant):
    payment = grant.payments.get(paid_on=None)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = logged_in(ars).post(
        url("creation_grant_payment_paid", cpts, payment.pk), {f"p{payment.pk}-paid_on": tomorrow.isoformat()}
    )

    assert response.status_code == 400
    assert "Versée le : la date ne peut pas être dans le futur." in text(response)


def test_the_coordinator_may_not_mark_a_payment_paid(cpts, coordinator, grant):
    payment = grant.payments.get(paid_on=None)

    response = logged_in(coordinator).post(
        url("creation_grant_payment_paid", cpts, payment.pk), {f"p{payment.pk}-paid_on": "2026-01-01"}
    )

    assert response.status_code == 403
    assert GrantPayment.objects.get(pk=payment.pk).paid_on is None


def test_the_coordinator_records_and_deletes_a_spending(cpts, coordinator, grant):
    editor = logged_in(coordinator)
    today = timezone.localdate()
    response = editor.post(
        url("creation_grant_spending_add", cpts),
        {
            "dep-spent_on": today.isoformat(),
            "dep-category": "legal",
            "dep-label": "Expert-comptable",
            "dep-amount": "800,50",
        },
    )

    assert response.status_code == 302
    spending = GrantSpending.objects.get(label="Expert-comptable")
    assert (spending.amount, spending.category, spending.recorded_by) == (Decimal("800.50"), "legal", coordinator)
    assert f"{euros(Decimal('5000.50'))} dépensés" in plain(editor.get(url("creation_grant", cpts)))

    editor.post(url("creation_grant_spending_delete", cpts, spending.pk))
    assert not GrantSpending.objects.filter(pk=spending.pk).exists()


def test_spending_more_than_what_is_left_is_refused_with_what_is_left(cpts, coordinator, grant):
    response = logged_in(coordinator).post(
        url("creation_grant_spending_add", cpts),
        {
            "dep-spent_on": timezone.localdate().isoformat(),
            "dep-category": "other",
            "dep-label": "Trop",
            "dep-amount": "11000",
        },
    )

    assert response.status_code == 400
    assert "Montant : il dépasse ce qui reste de la subvention (10800.00 €)." in text(response)
    assert not GrantSpending.objects.filter(label="Trop").exists()


def test_a_spending_without_its_label_is_refused_naming_the_field(cpts, coordinator, grant):
    response = logged_in(coordinator).post(
        url("creation_grant_spending_add", cpts),
        {
            "dep-spent_on": timezone.localdate().isoformat(),
            "dep-category": "other",
            "dep-label": "",
            "dep-amount": "10",
        },
    )

    assert response.status_code == 400
    assert "Libellé : ce champ est obligatoire." in text(response)


def test_the_authorities_may_not_record_nor_delete_a_spending(cpts, ars, grant):
    spending = grant.spendings.first()
    posted = {"dep-spent_on": "2026-01-01", "dep-category": "other", "dep-label": "x", "dep-amount": "1"}

    assert logged_in(ars).post(url("creation_grant_spending_add", cpts), posted).status_code == 403
    assert logged_in(ars).post(url("creation_grant_spending_delete", cpts, spending.pk)).status_code == 403
    assert GrantSpending.objects.filter(pk=spending.pk).exists()


def test_spending_before_any_grant_is_404(cpts, coordinator):
    posted = {"dep-spent_on": "2026-01-01", "dep-category": "other", "dep-label": "x", "dep-amount": "1"}

    assert logged_in(coordinator).post(url("creation_grant_spending_add", cpts), posted).status_code == 404


def test_another_cpts_payment_and_spending_are_404(cpts, other_cpts, ars, coordinator):
    other = StartupGrantFactory(cpts=other_cpts)
    payment, spending = GrantPaymentFactory(grant=other), GrantSpendingFactory(grant=other)

    assert logged_in(ars).post(url("creation_grant_payment_paid", cpts, payment.pk)).status_code == 404
    assert logged_in(coordinator).post(url("creation_grant_spending_delete", cpts, spending.pk)).status_code == 404


def test_without_a_grant_the_page_says_so_and_offers_the_ars_the_form(cpts, coordinator, ars):
    assert "Aucune subvention de démarrage" in text(logged_in(coordinator).get(url("creation_grant", cpts)))
    assert url("creation_grant_record", cpts) not in text(logged_in(coordinator).get(url("creation_grant", cpts)))
    assert url("creation_grant_record", cpts) in text(logged_in(ars).get(url("creation_grant", cpts)))


def unpaid_payments(grant, count):
    grant.amount += 100 * count
    grant.save()
    for month in range(count):
        GrantPaymentFactory(
            grant=grant, due_on=datetime.date(2027, 1, 1) + datetime.timedelta(days=31 * month), amount=Decimal("100")
        )


def test_the_decision_form_shows_every_payment_not_yet_paid_and_two_blank_rows(cpts, ars, grant):
    unpaid_payments(grant, 5)  # six unpaid in all, with the grant's June one
    page = text(logged_in(ars).get(url("creation_grant_record", cpts)))
    assert 'name="payment_6_on"' in page and 'name="payment_8_on"' in page
    assert 'name="payment_9_on"' not in page
    assert 'value="2027-05-05"' in page or "05/05/2027" in page  # the last of them


def test_saving_the_decision_as_shown_keeps_every_payment_not_yet_paid(cpts, ars, grant):
    unpaid_payments(grant, 5)
    before = sorted((p.due_on, p.amount) for p in grant.payments.filter(paid_on__isnull=True))
    page = logged_in(ars).get(url("creation_grant_record", cpts))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value.isoformat() if hasattr(value, "isoformat") else value for name, value in data.items()}
    data = {name: value for name, value in data.items() if value is not None}
    response = logged_in(ars).post(url("creation_grant_record", cpts), data)
    assert response.status_code == 302
    after = sorted((p.due_on, p.amount) for p in grant.payments.filter(paid_on__isnull=True))
    assert after == before and len(after) == 6
    assert grant.payments.filter(paid_on__isnull=False).count() == 1


def test_more_unpaid_payments_than_the_form_holds_are_refused_never_dropped(cpts, ars, grant):
    unpaid_payments(grant, 24)  # 25 unpaid
    client = logged_in(ars)
    page = client.get(url("creation_grant_record", cpts))
    assert page.status_code == 200
    assert "plus de 24 versements restent à faire (25)" in text(page)
    assert 'name="payment_1_on"' not in text(page)
    response = client.post(url("creation_grant_record", cpts), {"amount": "15000", "decided_on": "01/01/2026"})
    assert response.status_code == 409
    assert grant.payments.filter(paid_on__isnull=True).count() == 25
