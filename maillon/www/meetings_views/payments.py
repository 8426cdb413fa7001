"""The payment list of a year (coordinator): each member's validated hours, the rate,
the amount and the amount paid (capped), with the full IBAN — shown here only, journaled.
Exports: CSV (UTF-8 with BOM, `;`) and XLSX, journaled too."""

import csv
import io

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from maillon.core import journal
from maillon.meetings import services

from ..members_views.directory.export import XLSX_TYPE, neutralise
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
FORMATS = {"csv", "xlsx"}


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


def csv_text(value) -> str:
    return str(value).replace(".", ",") if not isinstance(value, str) else value


def xlsx_value(value):
    """openpyxl refuses control characters: drop them."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


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
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([csv_text(neutralise(value)) for value in row_values(row)])
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = f"Indemnités {year}"
        sheet.append(HEADERS)
        for row in rows:
            sheet.append([xlsx_value(neutralise(value)) for value in row_values(row)])
        for column in "DEFG":
            for cell in sheet[column][1:]:
                cell.number_format = "0.00"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
