"""The payment list of a year (coordinator): each member's validated hours, the rate,
the amount and the amount paid (capped), with the full IBAN — shown here only, journaled.
Exports: CSV (UTF-8 with BOM, `;`) and XLSX, journaled too."""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render

from maillon.core import journal
from maillon.meetings import services

from ..spreadsheets import FORMATS, csv_response, xlsx_response
from .common import meetings_breadcrumb, require_coordinator

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


def meetings_payments(request, cpts_slug):
    require_coordinator(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cpts = request.cpts
    year = services.year_or_current(request.GET.get("annee"))
    rows = services.payment_list(cpts, year)
    journal.record(
        journal.Action.READ,
        object_type="meetings.PaymentDetails",
        object_id=f"payments-{year}",
        cpts_id=cpts.pk,
        fields=EXPORTED_FIELDS,
        note=f"{len(rows)} ligne(s)",
    )
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


def meetings_payments_export(request, cpts_slug, fmt):
    require_coordinator(request)
    if fmt not in FORMATS:
        raise Http404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    cpts = request.cpts
    year = services.year_or_current(request.GET.get("annee"))
    rows = services.payment_list(cpts, year)
    services.journal_export(cpts=cpts, what=f"payments-{year}", fields=EXPORTED_FIELDS, count=len(rows), fmt=fmt)
    filename = f"indemnites-{cpts.slug}-{year}"
    values = [row_values(row) for row in rows]
    if fmt == "csv":
        return csv_response(HEADERS, values, filename)
    return xlsx_response(HEADERS, values, filename, sheet_title=f"Indemnités {year}")
