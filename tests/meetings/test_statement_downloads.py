"""Each member's yearly statement as CSV and PDF, the payment list as PDF: read back,
amounts the French way, downloads journaled without names nor IBAN, and reachable by
the member themselves and the coordinator only."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from maillon.core.models import JournalEntry
from maillon.meetings.factories import HourlyRateFactory, PaymentDetailsFactory, TimeEntryFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from tests.conftest import verified_client

from .conftest import member_user, membership_of

pytestmark = pytest.mark.django_db

YEAR = 2025
IBAN = "FR7630006000011234567890189"


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().replace("\xa0", " ").split()) for page in pages)


@pytest.fixture
def year(cpts, settings):
    settings.MAILLON_ANNUAL_INDEMNITY_CAP = {YEAR: 1000}
    HourlyRateFactory(cpts=cpts, year=YEAR, amount=Decimal("100.00"))


@pytest.fixture
def chloe(cpts, year):
    """Éloïse Lœvenbruck: 11 validated hours in YEAR (1 100,00 €, capped at 1 000,00 €)."""
    membership = MembershipFactory(
        cpts=cpts, professional=ProfessionalFactory(first_name="Éloïse", last_name="Lœvenbruck")
    )
    PaymentDetailsFactory(membership=membership, holder_name="Éloïse Lœvenbruck")
    TimeEntryFactory(
        cpts=cpts,
        membership=membership,
        date=datetime.date(YEAR, 3, 4),
        hours=Decimal("9"),
        note="Atelier",
        validated=True,
    )
    TimeEntryFactory(
        cpts=cpts, membership=membership, date=datetime.date(YEAR, 5, 6), hours=Decimal("2"), validated=True
    )
    TimeEntryFactory(cpts=cpts, membership=membership, date=datetime.date(YEAR, 5, 7), hours=Decimal("5"))  # pending
    return membership


def export(client, membership, fmt):
    url = reverse("meetings_statement_export", args=[membership.cpts.slug, membership.pk, fmt])
    return client.get(url, {"annee": YEAR})


def test_the_statement_pdf_reads_back(cpts, coordinator, chloe):
    text = pdf_text(export(verified_client(coordinator), chloe, "pdf"))
    for expected in (
        f"Relevé d'indemnités {YEAR}",
        cpts.name,
        "Éloïse Lœvenbruck",
        "FR76 **** **** 0189",
        "04/03/2025 Projet Atelier",
        "Heures validées 11,00 h",
        "Taux horaire 100,00 €",
        "Montant 1 100,00 €",
        "Plafond annuel 1 000,00 €",
        "Montant versé 1 000,00 €",
        "page 1 / 1",
    ):
        assert expected in text
    assert IBAN not in text and "07/05/2025" not in text  # masked IBAN; pending time left out


def test_the_statement_csv_parses_back(cpts, coordinator, chloe):
    response = export(verified_client(coordinator), chloe, "csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8")[1:]), delimiter=";"))
    assert rows[0] == ["Date", "Nature", "Réunion ou note", "Mission", "Heures"]
    assert rows[1] == ["04/03/2025", "Projet", "Atelier", "3 — Prévention", "9,00"]
    assert len([row for row in rows if row and row[0].endswith("/2025")]) == 2
    assert ["Montant (€)", "1100,00"] in rows and ["Montant versé (€)", "1000,00"] in rows


def test_a_member_downloads_their_own_statement_only(cpts, chloe):
    user = member_user(cpts)
    client = verified_client(user)
    assert export(client, membership_of(user), "pdf").status_code == 200
    assert export(client, chloe, "pdf").status_code == 404
    assert export(client, chloe, "csv").status_code == 404


def test_an_unknown_format_is_404(cpts, coordinator, chloe):
    assert export(verified_client(coordinator), chloe, "xlsx").status_code == 404


def test_the_payment_list_pdf_reads_back(cpts, coordinator, chloe):
    other = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(first_name="Bruno", last_name="Bernard"))
    TimeEntryFactory(cpts=cpts, membership=other, date=datetime.date(YEAR, 1, 2), hours=Decimal("1.5"), validated=True)
    response = verified_client(coordinator).get(
        reverse("meetings_payments_export", args=[cpts.slug, "pdf"]), {"annee": YEAR}
    )
    text = pdf_text(response)
    assert f"Liste de paiement {YEAR}" in text
    assert "FR76 3000 6000 0112 3456 7890 189" in text
    assert "1 100,00 € 1 000,00 € (plafonné)" in text
    assert "Bruno Bernard manquant manquant 1,50 150,00 € 150,00 €" in text
    assert "Total à verser 1 150,00 €" in text


def test_downloads_are_journaled_without_names_nor_iban(cpts, coordinator, chloe):
    client = verified_client(coordinator)
    before = JournalEntry.objects.count()
    export(client, chloe, "pdf")
    export(client, chloe, "csv")
    client.get(reverse("meetings_payments_export", args=[cpts.slug, "pdf"]), {"annee": YEAR})
    entries = list(JournalEntry.objects.order_by("pk")[before:])
    assert [(entry.action, entry.note.split(", ")[-1]) for entry in entries] == [
        ("export", "PDF"),
        ("export", "CSV"),
        ("export", "PDF"),
    ]
    assert entries[0].object_id == f"statement-{chloe.pk}-{YEAR}" and entries[0].actor_id == coordinator.pk
    everything = " ".join(f"{entry.object_id} {entry.fields} {entry.note}" for entry in entries)
    for secret in ("Lœvenbruck", "Éloïse", IBAN[-4:]):
        assert secret not in everything
