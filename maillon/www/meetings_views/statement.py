"""A member's yearly statement (relevé): their validated time, the rate, the amount and
the cap, as a page and as CSV / PDF downloads (journaled like every export). The
coordinator reads everyone's, a member only their own."""

from django.shortcuts import get_object_or_404, render

from maillon.core import journal
from maillon.meetings import services
from maillon.meetings.models import TimeEntry
from maillon.members.models import Membership

from .. import pdf
from ..space import allow
from ..spreadsheets import attachment, csv_response
from . import page
from .common import ensure_visible, meetings_breadcrumb, payments_link, policies, require_meetings

EXPORT_FORMATS = {"csv", "pdf"}
HEADERS = ["Date", "Nature", "Réunion ou note", "Mission", "Heures"]
EXPORTED_FIELDS = ["member.name", "time_entries", "payment_details.iban_masked"]


def load(request, pk):
    """(membership, year, entries, indemnity, masked IBAN, coordinator); 404 for another member's."""
    cpts = request.cpts
    membership = get_object_or_404(
        Membership.objects.for_cpts(cpts).select_related("professional", "structure", "payment_details"), pk=pk
    )
    ensure_visible(policies.can_see_statement(request.user, membership))
    coordinator = policies.can_see_payments(request.user, cpts)
    year = services.year_or_current(request.GET.get("annee"))
    entries = list(
        TimeEntry.objects.for_cpts(cpts)
        .filter(membership=membership)
        .of_year(year)
        .validated()
        .select_related("meeting")
        .order_by("date", "pk")
    )
    details = getattr(membership, "payment_details", None)
    masked = details.masked_iban if details else ""
    return membership, year, entries, services.indemnity(membership, year), masked, coordinator


@page("indemnites/releves/<int:pk>/")
@allow("GET", check=require_meetings)
def meetings_statement(request, cpts_slug, pk):
    cpts = request.cpts
    membership, year, entries, indemnity, masked_iban, coordinator = load(request, pk)
    journal.record(journal.Action.READ, membership, fields=["member.name", "time_entries"], note=f"relevé {year}")
    links = [payments_link(cpts)] if coordinator else []
    context = {
        "cpts": cpts,
        "membership": membership,
        "year": year,
        "entries": entries,
        "indemnity": indemnity,
        "masked_iban": masked_iban,
        "coordinator": coordinator,
        "section": "payments" if coordinator else "time",
        "title": f"Relevé d'indemnités {year} — {membership.member}",
        "breadcrumb_data": meetings_breadcrumb(cpts, f"Relevé {year}", *links),
    }
    return render(request, "meetings/statement.html", context)


def entry_label(entry) -> str:
    return entry.meeting.title if entry.meeting else entry.note


def rate_text(indemnity) -> str:
    return pdf.euros(indemnity.rate) if indemnity.rate is not None else "non fixé (0 €)"


def cap_text(indemnity) -> str:
    return pdf.euros(indemnity.cap.amount) + ("" if indemnity.cap.confirmed else " (plafond à confirmer)")


def statement_pdf(cpts, membership, year, entries, indemnity, masked_iban) -> bytes:
    rows = [
        [
            f"{entry.date:%d/%m/%Y}",
            entry.get_kind_display(),
            entry_label(entry),
            entry.get_mission_display() if entry.mission else "—",
            pdf.decimal_fr(entry.hours),
        ]
        for entry in entries
    ]
    blocks = [
        pdf.KeyValues(
            [
                ("Adhérent", str(membership.member)),
                ("Période", f"du 01/01/{year} au 31/12/{year}"),
                ("Compte de versement", masked_iban or "non renseigné"),
            ]
        ),
        pdf.Heading(f"Temps validé en {year}"),
        pdf.Table(HEADERS, rows, align_right={4}) if rows else pdf.Paragraph(f"Aucun temps validé en {year}."),
        pdf.Heading("Indemnité"),
        pdf.KeyValues(
            [
                ("Heures validées", pdf.decimal_fr(indemnity.hours) + " h"),
                ("Taux horaire", rate_text(indemnity)),
                ("Montant", pdf.euros(indemnity.amount)),
                ("Plafond annuel", cap_text(indemnity)),
                ("Montant versé", pdf.euros(indemnity.capped_amount)),
            ]
        ),
        pdf.Paragraph("Seul le temps validé par la coordination compte ; le temps à valider ou refusé n'y est pas."),
    ]
    return pdf.render_pdf(title=f"Relevé d'indemnités {year}", subtitle=cpts.name, blocks=blocks)


@page("indemnites/releves/<int:pk>/export/<str:fmt>/")
@allow("GET", check=require_meetings)
def meetings_statement_export(request, cpts_slug, pk, fmt):
    ensure_visible(fmt in EXPORT_FORMATS)
    cpts = request.cpts
    membership, year, entries, indemnity, masked_iban, _ = load(request, pk)
    services.journal_export(
        cpts=cpts, what=f"statement-{membership.pk}-{year}", fields=EXPORTED_FIELDS, count=len(entries), fmt=fmt
    )
    filename = f"releve-indemnites-{year}-{membership.pk}"
    if fmt == "pdf":
        content = statement_pdf(cpts, membership, year, entries, indemnity, masked_iban)
        return attachment(content, f"{filename}.pdf", "application/pdf")
    rows = [
        [entry.date, entry.get_kind_display(), entry_label(entry), entry.get_mission_display() or "", entry.hours]
        for entry in entries
    ]
    rows += [
        [],
        ["Adhérent", str(membership.member)],
        ["Heures validées", indemnity.hours],
        ["Taux horaire (€)", indemnity.rate if indemnity.rate is not None else ""],
        ["Montant (€)", indemnity.amount],
        ["Plafond annuel (€)", indemnity.cap.amount],
        ["Montant versé (€)", indemnity.capped_amount],
    ]
    return csv_response(HEADERS, rows, filename)
