"""Discussion spaces of the demo (issue 17): each demo CPTS's spaces with a few weeks of
history, and a regional group hosted by the URPS of the midwives, across two CPTS.

In each CPTS (`ensure_cpts_history`): the space of all members and the mission spaces
(`services.ensure_cpts_spaces`), a working group the coordinator created with four people,
topics over the past six weeks — a welcome note pinned by the coordinator with the charter
(PDF), a new nurse in one of the communes, the Easter weekend rota, colorectal screening kits in
pharmacies, the working group's minutes (PDF) — one message edited by its author, one
advertisement hidden by the coordinator with the reason, and mentions of the demo member
account that it has not read (its home counts them).

The regional group « Sages-femmes libérales et CPTS » (`ensure_regional_group`), hosted by the
« URPS Sages-femmes Île-de-France » whose manager account created it: midwives of two CPTS, a
pilot team of three, two moderators (the manager and an elected midwife), the CPTS's
coordinators; its sign-up questions, one request accepted and two waiting; a quarterly visio
(the 2nd Tuesday, 20 h) with its past session's replay and minutes; a participant muted after
repeated advertisements, with the reason.

Only people with an account write. Besides the coordinators and the member account, a few
adherents of each CPTS (a GP, a pharmacist, a nurse, a physiotherapist, the midwives of the
regional group) get an account here, linked to their card, without a password: characters of
the story, not logins of the demo. Messages go through the services (the NIR check, mentions,
read state, counts), then are dated with `.update()`. Nothing is sent: the messages the
services queue are dropped before the demo's transaction commits (`prevention.nothing_sent`).
No message names a patient or holds an identifier.

Idempotent: a CPTS whose space of all members has topics, and a group that exists, are left
alone.
"""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Min
from django.utils import timezone

from maillon.core import pdf
from maillon.core.models import Cpts, CptsRole, CptsRoleKind, User
from maillon.discussions import services
from maillon.discussions.models import (
    DiscussionSpace,
    Message,
    MessageEvent,
    Participant,
    ParticipantEvent,
    ParticipantRole,
    SignupEvent,
    SignupRequest,
    SpaceKind,
    Topic,
)
from maillon.meetings.models import MeetingSeries, SeriesSession
from maillon.members.models import Membership, MembershipStatus
from maillon.members.professions import Profession, Specialty
from maillon.organisations.models import Organisation
from maillon.territories.models import TerritoryCommune

from .documents import document_pdf
from .mt import FEMALE_FIRST_NAMES
from .prevention import nothing_sent

EMAIL_DOMAIN = "example.org"
ORGANISATION = "URPS Sages-femmes Île-de-France"
GROUP_NAME = "Sages-femmes libérales et CPTS"
GROUP_DESCRIPTION = (
    "Le groupe d'entraide des sages-femmes libérales d'Île-de-France et de leurs CPTS : les questions du "
    "quotidien, les retours d'expérience, une visio chaque trimestre. Porté par l'URPS Sages-femmes."
)
SIGNUP_QUESTIONS = [
    ("Depuis combien d'années exercez-vous en libéral ?", True),
    ("Êtes-vous adhérente d'une CPTS ? Laquelle ?", True),
    ("Qu'attendez-vous de ce groupe ?", False),
]
# The quarterly visio: the 2nd Tuesday of every third month, 20 h, an hour and a half.
VISIO_RULE = "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"
VISIO_URL = "https://visio.example.org/urps-sf-idf/trimestrielle"
REPLAY_URL = "https://replay.example.org/urps-sf-idf/visio-trimestrielle-1"
WORKING_GROUP = "Groupe de travail — Soins non programmés"
HIDDEN_REASON = "Annonce commerciale : la charte de l'espace exclut la publicité."
MUTE_REASON = "Annonces commerciales répétées malgré le rappel de la charte."
# The CPTS whose midwives the regional group brings together: (CPTS, midwives taken).
GROUP_CPTS = (("plaine-de-versailles", 4), ("boucle-de-seine", 3))


# --- The story: who writes what, when ----------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A message `days` ago at `hour`:`minute`, by the character `who`; `text` names characters
    as {gp}, their first name as {gp_first}, a commune as {commune}."""

    days: int
    hour: int
    minute: int
    who: str
    text: str
    edited: str = ""  # the text its author put instead, a few minutes later
    hidden_by: str = ""  # the moderator who hid it (reason: `HIDDEN_REASON`)
    muted_by: str = ""  # the moderator who then muted its author (reason: `MUTE_REASON`)
    attachment: str = ""  # a PDF joined to it: a key of `ATTACHMENTS`


@dataclass(frozen=True)
class Thread:
    space: str  # "members", "wg", "group" or a mission number as text
    title: str
    lines: tuple[Line, ...]
    pinned_by: str = ""


CPTS_THREADS = (
    Thread(
        "members",
        "Bienvenue dans l'espace de discussion de la CPTS",
        (
            Line(
                40,
                9,
                0,
                "coord",
                "Bonjour à toutes et à tous ! Cet espace remplace nos groupes WhatsApp : seules les personnes "
                "de la CPTS le lisent. Une seule règle : aucune information sur un patient ici (ni nom, ni date de "
                "naissance, ni numéro de sécurité sociale). Pour un patient, passez par l'outil de parcours de la "
                "CPTS ou par votre messagerie sécurisée de santé (MSSanté). La charte est jointe.",
                attachment="charter",
            ),
            Line(40, 12, 15, "pharma", "Merci {coord_first}, enfin un espace qui ne se mélange pas avec la famille !"),
            Line(
                39,
                8,
                5,
                "gp",
                "Bonne initiative. Est-ce qu'on peut ne recevoir qu'un résumé par jour plutôt qu'un courriel "
                "par message ?",
            ),
            Line(
                39,
                9,
                30,
                "coord",
                "Oui : dans chaque espace, « Me prévenir » puis « Un résumé quotidien par courriel ». Par défaut, "
                "vous n'êtes prévenus que quand quelqu'un vous mentionne en écrivant @ suivi de votre prénom et "
                "de votre nom.",
            ),
        ),
        pinned_by="coord",
    ),
    Thread(
        "4",
        "Exercice de la chaîne d'alerte : vos retours",
        (
            Line(
                30,
                17,
                45,
                "coord",
                "Merci pour l'exercice de mardi : plus de trois quarts des réponses en moins d'une heure. Avez-vous "
                "eu des difficultés avec le SMS ou l'appel ?",
            ),
            Line(
                30,
                19,
                10,
                "gp",
                "Reçu sur le portable du cabinet et pas sur le mien : j'ai corrigé mon numéro dans ma fiche.",
            ),
            Line(29, 8, 40, "pharma", "Tout est arrivé côté pharmacie, réponse faite en dix minutes."),
        ),
    ),
    Thread(
        "members",
        "Nouvelle infirmière sur {commune} ?",
        (
            Line(
                25,
                13,
                10,
                "gp",
                "Bonjour, on m'a parlé d'une nouvelle infirmière installée à {commune}, du côté de la mairie. "
                "Quelqu'un la connaît ? Je cherche du relais pour des pansements à domicile le week-end.",
            ),
            Line(
                25,
                18,
                40,
                "nurse",
                "Bonjour, c'est moi ! Installée depuis la rentrée au cabinet infirmier de la place de la mairie, "
                "à {commune}. Nous faisons les tournées à domicile sept jours sur sept avec ma collègue. Le plus "
                "simple : le secrétariat du cabinet, au 01 99 00 41 27.",
            ),
            Line(
                24,
                7,
                55,
                "member",
                "Bienvenue {nurse_first} ! Je vous adresserai mes demandes de soins à domicile, les ordonnances "
                "passent par la messagerie sécurisée.",
            ),
            Line(
                24,
                9,
                20,
                "pharma",
                "Bienvenue ! La pharmacie est juste à côté, nous pouvons vous dépanner en matériel de pansement "
                "le samedi matin.",
            ),
            Line(
                24,
                10,
                5,
                "coord",
                "Bienvenue dans la CPTS @{nurse} ! Je vous envoie le bulletin d'adhésion et je vous ajoute à "
                "l'annuaire.",
            ),
        ),
    ),
    Thread(
        "wg",
        "Ordre du jour de la réunion de lancement",
        (
            Line(
                22,
                8,
                30,
                "coord",
                "Proposition d'ordre du jour : 1) les créneaux réservés aux demandes du SAS, 2) le planning des "
                "vacances scolaires, 3) l'information des patients. Vos ajouts ?",
                edited="Proposition d'ordre du jour : 1) les créneaux réservés aux demandes du SAS, 2) le planning "
                "des vacances scolaires, 3) l'information des patients, 4) le bilan chiffré du premier mois. "
                "Vos ajouts ?",
            ),
            Line(21, 12, 50, "gp", "Ajoutons la question des visites à domicile en fin de journée."),
            Line(
                21,
                13,
                20,
                "pharma",
                "Je peux présenter les protocoles de dispensation en pharmacie (angine, cystite) : dix minutes.",
            ),
            Line(21, 18, 5, "member", "Je présenterai les chiffres du premier mois."),
            Line(
                9,
                18,
                30,
                "coord",
                "Le compte rendu est joint. Prochaine réunion dans un mois. Merci @{member} pour la "
                "présentation des chiffres !",
                attachment="minutes",
            ),
        ),
    ),
    Thread(
        "3",
        "Dépistage du cancer colorectal : relais en pharmacie",
        (
            Line(
                20,
                11,
                0,
                "pharma",
                "Bonjour, nous pouvons désormais remettre le kit de dépistage du cancer colorectal à l'officine, "
                "aux personnes de 50 à 74 ans. L'affiche et les flyers de la campagne de la CPTS sont au comptoir.",
            ),
            Line(
                20,
                13,
                0,
                "gp",
                "Très bien. J'oriente vers vous les personnes qui n'ont pas pu prendre le kit au cabinet.",
            ),
            Line(
                19,
                9,
                0,
                "coord",
                "Merci {pharma_first}. @{member}, tu pilotes la campagne : combien de kits faut-il prévoir pour "
                "l'atelier de la maison de santé ?",
            ),
            Line(
                17,
                15,
                30,
                "nurse",
                "J'en parlerai pendant mes tournées aux personnes concernées qui ne se déplacent plus.",
            ),
        ),
    ),
    Thread(
        "members",
        "Formation « Dos et posture » en janvier",
        (
            Line(
                18,
                21,
                40,
                "kine",
                "Je lance ma formation payante « Dos et posture » pour les soignants : 390 € la journée, "
                "remise de 10 % avec le code CPTS10 ! Inscriptions sur mon site.",
                hidden_by="coord",
            ),
            Line(
                18,
                22,
                15,
                "coord",
                "J'ai masqué l'annonce précédente : la charte de l'espace exclut la publicité. Une formation "
                "ouverte gratuitement aux adhérents peut être proposée au bureau.",
            ),
            Line(18, 22, 40, "kine", "Entendu, désolé. Je la proposerai au bureau."),
        ),
    ),
    Thread(
        "2",
        "Sorties d'hospitalisation le vendredi soir",
        (
            Line(
                15,
                19,
                20,
                "nurse",
                "Nous recevons souvent des sorties d'hospitalisation le vendredi après 18 h sans ordonnance de "
                "soins infirmiers. Comment faites-vous ?",
            ),
            Line(
                14,
                8,
                10,
                "gp",
                "Le service peut joindre le médecin traitant avant 16 h ; après, le médecin de garde peut rédiger "
                "l'ordonnance.",
            ),
            Line(
                14,
                9,
                45,
                "coord",
                "Je porte le sujet à la réunion avec l'hôpital du mois prochain : nous proposerons une fiche de "
                "liaison commune.",
            ),
        ),
    ),
    Thread(
        "1",
        "Garde du week-end de Pâques",
        (
            Line(
                12,
                10,
                0,
                "coord",
                "Bonjour, nous préparons déjà le tableau de garde du week-end de Pâques (samedi, dimanche et "
                "lundi). Il manque des médecins le lundi de 9 h à 13 h. Qui est disponible ?",
            ),
            Line(12, 12, 30, "gp", "Je prends le samedi matin, comme l'an dernier."),
            Line(11, 19, 10, "member", "Je peux faire le dimanche de 9 h à 13 h."),
            Line(
                11,
                20,
                0,
                "nurse",
                "Côté infirmier, le cabinet de {commune} assure les soins à domicile les trois jours.",
            ),
            Line(
                3,
                9,
                15,
                "coord",
                "Merci à vous ! Il reste le lundi matin. @{member}, @{gp}, l'un de vous peut-il le prendre ? "
                "Sinon je préviens la régulation.",
            ),
        ),
    ),
)


def group_threads(visio_day: datetime.date, next_visio: datetime.date, today: datetime.date) -> tuple[Thread, ...]:
    visio_days = (today - visio_day).days
    visio, following = french_date(visio_day), french_date(next_visio)
    return (
        Thread(
            "group",
            "Bienvenue et charte du groupe",
            (
                Line(
                    98,
                    9,
                    0,
                    "manager",
                    "Bienvenue dans le groupe « Sages-femmes libérales et CPTS », porté par l'URPS. L'équipe "
                    "pilote : @{pilot1}, @{pilot2} et @{pilot3}. La modération : l'URPS et @{moderator}. "
                    "Rappel : aucune donnée de patiente ici ; pour un cas, passez par votre messagerie "
                    "sécurisée (MSSanté).",
                ),
                Line(98, 12, 40, "pilot1", "Merci ! Un espace commun aux deux CPTS nous manquait."),
                Line(97, 8, 15, "pilot3", "Bonjour à toutes et à tous : en libéral depuis douze ans, à votre écoute."),
            ),
            pinned_by="manager",
        ),
        Thread(
            "group",
            "Entretien prénatal précoce : quelle organisation avec votre CPTS ?",
            (
                Line(
                    80,
                    20,
                    45,
                    "pilot1",
                    "Dans notre CPTS, nous préparons un parcours autour de l'entretien prénatal précoce avec les "
                    "médecins généralistes et les pharmacies. Comment faites-vous ailleurs ?",
                ),
                Line(
                    79,
                    13,
                    5,
                    "moderator",
                    "Chez nous, les généralistes orientent vers une liste de sages-femmes disponibles, tenue par "
                    "la coordinatrice. Ça marche bien quand la liste est à jour.",
                ),
                Line(
                    78,
                    9,
                    30,
                    "coord_a",
                    "Côté CPTS, le temps passé à construire ce parcours peut être indemnisé sur la mission "
                    "parcours : parlons-en à la prochaine réunion.",
                ),
                Line(
                    75,
                    21,
                    0,
                    "midwife_a",
                    "Je veux bien participer au groupe de travail, surtout pour les futures mères isolées.",
                ),
            ),
        ),
        Thread(
            "group",
            "Sorties précoces de maternité : le relais avec la PMI",
            (
                Line(
                    60,
                    14,
                    20,
                    "pilot3",
                    "Les sorties à J2 se multiplient. Avez-vous un contact à la PMI pour les situations où la "
                    "visite à domicile ne peut pas se faire dans les 24 heures ?",
                ),
                Line(
                    59,
                    19,
                    50,
                    "pilot2",
                    "Oui, chaque antenne de PMI a une permanence téléphonique le matin ; je mets la liste des "
                    "numéros dans le prochain compte rendu de visio.",
                ),
                Line(
                    48,
                    20,
                    10,
                    "newcomer",
                    "Bonjour, je viens d'arriver dans le groupe : même difficulté de notre côté le week-end. "
                    "Merci pour la liste !",
                ),
            ),
        ),
        Thread(
            "group",
            f"Visio du {visio} : replay et compte rendu",
            (
                Line(
                    visio_days - 1,
                    10,
                    0,
                    "pilot2",
                    "Merci à toutes et à tous pour la visio d'hier soir ! Le replay et le compte rendu sont sur la "
                    f"page de la visio du groupe. Prochaine visio le {following}, même heure.",
                ),
                Line(
                    visio_days - 1,
                    12,
                    30,
                    "coord_b",
                    "Merci pour l'invitation. Nous relayerons la liste des sages-femmes disponibles auprès des "
                    "adhérents de la CPTS.",
                ),
            ),
        ),
        Thread(
            "group",
            "Formation en rééducation périnéale",
            (
                Line(
                    20,
                    22,
                    10,
                    "midwife_b",
                    "Je propose ma formation payante en rééducation périnéale, 450 € les deux jours, remise si "
                    "inscription avant la fin du mois. Écrivez-moi !",
                    hidden_by="manager",
                ),
                Line(
                    19,
                    21,
                    30,
                    "midwife_b",
                    "Je repose mon annonce, c'est une information utile pour toutes : 450 € les deux jours, "
                    "places limitées.",
                    hidden_by="manager",
                    muted_by="manager",
                ),
                Line(
                    19,
                    22,
                    0,
                    "manager",
                    "Rappel de la charte : pas d'annonce commerciale dans le groupe. Les formations peuvent être "
                    "proposées à l'URPS, qui les relaie quand elles sont ouvertes à toutes.",
                ),
            ),
        ),
        Thread(
            "group",
            "Cotation de la consultation post-natale à domicile",
            (
                Line(
                    10,
                    13,
                    40,
                    "moderator",
                    "Question pratique : comment cotez-vous la consultation post-natale quand elle a lieu à "
                    "domicile ? @{pilot1}, tu avais une fiche de l'URPS là-dessus ?",
                ),
                Line(
                    9, 8, 20, "pilot1", "Oui, je la dépose dans le prochain compte rendu ; en attendant, voyez l'URPS."
                ),
                Line(8, 19, 5, "newcomer", "Merci, je me posais la même question."),
            ),
        ),
    )


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(day: datetime.date) -> str:
    return f"{day.day}{'er' if day.day == 1 else ''} {MONTHS[day.month - 1]}"


# The PDF files joined to messages: key → (file name, title, paragraphs).
ATTACHMENTS = {
    "charter": (
        "charte-espace-discussion.pdf",
        "Charte de l'espace de discussion",
        [
            "Cet espace est réservé aux professionnels de la CPTS. On s'y entraide, on s'y informe, on s'y "
            "organise, avec courtoisie.",
            "Aucune information sur un patient : ni nom, ni date de naissance, ni numéro de sécurité sociale. "
            "Pour un patient, l'outil de parcours de la CPTS ou la messagerie sécurisée de santé (MSSanté).",
            "Pas de publicité ni d'annonce commerciale. La coordination peut masquer un message contraire "
            "à la charte, en indiquant pourquoi.",
        ],
    ),
    "minutes": (
        "compte-rendu-reunion-lancement.pdf",
        "Compte rendu de la réunion de lancement",
        [
            "Créneaux réservés aux demandes du SAS : deux par jour ouvré et par cabinet volontaire.",
            "Planning des vacances scolaires : tableau partagé, à compléter avant la fin du mois.",
            "Information des patients : affiche commune dans les cabinets et les pharmacies.",
            "Bilan chiffré du premier mois : présenté en séance, en hausse régulière.",
        ],
    ),
}


def attachment_file(key: str, cpts_name: str) -> SimpleUploadedFile:
    name, title, paragraphs = ATTACHMENTS[key]
    content = document_pdf(title, cpts_name, [pdf.Paragraph(text) for text in paragraphs])
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- Characters ----------------------------------------------------------------------------------


def ascii_name(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in plain.lower() if char.isalnum() or char in "-.")


def character_account(membership: Membership) -> User:
    """The adherent's account (its card's address), created without a password when missing, with
    a member's role in the CPTS and linked to the card."""
    professional = membership.professional
    if professional.user_id:
        user = professional.user
    else:
        email = (professional.email or "").strip().lower() or (
            f"{ascii_name(professional.first_name)}.{ascii_name(professional.last_name)}.{professional.pk}"
            f"@{EMAIL_DOMAIN}"
        )
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, first_name=professional.first_name, last_name=professional.last_name)
        professional.user = user
        professional.save(update_fields=["user"])
    CptsRole.objects.get_or_create(user=user, cpts=membership.cpts, defaults={"role": CptsRoleKind.MEMBER})
    return user


def adherents(cpts: Cpts, profession: str, *, specialty: str | None = None, member: User | None = None):
    """Active adherents of a profession, by adhesion order; the demo member account's card left out."""
    rows = (
        Membership.objects.for_cpts(cpts)
        .filter(status=MembershipStatus.ACTIVE, professional__isnull=False, professional__profession=profession)
        .select_related("professional__user", "cpts")
        .order_by("pk")
    )
    if specialty is not None:
        rows = rows.filter(professional__specialty=specialty)
    if member is not None:
        rows = rows.exclude(professional__user=member)
    return list(rows)


def is_female(membership: Membership) -> bool:
    return membership.professional.first_name in FEMALE_FIRST_NAMES


def cpts_characters(cpts: Cpts, coordinator: User, member: User | None) -> dict[str, User]:
    """coord, gp, member (the demo member account in its CPTS, else a second GP), pharma, nurse, kine."""
    people = {"coord": coordinator}
    gps = adherents(cpts, Profession.MEDECIN, specialty=Specialty.GENERAL_PRACTICE, member=member)
    own = member is not None and Membership.objects.for_cpts(cpts).filter(professional__user=member).exists()
    wanted = {
        "gp": gps[:1],
        "member": [] if own else gps[1:2],
        "pharma": adherents(cpts, Profession.PHARMACIEN)[:1],
        # « Nouvelle infirmière sur … ? »: a nurse with a woman's first name where there is one.
        "nurse": sorted(adherents(cpts, Profession.INFIRMIER), key=lambda row: not is_female(row))[:1],
        "kine": adherents(cpts, Profession.MASSEUR_KINESITHERAPEUTE)[:1],
    }
    for key, rows in wanted.items():
        if rows:
            people[key] = character_account(rows[0])
    if own:
        people["member"] = member
    # A role nobody fills in a small CPTS: the first GP (else the coordinator) speaks instead.
    for key in ("gp", "member", "pharma", "nurse", "kine"):
        people.setdefault(key, people.get("gp", coordinator))
    return people


def names(people: dict[str, User]) -> dict[str, str]:
    values = {}
    for key, user in people.items():
        values[key] = f"{user.first_name} {user.last_name}"
        values[f"{key}_first"] = user.first_name
    return values


# --- Writing the story ----------------------------------------------------------------------------


def moment(today: datetime.date, days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """`days` before `today` at `hour`:`minute` (Europe/Paris), never later than an hour ago."""
    day = today - datetime.timedelta(days=days)
    local = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return min(local, timezone.now() - datetime.timedelta(hours=1))


def at(today: datetime.date, line: Line) -> datetime.datetime:
    return moment(today, line.days, line.hour, line.minute)


def write_threads(threads, spaces: dict[str, DiscussionSpace], people, today, values) -> list[Topic]:
    """Every line of `threads` through the services, in the order of their dates (so the ids
    follow the dates, as the pages read them), then dated."""
    lines = sorted(
        (
            (at(today, line), index, number)
            for index, thread in enumerate(threads)
            for number, line in enumerate(thread.lines)
        ),
    )
    topics: dict[int, Topic] = {}
    for moment, index, number in lines:
        thread = threads[index]
        line = thread.lines[number]
        author = people[line.who]
        body = line.text.format(**values)
        files = [attachment_file(line.attachment, values.get("cpts", ""))] if line.attachment else []
        if number == 0:
            message = services.start_topic(
                spaces[thread.space], title=thread.title.format(**values), body=body, by=author, files=files
            )
            topics[index] = message.topic
        else:
            message = services.post_message(topics[index], body=body, by=author, files=files)
        Message.objects.filter(pk=message.pk).update(created_at=moment)
        if line.edited:
            services.edit_message(message, body=line.edited.format(**values), by=author)
            Message.objects.filter(pk=message.pk).update(edited_at=moment + datetime.timedelta(minutes=6))
        if line.hidden_by:
            services.hide_message(message, by=people[line.hidden_by], note=HIDDEN_REASON)
            MessageEvent.objects.filter(message=message).update(at=moment + datetime.timedelta(minutes=25))
        if line.muted_by:
            place = Participant.objects.get(space=message.space, user=author)
            services.mute(place, by=people[line.muted_by], note=MUTE_REASON)
            ParticipantEvent.objects.filter(participant=place).update(at=moment + datetime.timedelta(minutes=26))
    for index, topic in topics.items():
        dates = topic.messages.order_by("pk").values_list("created_at", flat=True)
        first, last = dates.first(), dates.last()
        Topic.objects.filter(pk=topic.pk).update(created_at=first, last_message_at=last)
        pinner = threads[index].pinned_by
        if pinner:
            services.pin_topic(topic, by=people[pinner])
            Topic.objects.filter(pk=topic.pk).update(pinned_at=first + datetime.timedelta(minutes=5))
    return list(topics.values())


def date_joins(space: DiscussionSpace, opened: datetime.datetime) -> None:
    """Each participant arrived with their first message in the space, else when it opened."""
    firsts = dict(
        Message.objects.filter(space=space).values_list("author_id").annotate(first=Min("created_at")).order_by()
    )
    for place in space.participants.all():
        Participant.objects.filter(pk=place.pk).update(joined_at=firsts.get(place.user_id, opened))


# --- A CPTS's spaces ------------------------------------------------------------------------------


def ensure_cpts_history(cpts: Cpts, coordinator: User, *, today: datetime.date, member: User | None = None):
    """The spaces of one CPTS and their history; None when left alone (dissolved, or written)."""
    if cpts.is_dissolved:
        return None
    services.ensure_cpts_spaces(cpts)
    spaces_of_cpts = DiscussionSpace.objects.for_cpts(cpts)
    members_space = spaces_of_cpts.get(kind=SpaceKind.MEMBERS)
    if members_space.topics.exists():
        return None
    people = cpts_characters(cpts, coordinator, member)
    communes = list(
        TerritoryCommune.objects.for_cpts(cpts)
        .current()
        .select_related("commune")
        .order_by("-commune__population", "commune_id")
        .values_list("commune__name", flat=True)[:2]
    ) or ["la commune"]
    values = {**names(people), "commune": communes[-1], "cpts": cpts.name}
    start = moment(today, 41, 8, 30)
    group_people = [people[key] for key in ("gp", "member", "pharma", "nurse")]
    working_group = services.create_working_group(
        cpts,
        name=WORKING_GROUP,
        description="Les créneaux de soins non programmés, le lien avec le SAS et les gardes.",
        users=list(dict.fromkeys(user for user in group_people if user != coordinator)),
        by=coordinator,
    )
    spaces = {"members": members_space, "wg": working_group}
    for space in spaces_of_cpts.filter(kind=SpaceKind.MISSION):
        spaces[str(space.mission)] = space
    threads = [thread for thread in CPTS_THREADS if thread.space in spaces]
    topics = write_threads(threads, spaces, people, today, values)
    DiscussionSpace.objects.filter(pk__in=[space.pk for space in spaces.values()]).update(created_at=start)
    for space in spaces.values():
        date_joins(space, start)
    return {"spaces": len(spaces), "topics": len(topics)}


# --- The regional group ---------------------------------------------------------------------------


def group_people(cpts_by_slug: dict[str, Cpts], manager: User) -> dict[str, User] | None:
    """The manager, the midwives of the two CPTS (nurses where midwives are too few), their
    coordinators."""
    pools = []
    for slug, count in GROUP_CPTS:
        cpts = cpts_by_slug.get(slug)
        if cpts is None or cpts.is_dissolved:
            return None
        rows = adherents(cpts, Profession.SAGE_FEMME) + adherents(cpts, Profession.INFIRMIER)
        if len(rows) < count:
            return None
        pools.append([character_account(row) for row in rows[:count]])
    (a1, a2, a3, a4), (b1, b2, b3) = pools
    coordinators = {
        key: CptsRole.objects.filter(cpts=cpts_by_slug[slug], role=CptsRoleKind.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
        for key, (slug, _) in zip(("coord_a", "coord_b"), GROUP_CPTS, strict=True)
    }
    people = {
        "manager": manager,
        "pilot1": a1,
        "pilot2": a2,
        "pilot3": b1,
        "moderator": b2,
        "midwife_a": a3,
        "midwife_b": a4,
        "newcomer": b3,
    }
    people.update({key: role.user for key, role in coordinators.items() if role is not None})
    return people


def second_tuesday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)


def visio_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The session held: the 2nd Tuesday of last month (17 to 54 days ago); the next, three
    months after it."""
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    held = second_tuesday(last_month.year, last_month.month)
    month = held.month + 3
    return held, second_tuesday(held.year + (month - 1) // 12, (month - 1) % 12 + 1)


def ensure_regional_group(cpts_by_slug: dict[str, Cpts], manager: User, *, today: datetime.date):
    """The group, its people, sign-ups, visio and history; None when left alone."""
    organisation = Organisation.objects.filter(name=ORGANISATION).first()
    if organisation is None or DiscussionSpace.objects.filter(organisation=organisation, name=GROUP_NAME).exists():
        return None
    people = group_people(cpts_by_slug, manager)
    if people is None:
        return None
    created = moment(today, 100, 10)
    space = services.create_regional_group(
        organisation, name=GROUP_NAME, description=GROUP_DESCRIPTION, questions=SIGNUP_QUESTIONS, by=manager
    )
    # The URPS moderates; the pilot team is three midwives.
    services.set_role(Participant.objects.get(space=space, user=manager), role=ParticipantRole.MODERATOR, by=manager)
    roles = {"pilot1": ParticipantRole.PILOT, "pilot2": ParticipantRole.PILOT, "pilot3": ParticipantRole.PILOT}
    roles["moderator"] = ParticipantRole.MODERATOR
    for key in ("pilot1", "pilot2", "pilot3", "moderator", "midwife_a", "midwife_b", "coord_a", "coord_b"):
        if key in people:
            services.add_participant(
                space, email=people[key].email, role=roles.get(key, ParticipantRole.PARTICIPANT), by=manager
            )
    signups(space, people, today, cpts_name=cpts_by_slug[GROUP_CPTS[1][0]].name)
    held, following = visio_dates(today)
    visio(space, manager, people["pilot2"], held)
    threads = group_threads(held, following, today)
    values = names(people)
    write_threads(threads, {"group": space}, people, today, values)
    DiscussionSpace.objects.filter(pk=space.pk).update(created_at=created)
    Participant.objects.filter(space=space).update(joined_at=created + datetime.timedelta(hours=2))
    newcomer = Participant.objects.filter(space=space, user=people["newcomer"])
    newcomer.update(joined_at=moment(today, 53, 18))
    return space


def signups(space: DiscussionSpace, people: dict[str, User], today: datetime.date, *, cpts_name: str) -> None:
    """One request accepted by a pilot (the newcomer, of the second CPTS), two waiting."""
    questions = [str(pk) for pk in space.signup_questions.order_by("position").values_list("pk", flat=True)]
    newcomer = people["newcomer"]
    card = getattr(newcomer, "professional", None)
    commune = card.practice_places.select_related("commune").first() if card is not None else None
    requests = [
        (
            services.SignupForm(
                first_name=newcomer.first_name,
                last_name=newcomer.last_name,
                email=newcomer.email,
                profession="Sage-femme" if card is None else card.get_profession_display(),
                practice_commune=commune.commune.name if commune is not None else "",
                cpts_name=cpts_name,
                answers=dict(
                    zip(
                        questions, ["6 ans", f"Oui, la {cpts_name}.", "Échanger sur les sorties précoces."], strict=True
                    )
                ),
            ),
            55,
        ),
        (
            services.SignupForm(
                first_name="Aurélie",
                last_name="Vasseur",
                email=f"aurelie.vasseur@{EMAIL_DOMAIN}",
                profession="Sage-femme",
                practice_commune="Plaisir",
                cpts_name="",
                answers=dict(
                    zip(questions, ["2 ans", "Pas encore : je cherche la CPTS de mon secteur.", ""], strict=True)
                ),
            ),
            4,
        ),
        (
            services.SignupForm(
                first_name="Nadia",
                last_name="Chérif",
                email=f"nadia.cherif@{EMAIL_DOMAIN}",
                profession="Sage-femme",
                practice_commune="Trappes",
                cpts_name="CPTS de Saint-Quentin-en-Yvelines",
                answers=dict(
                    zip(
                        questions,
                        ["15 ans", "Oui, à Saint-Quentin-en-Yvelines.", "Partager nos protocoles avec les PMI."],
                        strict=True,
                    )
                ),
            ),
            2,
        ),
    ]
    for form, days in requests:
        request = services.submit_signup(space, form)
        SignupRequest.objects.filter(pk=request.pk).update(created_at=moment(today, days, 9, 40))
    accepted = SignupRequest.objects.get(space=space, email__iexact=newcomer.email)
    services.accept_signup(accepted, by=people["pilot1"])
    SignupEvent.objects.filter(signuprequest=accepted).update(at=moment(today, 53, 18))


def visio(space: DiscussionSpace, manager: User, recorder: User, held: datetime.date) -> None:
    """The quarterly visio and its one session held: replay and short minutes."""
    starts_at = timezone.make_aware(datetime.datetime.combine(held, datetime.time(20)))
    series = MeetingSeries(
        title="Visio trimestrielle des sages-femmes libérales",
        rule=VISIO_RULE,
        first_starts_at=starts_at,
        duration_minutes=90,
        visio_url=VISIO_URL,
        created_by=manager,
    )
    series.full_clean()
    series.save()
    space.visio = series
    space.save(update_fields=["visio"])
    session = SeriesSession(
        series=series,
        starts_at=starts_at,
        replay_url=REPLAY_URL,
        minutes=(
            "23 participants, sages-femmes et coordinations des CPTS Plaine de Versailles et Boucle de Seine. "
            "1) L'entretien prénatal précoce : chaque CPTS tient une liste de sages-femmes disponibles. "
            "2) Les sorties précoces de maternité : la liste des permanences de PMI sera partagée. "
            "3) La cotation des consultations à domicile : une fiche de l'URPS à venir. "
            "Prochaine visio dans trois mois."
        ),
        recorded_by=recorder,
    )
    session.full_clean()
    session.save()


# --- Entry point ----------------------------------------------------------------------------------


@dataclass
class Loaded:
    cpts: dict[str, dict | None] = field(default_factory=dict)
    group: DiscussionSpace | None = None


def ensure_discussions(cpts_by_slug: dict[str, Cpts], coordinators: dict[str, User], *, manager, member, today):
    """Every demo CPTS's spaces and history, then the regional group; nothing sent."""
    loaded = Loaded()
    with nothing_sent(dropped=is_discussion_message):
        for slug, cpts in cpts_by_slug.items():
            loaded.cpts[slug] = ensure_cpts_history(cpts, coordinators[slug], today=today, member=member)
        loaded.group = ensure_regional_group(cpts_by_slug, manager, today=today)
    return loaded


def is_discussion_message(callback) -> bool:
    """A message the discussion services queue on commit (`sending.on_commit` of one of their tasks)."""
    task = getattr(getattr(callback, "func", None), "__self__", None)
    return getattr(task, "module_path", "").startswith("maillon.discussions.")
