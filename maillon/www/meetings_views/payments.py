"""The payment list of a year (coordinator): each member's validated hours, the rate,
the amount and the amount paid (capped), with the full IBAN — shown here only, journaled.
Exports: CSV (UTF-8 with BOM, `;`), XLSX and PDF, journaled too."""

from django.http import Http404
from django.shortcuts import render

from maillon.meetings import services

from .. import pdf
from ..space import allow, journal_summary
from ..spreadsheets import FORMATS, attachment, csv_response, xlsx_response
from . import page
from .common import ensure_visible, meetings_breadcrumb, policies

HEADERS = [
    "Membre",
    "Titulaire du compte",
    "IBAN",
    "Heures validées",
    "Taux horaire (€)",
    "Montant (€)",
    "Montant plafonné (€)",
]
EXPORTED_FIELDS = ["member.name", "payment_details.iban", "payment_details.holder_name", "time_entries.hours"]


def row_values(row) -> list:
    details = getattr(row.membership, "payment_details", None)
    return [
        str(row.membership.member),
        details.holder_name if details else "",
        details.iban if details else "",
        row.hours,
        row.rate if row.rate is not None else "",
        row.amount,
        row.capped_amount,
    ]


def require_payments(request):
    """404, as for a CPTS that does not exist, unless the user reads the payment list."""
    ensure_visible(policies.can_see_payments(request.user, getattr(request, "cpts", None)))


@page("indemnites/")
@allow("GET", check=require_payments)
def meetings_payments(request, cpts_slug):
    cpts = request.cpts
    year = services.year_or_current(request.GET.get("annee"))
    rows = services.payment_list(cpts, year)
    note = f"{len(rows)} ligne(s)"
    journal_summary(cpts, "meetings.PaymentDetails", EXPORTED_FIELDS, note, object_id=f"payments-{year}")
    context = {
        "cpts": cpts,
        "year": year,
        "rows": rows,
        "rate": services.hourly_rate(cpts, year),
        "cap": services.annual_cap(year),
        "total": sum((row.capped_amount for row in rows), start=services.money(0)),
        "section": "payments",
        "title": f"Indemnités {year} — {cpts.name}",
        "breadcrumb_data": meetings_breadcrumb(cpts, f"Indemnités {year}"),
    }
    return render(request, "meetings/payments.html", context)


def grouped_iban(iban: str) -> str:
    return " ".join(iban[index : index + 4] for index in range(0, len(iban), 4))


def payments_pdf(cpts, year, rows) -> bytes:
    rate, cap = services.hourly_rate(cpts, year), services.annual_cap(year)
    table = []
    for row in rows:
        details = getattr(row.membership, "payment_details", None)
        table.append(
            [
                str(row.membership.member),
                details.holder_name if details else "manquant",
                grouped_iban(details.iban) if details else "manquant",
                pdf.decimal_fr(row.hours),
                pdf.euros(row.amount),
                pdf.euros(row.capped_amount) + (" (plafonné)" if row.over_cap else ""),
            ]
        )
    total = sum((row.capped_amount for row in rows), start=services.money(0))
    blocks = [
        pdf.KeyValues(
            [
                ("Taux horaire", pdf.euros(rate) if rate is not None else "non fixé (indemnités à 0 €)"),
                ("Plafond annuel par membre", pdf.euros(cap.amount) + ("" if cap.confirmed else " (à confirmer)")),
                ("Membres à payer", str(len(rows))),
                ("Total à verser", pdf.euros(total)),
            ]
        ),
        pdf.Table(["Membre", "Titulaire du compte", "IBAN", "Heures", "Montant", "Versé"], table, align_right={3, 4, 5})
        if table
        else pdf.Paragraph(f"Aucun temps validé en {year}."),
    ]
    return pdf.render_pdf(title=f"Liste de paiement {year}", subtitle=cpts.name, blocks=blocks)


@page("indemnites/export/<str:fmt>/")
@allow("GET", check=require_payments)
def meetings_payments_export(request, cpts_slug, fmt):
    if fmt not in FORMATS | {"pdf"}:
        raise Http404
    cpts = request.cpts
    year = services.year_or_current(request.GET.get("annee"))
    rows = services.payment_list(cpts, year)
    services.journal_export(cpts=cpts, what=f"payments-{year}", fields=EXPORTED_FIELDS, count=len(rows), fmt=fmt)
    filename = f"indemnites-{cpts.slug}-{year}"
    if fmt == "pdf":
        return attachment(payments_pdf(cpts, year, rows), f"{filename}.pdf", "application/pdf")
    values = [row_values(row) for row in rows]
    if fmt == "csv":
        return csv_response(HEADERS, values, filename)
    return xlsx_response(HEADERS, values, filename, sheet_title=f"Indemnités {year}")
