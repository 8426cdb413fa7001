"""E-mails of the médecin traitant desk, sent by background tasks once the write commits.

Nothing medical and no name in an e-mail: the patient gets their private link, the doctor
a link to the proposal behind the login. Tasks take ids only (a task's arguments are stored
in the queue). A failed sending (SMTP, connection) is logged with ids and the exception's
class only, and the task returns False: an SMTP error may quote addresses, and neither the
logs nor the task result store hold any.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from .models import Patient, Proposal, ProposalStatus

logger = logging.getLogger(__name__)


def on_commit(task_function, *args) -> None:
    """Enqueue the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(task_function.enqueue, *args), robust=True)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def patient_link(patient: Patient) -> str:
    from .services import private_link_token  # services import this module

    return _absolute(reverse("mt_patient_status", args=[private_link_token(patient)]))


def _mail(subject: str, body: str, to: str, *, what: str, object_id) -> bool:
    """Send one e-mail; on failure log only what was sent, the object's id and the error's class."""
    try:
        send_mail(subject, body, None, [to])
    except Exception as error:  # never re-raised: its message may carry the address
        logger.error("MT e-mail %s for n° %s failed (%s)", what, object_id, type(error).__name__)
        return False
    return True


def _send_to_patient(patient: Patient, subject: str, body: str) -> bool:
    if not patient.email:
        return False  # reached by phone by the coordination
    text = (
        "Bonjour,\n\n"
        f"{body}\n\n"
        "Suivre votre demande ou vous désinscrire (lien personnel, ne le transmettez pas) :\n"
        f"{patient_link(patient)}\n\n"
        f"{patient.cpts.name}\n"
    )
    return _mail(f"{patient.cpts.name} — {subject}", text, patient.email, what="to patient", object_id=patient.pk)


@task()
def send_registration_acknowledgement(patient_id: int) -> bool:
    patient = Patient.objects.select_related("cpts").filter(pk=patient_id).first()
    if patient is None:
        return False
    return _send_to_patient(
        patient,
        "votre inscription pour trouver un médecin traitant",
        "Votre inscription sur la liste d'attente pour trouver un médecin traitant est enregistrée. "
        "La coordination vous recontactera dès qu'un médecin du territoire pourra vous accueillir.",
    )


@task()
def send_registration_reminder(patient_id: int) -> bool:
    patient = Patient.objects.select_related("cpts").filter(pk=patient_id).first()
    if patient is None or not patient.is_open:
        return False
    return _send_to_patient(
        patient,
        "votre inscription est déjà enregistrée",
        "Une nouvelle demande d'inscription a été faite à votre nom : vous étiez déjà inscrit(e), "
        "rien n'a changé. Votre place dans la liste d'attente est conservée.",
    )


@task()
def send_proposal_to_doctor(proposal_id: int) -> bool:
    proposal = Proposal.objects.select_related("offer__doctor", "patient__cpts").filter(pk=proposal_id).first()
    if proposal is None or not proposal.offer.doctor.email:
        return False
    cpts = proposal.patient.cpts
    url = _absolute(reverse("mt_proposal", args=[cpts.slug, proposal.pk]))
    return _mail(
        f"{cpts.name} — un patient vous est proposé comme médecin traitant",
        "Bonjour,\n\nLa coordination vous propose un nouveau patient, selon l'offre que vous avez ouverte. "
        f"Merci de répondre avant le {proposal.expires_at:%d/%m/%Y} :\n{url}\n\n{cpts.name}\n",
        proposal.offer.doctor.email,
        what="proposal to doctor",
        object_id=proposal.pk,
    )


PATIENT_MESSAGES = {
    ProposalStatus.ACCEPTED: (
        "un médecin traitant peut vous accueillir",
        "Un médecin du territoire accepte de devenir votre médecin traitant. "
        "La coordination vous contacte pour vous donner ses coordonnées.",
    ),
    ProposalStatus.DECLARED: (
        "votre médecin traitant est déclaré",
        "Votre médecin traitant est déclaré : votre demande est close. Bonne santé !",
    ),
    ProposalStatus.REFUSED_BY_DOCTOR: (
        "nous cherchons un autre médecin",
        "Le médecin sollicité ne peut pas vous accueillir. Votre demande reste sur la liste d'attente "
        "et nous cherchons un autre médecin du territoire.",
    ),
    ProposalStatus.EXPIRED: (
        "nous cherchons un autre médecin",
        "Le médecin sollicité n'a pas pu donner suite. Votre demande reste sur la liste d'attente "
        "et nous cherchons un autre médecin du territoire.",
    ),
    ProposalStatus.WITHDRAWN: (
        "votre désinscription",
        "Vous êtes désinscrit(e) de la liste d'attente. Vous pouvez vous réinscrire à tout moment.",
    ),
}


@task()
def send_transition(proposal_id: int, status: str) -> bool:
    """Tell the patient what changed for them; the doctor hears of a patient's refusal."""
    proposal = Proposal.objects.select_related("offer__doctor", "patient__cpts").filter(pk=proposal_id).first()
    if proposal is None:
        return False
    sent = False
    if status in PATIENT_MESSAGES:
        subject, body = PATIENT_MESSAGES[status]
        sent = _send_to_patient(proposal.patient, subject, body)
    if status in (ProposalStatus.REFUSED_BY_PATIENT, ProposalStatus.WITHDRAWN) and proposal.offer.doctor.email:
        cpts = proposal.patient.cpts
        sent = (
            _mail(
                f"{cpts.name} — une proposition de patient est close",
                "Bonjour,\n\nUn patient qui vous avait été proposé ne donnera pas suite. "
                f"La place reste ouverte dans votre offre.\n\n{cpts.name}\n",
                proposal.offer.doctor.email,
                what="closed proposal to doctor",
                object_id=proposal.pk,
            )
            or sent
        )
    return sent


@task()
def send_answer_entered_for_doctor(proposal_id: int, status: str) -> bool:
    """The doctor's answer was entered by the coordination: the doctor gets a confirmation
    (and can object if it is not what they said)."""
    proposal = Proposal.objects.select_related("offer__doctor", "patient__cpts").filter(pk=proposal_id).first()
    if proposal is None or not proposal.offer.doctor.email:
        return False
    cpts = proposal.patient.cpts
    answer = "votre acceptation" if status == ProposalStatus.ACCEPTED else "votre refus"
    url = _absolute(reverse("mt_proposal", args=[cpts.slug, proposal.pk]))
    return _mail(
        f"{cpts.name} — votre réponse à une proposition est enregistrée",
        f"Bonjour,\n\nLa coordination a enregistré pour vous {answer} du patient proposé "
        f"(proposition n° {proposal.pk}). Si ce n'est pas votre réponse, prévenez-la :\n{url}\n\n{cpts.name}\n",
        proposal.offer.doctor.email,
        what="answer entered for doctor",
        object_id=proposal.pk,
    )
