"""The patient's private link: their status, the steps so far, and « me désinscrire ».

The token (signed, expiring, revocable by the registration's nonce) is the only proof:
no login. A bad or expired token gets one plain page with a 404, whatever went wrong.
A GET changes nothing; the withdrawal asks for a confirmation, then a POST. The export of
the patient's data is a form of this page (birth date asked: see `export.py`).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from maillon.core import journal
from maillon.mt import services
from maillon.mt.models import DOCTOR_NAMED, PatientStatus

from .. import throttled
from ..space import allow
from ..toolkit.navigation import breadcrumb
from . import public_page

# What the patient reads of each state of their registration.
EXPLANATIONS = {
    PatientStatus.WAITING: "Votre demande est sur la liste d'attente. La coordination vous recontactera dès qu'un "
    "médecin du territoire pourra vous accueillir.",
    PatientStatus.PROPOSED: "Un médecin du territoire étudie votre demande. Vous serez prévenu(e) de sa réponse.",
    PatientStatus.ACCEPTED: "Un médecin accepte de devenir votre médecin traitant. La coordination vous contacte "
    "pour vous donner ses coordonnées.",
    PatientStatus.INFORMED: "Vous avez été informé(e) du médecin qui vous accueille. Pensez à le déclarer comme "
    "médecin traitant lors de votre première consultation.",
    PatientStatus.DECLARED: "Votre médecin traitant est déclaré : votre demande est close.",
    PatientStatus.WITHDRAWN: "Vous vous êtes désinscrit(e) : votre demande est close. Vous pouvez vous réinscrire "
    "à tout moment.",
}
STEP_LABELS = {
    PatientStatus.PROPOSED: "Votre demande a été transmise à un médecin",
    PatientStatus.ACCEPTED: "Un médecin a accepté",
    PatientStatus.INFORMED: "Vous avez été informé(e)",
    PatientStatus.DECLARED: "Médecin traitant déclaré",
    PatientStatus.WITHDRAWN: "Désinscription",
    PatientStatus.WAITING: "Retour sur la liste d'attente",
}
SHOWN_FIELDS = ["status", "events"]


@public_page("suivi/<str:token>/")
@allow("GET", "POST", check=None)
def mt_patient_status(request, token):
    if (refused := throttled.refused_post(request, "mt_patient_status", link=True)) is not None:
        return refused
    patient = services.patient_of_token(token)
    context = {"title": "Suivi de ma demande de médecin traitant", "breadcrumb_data": breadcrumb("Suivi de ma demande")}
    if patient is None:
        return render(request, "mt/link_invalid.html", context, status=404)
    page_url = reverse("mt_patient_status", args=[token])
    if request.method == "POST":
        if request.POST.get("confirm") == "1" and patient.is_open:
            try:
                services.withdraw(patient, note="lien personnel")
            except ValidationError:
                pass  # closed meanwhile: the page says so
            else:
                messages.success(request, "Vous êtes désinscrit(e) de la liste d'attente.")
        return redirect(page_url)
    return render_status(request, patient, token)


def render_status(request, patient, token, *, export_error: str = "", status: int = 200):
    """The status page (a read of the status and steps, journaled)."""
    journal.record(
        journal.Action.READ, patient, fields=SHOWN_FIELDS, cpts_id=patient.cpts_id, note="lien personnel du patient"
    )
    context = {"title": "Suivi de ma demande de médecin traitant", "breadcrumb_data": breadcrumb("Suivi de ma demande")}
    accepted = patient.proposals.filter(status__in=DOCTOR_NAMED).select_related("offer__doctor").first()
    context.update(
        {
            "patient": patient,
            "cpts": patient.cpts,
            "explanation": EXPLANATIONS[patient.status],
            "steps": [
                (event.at, STEP_LABELS.get(event.to_status, PatientStatus(event.to_status).label))
                for event in patient.events.all()
            ],
            "doctor": accepted.offer.doctor if accepted else None,
            "confirming": request.GET.get("desinscription") == "1" and patient.is_open,
            "page_url": reverse("mt_patient_status", args=[token]),
            "export_error": export_error,
            "export_pdf_url": reverse("mt_patient_status_export", args=[token, "pdf"]),
            "export_json_url": reverse("mt_patient_status_export", args=[token, "json"]),
        }
    )
    return render(request, "mt/status.html", context, status=status)
