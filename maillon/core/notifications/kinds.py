"""The kinds of messages a person can receive, their channels, and the preference page's labels.

A kind is declared here once (its name is a plain string: `core` imports no app); the apps
send with `sending.notify(kind=…)`. `critical` kinds cannot be switched off: a person may
choose among their channels, never none.
"""

from dataclasses import dataclass

from .models import Channel


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    channels: tuple[str, ...]
    critical: bool = False
    # Shown on the preferences page (messages to people with an account).
    listed: bool = True


MT_PATIENT = "mt.patient"
MT_DOCTOR = "mt.doctor"
SNP_DUTY_CALL = "snp.duty_call"
SNP_ESCALATION = "snp.escalation"
SNP_BOOKING_CANCELLED = "snp.booking_cancelled"
MEETINGS_INVITATION = "meetings.invitation"
MEMBERS_MAILING = "members.mailing"
CRISIS_ALERT = "crisis.alert"
PATHWAYS_BREAK = "pathways.break"
PATHWAYS_REMINDER = "pathways.reminder"
PREVENTION_REGISTRANT = "prevention.registrant"
DISCUSSIONS_MESSAGE = "discussions.message"
DISCUSSIONS_DIGEST = "discussions.digest"
DISCUSSIONS_SIGNUP = "discussions.signup"
CREATION_PROMOTERS = "creation.promoters"
CREATION_REVIEW = "creation.review"
CREATION_PROJECT = "creation.project"
SUPPORT_APPLICANT = "support.applicant"
SUPPORT_APPLICATION = "support.application"
SUPPORT_AD = "support.ad"
ACCOUNT = "account"

ALL_CHANNELS = (Channel.IN_APP, Channel.EMAIL, Channel.SMS)
SITE_AND_EMAIL = (Channel.IN_APP, Channel.EMAIL)

KINDS = {
    kind.name: kind
    for kind in [
        # Patients have no account: their messages carry their own private link (unsubscribe).
        Kind(MT_PATIENT, "Guichet médecin traitant : messages aux patients", (Channel.EMAIL,), listed=False),
        Kind(MT_DOCTOR, "Guichet médecin traitant : patients proposés et réponses", SITE_AND_EMAIL),
        Kind(SNP_DUTY_CALL, "Soins non programmés : demandes qui attendent un volontaire", SITE_AND_EMAIL),
        Kind(SNP_ESCALATION, "Soins non programmés : demandes sans volontaire (coordination)", SITE_AND_EMAIL),
        # Critical: without it the requester would not know their appointment is gone.
        Kind(
            SNP_BOOKING_CANCELLED,
            "Soins non programmés : rendez-vous annulés par le professionnel",
            SITE_AND_EMAIL,
            critical=True,
        ),
        Kind(MEETINGS_INVITATION, "Réunions : invitations, dates, changements, annulations", SITE_AND_EMAIL),
        Kind(MEMBERS_MAILING, "Messages de la coordination aux adhérents", (Channel.EMAIL,)),
        Kind(PATHWAYS_BREAK, "Parcours : ruptures repérées chez vos patients (référent, coordination)", SITE_AND_EMAIL),
        # Patients have no account: the consent and the stop are on their inclusion, each message
        # carries its one-click opt-out link (maillon/pathways/reminders.py).
        Kind(
            PATHWAYS_REMINDER,
            "Parcours : rappels aux patients de leurs rendez-vous",
            (Channel.EMAIL, Channel.SMS),
            listed=False,
        ),
        # People registered for a public session have no account: confirmation, waiting list,
        # seat freed, the day-before reminder, the session cancelled; each carries its cancel link.
        Kind(
            PREVENTION_REGISTRANT,
            "Prévention : messages aux inscrits des séances publiques",
            (Channel.EMAIL,),
            listed=False,
        ),
        # Each space's own choice (every message, mentions only, a daily digest, nothing) is on
        # the person's row in the space; these say on which channels (maillon/discussions/notifications.py).
        Kind(DISCUSSIONS_MESSAGE, "Espaces de discussion : nouveaux messages et mentions", SITE_AND_EMAIL),
        Kind(DISCUSSIONS_DIGEST, "Espaces de discussion : résumé quotidien", (Channel.EMAIL,)),
        # To the person who asked to join a regional group (they may have no account yet), and to
        # its pilot team when a request arrives.
        Kind(DISCUSSIONS_SIGNUP, "Groupes régionaux : demandes d'inscription et réponses", SITE_AND_EMAIL),
        # The promoters of a lettre d'intention have no account yet: each message carries their
        # private follow-up link (maillon/creation/notifications.py).
        Kind(
            CREATION_PROMOTERS,
            "Création d'une CPTS : messages aux porteurs d'une lettre d'intention",
            (Channel.EMAIL,),
            listed=False,
        ),
        Kind(CREATION_REVIEW, "Création des CPTS : lettres d'intention et projets de santé à examiner", SITE_AND_EMAIL),
        Kind(CREATION_PROJECT, "Projet de santé : décisions de l'ARS et de l'Assurance Maladie", SITE_AND_EMAIL),
        # Trainees apply without an account: the receipt and the answer go to their address.
        Kind(
            SUPPORT_APPLICANT,
            "Accompagnement : messages aux candidats à un stage",
            (Channel.EMAIL,),
            listed=False,
        ),
        Kind(
            SUPPORT_APPLICATION,
            "Accompagnement : candidatures aux stages (coordination, maîtres de stage)",
            SITE_AND_EMAIL,
        ),
        Kind(SUPPORT_AD, "Accompagnement : annonces à modérer, publiées ou refusées", SITE_AND_EMAIL),
        Kind(CRISIS_ALERT, "Alertes de crise sanitaire", (Channel.EMAIL, Channel.SMS), critical=True),
        # The invitation, the second factor's enrolment link, the password reset: to the account's
        # address only, never switched off.
        Kind(ACCOUNT, "Compte : invitation, connexion, mot de passe", (Channel.EMAIL,), critical=True, listed=False),
    ]
}


def listed() -> list[Kind]:
    return [kind for kind in KINDS.values() if kind.listed]
