"""The payment list and its exports (parsed back), the statements, and the journal:
reads and exports journaled, with no IBAN and no name in it."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from maillon.core.models import JournalEntry
from maillon.meetings.factories import HourlyRateFactory, PaymentDetailsFactory, TimeEntryFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from tests.conftest import verified_client

from .conftest import member_user, membership_of

pytestmark = pytest.mark.django_db

YEAR = 2025
VALID = "FR7630006000011234567890189"


@pytest.fixture
def paid(cpts, settings):
    settings.MAILLON_ANNUAL_INDEMNITY_CAP = {2023: 43_992, YEAR: 200}
    HourlyRateFactory(cpts=cpts, year=YEAR, amount=Decimal("60.00"))
    alice = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(first_name="Alice", last_name="Aubert"))
    bruno = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(first_name="Bruno", last_name="Bernard"))
    PaymentDetailsFactory(membership=alice, holder_name="Alice Aubert")
    day = datetime.date(YEAR, 3, 1)
    TimeEntryFactory(cpts=cpts, membership=alice, date=day, hours="1.5", validated=True)
    TimeEntryFactory(cpts=cpts, membership=bruno, date=day, hours="4", validated=True)
    TimeEntryFactory(cpts=cpts, membership=bruno, date=day, hours="8")  # not validated: not paid
    TimeEntryFactory(cpts=cpts, membership=bruno, date=datetime.date(YEAR + 1, 1, 2), hours="8", validated=True)
    return alice, bruno


def test_the_csv_payment_list_parses_back(cpts, coordinator, paid):
    response = verified_client(coordinator).get(
        reverse("meetings_payments_export", args=[cpts.slug, "csv"]), {"annee": YEAR}
    )
    content = response.getvalue().decode("utf-8")  # streamed
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content[1:]), delimiter=";"))
    assert rows[0] == [
        "Membre",
        "Titulaire du compte",
        "IBAN",
        "Heures validées",
        "Taux horaire (€)",
        "Montant (€)",
        "Montant plafonné (€)",
    ]
    assert rows[1:] == [
        ["Alice Aubert", "Alice Aubert", VALID, "1,50", "60,00", "90,00", "90,00"],
        ["Bruno Bernard", "", "", "4,00", "60,00", "240,00", "200,00"],
    ]


def test_the_xlsx_payment_list_parses_back(cpts, coordinator, paid):
    response = verified_client(coordinator).get(
        reverse("meetings_payments_export", args=[cpts.slug, "xlsx"]), {"annee": YEAR}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0][:3] == ["Alice Aubert", "Alice Aubert", VALID]
    assert [Decimal(str(v)) for v in values[1][3:]] == [Decimal(4), Decimal(60), Decimal(240), Decimal(200)]


def test_the_payment_list_page_shows_the_full_iban_and_the_cap(cpts, coordinator, paid):
    page = verified_client(coordinator).get(reverse("meetings_payments", args=[cpts.slug]), {"annee": YEAR})
    text = page.content.decode()
    assert VALID in text and "plafond dépassé" in text and "430,00 €" not in text and "290,00 €" in text


def test_an_unknown_year_says_the_cap_is_to_confirm(cpts, coordinator, paid):
    page = verified_client(coordinator).get(reverse("meetings_payments", args=[cpts.slug]), {"annee": 2031})
    assert "plafond à confirmer" in page.content.decode()


def test_reads_and_exports_are_journaled_without_iban_nor_names(cpts, coordinator, paid):
    client = verified_client(coordinator)
    before = JournalEntry.objects.count()
    client.get(reverse("meetings_payments", args=[cpts.slug]), {"annee": YEAR})
    client.get(reverse("meetings_payments_export", args=[cpts.slug, "csv"]), {"annee": YEAR})
    client.get(reverse("meetings_statement", args=[cpts.slug, paid[0].pk]), {"annee": YEAR})
    entries = list(JournalEntry.objects.order_by("pk")[before:])
    assert [entry.action for entry in entries][-3:] == ["read", "export", "read"]
    assert all(entry.actor_id == coordinator.pk and entry.cpts_id == cpts.pk for entry in entries)
    everything = " ".join(
        f"{entry.object_type} {entry.object_id} {entry.fields} {entry.note}" for entry in JournalEntry.objects.all()
    )
    for secret in (VALID, VALID[-4:], "Aubert", "Alice", "Bernard"):
        assert secret not in everything


def test_a_member_reads_their_own_statement_only(cpts, paid):
    user = member_user(cpts)
    mine = membership_of(user)
    TimeEntryFactory(cpts=cpts, membership=mine, date=timezone.localdate(), hours="2", validated=True)
    client = verified_client(user)
    page = client.get(reverse("meetings_statement", args=[cpts.slug, mine.pk]))
    assert page.status_code == 200 and "Heures validées : 2,00" in page.content.decode()
    assert client.get(reverse("meetings_statement", args=[cpts.slug, paid[0].pk])).status_code == 404


def test_the_statement_totals_the_validated_time_of_the_year(cpts, coordinator, paid):
    page = verified_client(coordinator).get(
        reverse("meetings_statement", args=[cpts.slug, paid[1].pk]), {"annee": YEAR}
    )
    text = page.content.decode()
    assert "Montant : 240,00 €" in text and "Montant versé : 200,00 €" in text


@pytest.mark.parametrize("year", ["²", "abc", "99999", "-1"])
def test_an_odd_year_in_the_address_shows_the_current_year(cpts, coordinator, year):
    client = verified_client(coordinator)
    assert client.get(reverse("meetings_payments", args=[cpts.slug]), {"annee": year}).status_code == 200
    assert client.get(reverse("meetings_payments_export", args=[cpts.slug, "xlsx"]), {"annee": year}).status_code == 200


def test_control_characters_in_a_name_do_not_break_the_xlsx(cpts, coordinator, paid):
    details = paid[0].payment_details
    details.holder_name = "Alice\x07 Aubert"
    details.save()
    response = verified_client(coordinator).get(
        reverse("meetings_payments_export", args=[cpts.slug, "xlsx"]), {"annee": YEAR}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].value == "Alice Aubert"
