"""Export on request of what the desk holds on a person (JSON and PDF): the coordinator from the
patient's page, the patient from the status page of their private link, by a POST that also asks
their birth date (the link alone is not enough: link scanners open e-mailed links).
Each export is journaled; the file is named by the registration's number, never the name."""

import datetime

from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

from maillon.core.policies import ensure_visible
from maillon.mt import export, services
from maillon.mt.imports import parse_date

from .. import pdf, throttled
from ..space import allow
from ..spreadsheets import attachment
from ..toolkit.navigation import breadcrumb
from . import page, public_page
from .common import require_coordinator, visible_patient_or_404
from .status import render_status

FORMATS = {"json": "application/json; charset=utf-8", "pdf": "application/pdf"}
DASH = "—"
BIRTH_DATE_FORMAT = "Date de naissance : saisissez-la au format JJ/MM/AAAA."


def posted_date(value: str) -> datetime.date | None:
    """A date from the date field (ISO) or typed by hand (« 23/11/1950 »); None if neither."""
    return parse_date((value or "").strip())


def _date(value: str | None) -> str:
    """An ISO date or date-time of the export as « 23/11/2026 » or « 23/11/2026 09:30 »."""
    if not value:
        return DASH
    day = f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    return f"{day} {value[11:16]}" if len(value) > 10 else day


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def identity_rows(registration) -> list:
    return [
        ("Nom", registration["last_name"]),
        ("Prénom", registration["first_name"]),
        ("Date de naissance", _date(registration["birth_date"])),
        ("Commune", f"{registration['commune']['name']} ({registration['commune']['code']})"),
        ("Courriel", registration["email"] or DASH),
        ("Téléphone", registration["phone"] or DASH),
        ("NIR", registration["nir"] or "non renseigné"),
    ]


def criteria_rows(registration, priority) -> list:
    declared = registration["declared"]
    return [
        ("Inscription", registration["channel"]["label"]),
        ("Inscrit(e) par", registration["registered_by"] or DASH),
        ("Inscrit(e) le", _date(registration["registered_at"])),
        ("Consentement", _date(registration["consent_at"])),
        ("État", registration["status"]["label"]),
        ("Clos le", _date(registration["closed_at"])),
        ("Affection de longue durée (ALD)", _yes_no(declared["ald"])),
        ("Complémentaire santé solidaire (C2S)", _yes_no(declared["c2s"])),
        ("Grossesse", _yes_no(declared["pregnancy"])),
        ("Situation de handicap", _yes_no(declared["disability"])),
        ("Sans médecin depuis le départ de son médecin", _yes_no(declared["mt_retired"])),
        ("Score de priorité", str(priority["score"])),
    ]


def event_row(event) -> list:
    by = event["by"] + (" (pour le médecin)" if event["for_doctor"] else "")
    return [_date(event["at"]), event["from"], event["to"], by, event["note"]]


def proposal_row(proposal) -> list:
    return [
        str(proposal["id"]),
        proposal["doctor"],
        proposal["status"]["label"],
        _date(proposal["created_at"]),
        _date(proposal["decided_at"]),
        " ; ".join(proposal["reasons"]),
    ]


def journal_row(row) -> list:
    return [_date(row["at"]), row["action"], row["object"], row["by"], ", ".join(row["fields"]), row["note"]]


# The histories of the export: (heading, key of the data, columns, row, when there is none).
HISTORIES = [
    ("Étapes", "events", ["Date", "De", "Vers", "Par", "Note"], event_row, "Aucune étape après l'inscription."),
    (
        "Propositions de médecin",
        "proposals",
        ["N°", "Médecin", "État", "Proposée le", "Décidée le", "Pourquoi"],
        proposal_row,
        "Aucune proposition.",
    ),
    (
        "Journal : qui a consulté ou modifié ces données",
        "journal",
        ["Date", "Action", "Objet", "Par", "Champs", "Note"],
        journal_row,
        "Aucune entrée.",
    ),
]


def export_pdf(data: dict) -> bytes:
    registration = data["registration"]
    blocks = [
        pdf.Paragraph(
            f"Données détenues par le guichet médecin traitant sur l'inscription n° {registration['id']},"
            f" à la date du {_date(data['generated_at'])}. {data['retention']}"
        ),
        pdf.Heading("Identité et contact"),
        pdf.KeyValues(identity_rows(registration)),
        pdf.Heading("Inscription et critères"),
        pdf.KeyValues(criteria_rows(registration, data["priority"])),
    ]
    for heading, key, columns, row, empty in HISTORIES:
        rows = [row(item) for item in data[key]]
        blocks += [pdf.Heading(heading), pdf.Table(columns, rows) if rows else pdf.Paragraph(empty)]
    return pdf.render_pdf(title="Mes données — demande de médecin traitant", subtitle=data["cpts"], blocks=blocks)


def export_response(patient, fmt: str, *, audience: str, actor=None) -> HttpResponse:
    data = export.person_data(patient, audience=audience)
    export.record_export(patient, fmt=fmt, audience=audience, actor=actor)
    body = export.as_json(data).encode() if fmt == "json" else export_pdf(data)
    response = attachment(body, export.filename(patient, fmt), FORMATS[fmt])
    response["Cache-Control"] = "no-store"
    return response


@page("medecin-traitant/patients/<int:pk>/donnees.<str:fmt>")
@allow("GET", check=require_coordinator)
def mt_patient_export(request, cpts_slug, pk, fmt):
    """The coordinator downloads everything held on a registration."""
    ensure_visible(fmt in FORMATS)
    patient = visible_patient_or_404(request, pk)
    return export_response(patient, fmt, audience=export.COORDINATION, actor=request.user)


@public_page("suivi/<str:token>/mes-donnees.<str:fmt>")
def mt_patient_status_export(request, token, fmt):
    """The patient downloads their own data: a POST (CSRF) from their status page with their
    birth date; a wrong one exports nothing and shows the page again with the message."""
    ensure_visible(fmt in FORMATS)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if (refused := throttled.refused_post(request, "mt_patient_status_export")) is not None:  # a birth date to guess
        return refused
    patient = services.patient_of_token(token)
    if patient is None:
        context = {"title": "Suivi de ma demande de médecin traitant", "breadcrumb_data": breadcrumb("Mes données")}
        return render(request, "mt/link_invalid.html", context, status=404)
    birth_date = posted_date(request.POST.get("birth_date", ""))
    error = BIRTH_DATE_FORMAT if birth_date is None else export.confirm_birth_date(patient, birth_date)
    if error:
        return render_status(request, patient, token, export_error=error, status=422)
    return export_response(patient, fmt, audience=export.PATIENT)
