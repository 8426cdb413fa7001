"""The dialogue de gestion pages: preview, sending (frozen versions), the authority's
decision, downloads; who may do what."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from maillon.contracts import services
from maillon.contracts.models import Indicator, ManagementReport, ReportStatus
from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.territories.factories import DepartementFactory, TerritoryRoleFactory

from ..conftest import verified_client
from .test_report import small_contract
from .test_report_files import pdf_text

pytestmark = pytest.mark.django_db


def territorial(cpts, role):
    """A user with `role` over the département of the CPTS's territory."""
    departement = cpts.territory_rows.first().commune.departement
    user = UserFactory(with_totp=True, first_name="Agnès", last_name="Roux")
    TerritoryRoleFactory(user=user, role=role, departement=departement)
    return user


@pytest.fixture
def contract(cpts, coordinator):
    return small_contract(cpts, by=coordinator)


@pytest.fixture
def authority(cpts):
    return territorial(cpts, "authority")


@pytest.fixture
def observer(cpts):
    return territorial(cpts, "observer")


def page(cpts, year=1):
    return reverse("contracts_report", args=[cpts.slug, year])


def download(cpts, report, fmt):
    return reverse("contracts_report_download", args=[cpts.slug, report.pk, fmt])


def without_footers(text):
    return re.sub(r"Généré le \d\d/\d\d/\d{4} à \d\d:\d\d par Maillon", "", text)


def send(client, cpts, year=1):
    return client.post(page(cpts, year), {"action": "send"})


def test_the_coordinator_previews_the_report_of_the_year(cpts, coordinator, contract):
    response = verified_client(coordinator).get(page(cpts))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dialogue de gestion, année 1" in html
    assert "Patients en ALD sans médecin traitant" in html
    assert "Envoyer à l'ARS et à la CPAM" in html
    assert "Aucune version envoyée" in html


def test_a_year_out_of_the_contract_is_404(cpts, coordinator, contract):
    assert verified_client(coordinator).get(page(cpts, 6)).status_code == 404


def test_sending_freezes_a_version_that_no_later_change_alters(cpts, coordinator, contract):
    client = verified_client(coordinator)
    response = send(client, cpts)
    assert response.status_code == 302
    report = ManagementReport.objects.get(contract=contract)
    assert (report.version, report.status, report.sent_by) == (1, ReportStatus.SENT, coordinator)
    pdf_before = pdf_text(client.get(download(cpts, report, "pdf")).content)
    xlsx_before = client.get(download(cpts, report, "xlsx")).content
    assert "87 patients" in pdf_before

    indicator = Indicator.objects.get(contract=contract, name="Patients en ALD sans médecin traitant")
    services.record_value(indicator=indicator, contract_year=1, value=Decimal("12"), by=coordinator)
    assert "12\u00a0patients" in client.get(page(cpts)).content.decode()  # the live report moved on

    pdf_after = pdf_text(client.get(download(cpts, report, "pdf")).content)
    # The page footers say when the file was generated: compare everything else.
    assert without_footers(pdf_before) == without_footers(pdf_after)
    assert "87 patients" in pdf_after and "12 patients" not in pdf_after

    def cells(content):
        workbook = load_workbook(io.BytesIO(content))
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}

    assert cells(client.get(download(cpts, report, "xlsx")).content) == cells(xlsx_before)


def test_a_new_version_only_after_the_last_was_sent_back(cpts, coordinator, authority, contract):
    client = verified_client(coordinator)
    send(client, cpts)
    response = send(client, cpts)
    assert response.status_code == 422
    assert "nouvel envoi n&#x27;est possible qu&#x27;après un renvoi" in response.content.decode()
    assert ManagementReport.objects.count() == 1
    report = ManagementReport.objects.get()
    services.decide_report(report, by=authority, sign_off=False, comments="Préciser les dépenses de la mission 2.")
    assert send(client, cpts).status_code == 302
    assert list(ManagementReport.objects.order_by("version").values_list("version", flat=True)) == [1, 2]


def test_the_authority_signs_a_sent_version_off(cpts, coordinator, authority, contract):
    send(verified_client(coordinator), cpts)
    report = ManagementReport.objects.get()
    client = verified_client(authority)
    response = client.get(page(cpts))
    assert "Valider la version 1" in response.content.decode()
    response = client.post(page(cpts), {"action": "sign_off", "report": report.pk, "comments": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.decided_by) == (ReportStatus.SIGNED_OFF, authority)
    # Only a sent version is decided.
    response = client.post(page(cpts), {"action": "send_back", "report": report.pk, "comments": "Trop tard."})
    assert response.status_code == 422
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED_OFF


def test_sending_back_needs_comments_which_the_coordinator_then_reads(cpts, coordinator, authority, contract):
    send(verified_client(coordinator), cpts)
    report = ManagementReport.objects.get()
    client = verified_client(authority)
    response = client.post(page(cpts), {"action": "send_back", "report": report.pk, "comments": "  "})
    assert response.status_code == 422
    assert "Remarques : dites ce qui doit être revu." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT
    client.post(page(cpts), {"action": "send_back", "report": report.pk, "comments": "Indicateur SNP à justifier."})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    html = verified_client(coordinator).get(page(cpts)).content.decode()
    assert "Indicateur SNP à justifier." in html
    assert "Renvoyée avec des remarques" in html


def test_the_coordinator_cannot_decide_and_the_authority_cannot_send(cpts, coordinator, authority, contract):
    send(verified_client(coordinator), cpts)
    report = ManagementReport.objects.get()
    # Both read the report: 403 (not 404) on the other's step.
    response = verified_client(coordinator).post(page(cpts), {"action": "sign_off", "report": report.pk})
    assert response.status_code == 403
    assert send(verified_client(authority), cpts).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT
    assert ManagementReport.objects.count() == 1


def test_observers_read_and_download_but_write_nothing(cpts, coordinator, observer, contract):
    send(verified_client(coordinator), cpts)
    report = ManagementReport.objects.get()
    client = verified_client(observer)
    html = client.get(page(cpts)).content.decode()
    assert "Version 1" in html
    assert "Envoyer à l" not in html and "Valider la version" not in html
    assert client.get(download(cpts, report, "pdf")).status_code == 200
    assert send(client, cpts).status_code == 403
    assert client.post(page(cpts), {"action": "sign_off", "report": report.pk}).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT


@pytest.mark.parametrize("who", ["member", "other_territory_authority", "coordinator_elsewhere"])
def test_anyone_else_gets_404(cpts, other_cpts, coordinator, contract, who):
    send(verified_client(coordinator), cpts)
    report = ManagementReport.objects.get()
    if who == "member":
        user = CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user
    elif who == "other_territory_authority":
        user = UserFactory(with_totp=True)
        TerritoryRoleFactory(user=user, role="authority", departement=DepartementFactory(code="75", name="Paris"))
    else:
        user = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(user)
    assert client.get(page(cpts)).status_code == 404
    assert client.get(download(cpts, report, "pdf")).status_code == 404
    assert client.get(download(cpts, report, "xlsx")).status_code == 404


def test_a_version_of_another_cpts_is_404_even_to_a_coordinator(cpts, other_cpts, coordinator, contract):
    other = small_contract(other_cpts)
    services.freeze_report(contract=other, contract_year=1, data={}, by=None)
    report = ManagementReport.objects.get(contract=other)
    assert verified_client(coordinator).get(download(cpts, report, "pdf")).status_code == 404


def test_downloads_are_journaled_and_named_without_personal_data(cpts, coordinator, contract):
    client = verified_client(coordinator)
    send(client, cpts)
    report = ManagementReport.objects.get()
    before = JournalEntry.objects.filter(action="export").count()
    response = client.get(download(cpts, report, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="dialogue-de-gestion-plaine-de-versailles-annee-1-v1.xlsx"'
    )
    entry = JournalEntry.objects.filter(action="export").latest("pk")
    assert JournalEntry.objects.filter(action="export").count() == before + 1
    assert (entry.object_id, entry.cpts_id, entry.actor_id) == (str(report.pk), cpts.pk, coordinator.pk)
    assert "XLSX" in entry.note
    assert client.get(download(cpts, report, "csv")).status_code == 404
