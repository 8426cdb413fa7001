"""Messages of the médecin traitant desk, through the one notification mechanism
(`maillon.core.notifications.sending`): queued on commit, sent by the worker, once per
(message, recipient, channel), the doctor's preferences applied.

Nothing medical and no name in a message: the patient gets their private link, the doctor a
link to the proposal behind the login. Tasks take ids only; each returns whether something
was sent.
"""

from django.urls import reverse

from maillon.core.notifications import kinds, sending
from maillon.core.notifications.sending import on_commit

from .models import Patient, Proposal, ProposalStatus

__all__ = ["on_commit"]


def patient_link(patient: Patient) -> str:
    from .services import private_link_token  # services import this module

    return sending.absolute(reverse("mt_patient_status", args=[private_link_token(patient)]))


def _to_patient(patient: Patient, subject: str, body: str, message: str) -> bool:
    if not patient.email:
        return False  # reached by phone by the coordination
    content = sending.from_cpts(
        patient.cpts,
        subject,
        body,
        link=patient_link(patient),
        link_label="Suivre votre demande ou vous désinscrire (lien personnel, ne le transmettez pas) :",
    )
    recipient = sending.Recipient(key=f"patient:{patient.pk}", email=patient.email)
    return sending.sent_any(sending.notify(kinds.MT_PATIENT, message, recipient, content))


def _to_doctor(proposal: Proposal, subject: str, body: str, message: str) -> bool:
    cpts = proposal.patient.cpts
    url = reverse("mt_proposal", args=[cpts.slug, proposal.pk])
    content = sending.from_cpts(cpts, subject, body.format(url=sending.absolute(url)), url=url)
    recipient = sending.Recipient.professional(proposal.offer.doctor)
    return sending.sent_any(sending.notify(kinds.MT_DOCTOR, message, recipient, content))


def _proposal(proposal_id):
    return Proposal.objects.select_related("offer__doctor", "patient__cpts").filter(pk=proposal_id).first()


@sending.notification_task()
def send_registration_acknowledgement(patient_id: int, message_id: str = "") -> bool:
    patient = Patient.objects.select_related("cpts").filter(pk=patient_id).first()
    if patient is None:
        return False
    return _to_patient(
        patient,
        "votre inscription pour trouver un médecin traitant",
        "Votre inscription sur la liste d'attente pour trouver un médecin traitant est enregistrée. "
        "La coordination vous recontactera dès qu'un médecin du territoire pourra vous accueillir.",
        sending.message_key("mt.registration", patient_id, message_id=message_id),
    )


@sending.notification_task()
def send_registration_reminder(patient_id: int, message_id: str = "") -> bool:
    patient = Patient.objects.select_related("cpts").filter(pk=patient_id).first()
    if patient is None or not patient.is_open:
        return False
    return _to_patient(
        patient,
        "votre inscription est déjà enregistrée",
        "Une nouvelle demande d'inscription a été faite à votre nom : vous étiez déjà inscrit(e), "
        "rien n'a changé. Votre place dans la liste d'attente est conservée.",
        sending.message_key("mt.reminder", patient_id, message_id=message_id),
    )


@sending.notification_task()
def send_proposal_to_doctor(proposal_id: int, message_id: str = "") -> bool:
    proposal = _proposal(proposal_id)
    if proposal is None:
        return False
    return _to_doctor(
        proposal,
        "un patient vous est proposé comme médecin traitant",
        "La coordination vous propose un nouveau patient, selon l'offre que vous avez ouverte. "
        f"Merci de répondre avant le {proposal.expires_at:%d/%m/%Y} :\n{{url}}",
        sending.message_key("mt.proposal", proposal_id, message_id=message_id),
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


@sending.notification_task()
def send_transition(proposal_id: int, status: str, message_id: str = "") -> bool:
    """Tell the patient what changed for them; the doctor hears of a patient's refusal."""
    proposal = _proposal(proposal_id)
    if proposal is None:
        return False
    message = sending.message_key("mt.transition", proposal_id, status, message_id=message_id)
    sent = False
    if status in PATIENT_MESSAGES:
        subject, body = PATIENT_MESSAGES[status]
        sent = _to_patient(proposal.patient, subject, body, message)
    if status in (ProposalStatus.REFUSED_BY_PATIENT, ProposalStatus.WITHDRAWN):
        closed = _to_doctor(
            proposal,
            "une proposition de patient est close",
            "Un patient qui vous avait été proposé ne donnera pas suite. La place reste ouverte dans votre offre.",
            message,
        )
        sent = closed or sent
    return sent


@sending.notification_task()
def send_answer_entered_for_doctor(proposal_id: int, status: str, message_id: str = "") -> bool:
    """The doctor's answer was entered by the coordination: the doctor gets a confirmation
    (and can object if it is not what they said)."""
    proposal = _proposal(proposal_id)
    if proposal is None:
        return False
    answer = "votre acceptation" if status == ProposalStatus.ACCEPTED else "votre refus"
    return _to_doctor(
        proposal,
        "votre réponse à une proposition est enregistrée",
        f"La coordination a enregistré pour vous {answer} du patient proposé "
        f"(proposition n° {proposal.pk}). Si ce n'est pas votre réponse, prévenez-la :\n{{url}}",
        sending.message_key("mt.answer_entered", proposal_id, status, message_id=message_id),
    )
