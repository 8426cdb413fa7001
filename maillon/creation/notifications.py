"""Telling people about a CPTS being created, through the one notification mechanism (queued on
commit by `services`, sent by the worker, once per message and recipient).

- The **promoters** of a lettre d'intention have no account: their contact receives, at the
  address of the letter, each step of its examination with the private follow-up link (built
  here in the worker: the signed link never sits in the queue).
- The **ARS authorities** of the letter's région are told a letter arrived or was answered (its
  name and its territory's size only; the promoters' names stay on the page).
- A submitted **projet de santé** goes to the authorities (ARS and Assurance Maladie) over the
  CPTS; each decision goes to the CPTS's coordinators.
"""

from django.db.models import Q
from django.urls import reverse

from maillon.core.models import CptsRole, CptsRoleKind, User
from maillon.core.notifications import kinds, sending
from maillon.organisations.models import OrganisationKind
from maillon.organisations.services import kind_of
from maillon.territories.models import TerritoryRole, TerritoryRoleKind

from .models import LetterOfIntent, LetterStatus, ProjectReview, ProjectVersion, ReviewDecision

SIGNATURE = "Maillon — création des CPTS"


def follow_url(letter) -> str:
    from .services import follow_token

    return sending.absolute(reverse("creation_letter_follow", args=[follow_token(letter)]))


def _to_promoters(letter, what: str, subject: str, text: str, message_id: str) -> bool:
    content = sending.Content(
        subject=f"{letter.project_name} — {subject}",
        body=sending.letter(text, SIGNATURE, link=follow_url(letter), link_label="Suivre votre lettre d'intention :"),
    )
    recipient = sending.Recipient(key=f"letter:{letter.pk}", email=letter.contact_email)
    key = sending.message_key(kinds.CREATION_PROMOTERS, what, letter.pk, message_id=message_id)
    return sending.sent_any(sending.notify(kinds.CREATION_PROMOTERS, key, recipient, content))


def ars_deciders(region_code: str) -> list[User]:
    """The ARS authorities of the région (a role over it or one of its départements)."""
    roles = TerritoryRole.objects.filter(role=TerritoryRoleKind.AUTHORITY).filter(
        Q(region_id=region_code) | Q(departement__region_id=region_code)
    )
    ids = {role.user_id for role in roles if kind_of(role.organisation or "") == OrganisationKind.ARS}
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _to_ars(letter, what: str, text: str, message_id: str) -> int:
    path = reverse("creation_letter", args=[letter.pk])
    content = sending.Content(
        subject=f"Lettre d'intention — {letter.project_name}",
        body=sending.letter(text, SIGNATURE, link=sending.absolute(path), link_label="Examiner la lettre :"),
        url=path,
    )
    items = [(sending.Recipient.user(user), content) for user in ars_deciders(letter.region_id)]
    key = sending.message_key(kinds.CREATION_REVIEW, what, letter.pk, message_id=message_id)
    outcomes = sending.notify_many(kinds.CREATION_REVIEW, key, items)
    return sum(1 for outcome in outcomes.values() if sending.sent_any(outcome))


@sending.notification_task()
def send_letter_filed(letter_pk: int, message_id: str = "") -> int:
    letter = LetterOfIntent.objects.filter(pk=letter_pk).first()
    if letter is None:
        return 0
    sent = _to_promoters(
        letter,
        "filed",
        "lettre d'intention reçue",
        f"Votre lettre d'intention pour la CPTS « {letter.project_name} » est bien arrivée à l'ARS "
        f"({letter.region.name}). Vous serez prévenus par courriel de chaque étape de son examen ; "
        "le lien ci-dessous vous permet à tout moment de la relire et, si l'ARS vous le demande, de "
        "répondre. Gardez-le pour vous : il ouvre votre lettre sans mot de passe.",
        message_id,
    )
    told = _to_ars(
        letter,
        "filed",
        f"Une lettre d'intention est déposée pour la CPTS « {letter.project_name} » "
        f"({letter.communes.count()} commune(s), {letter.population} habitants).",
        message_id,
    )
    return int(sent) + told


@sending.notification_task()
def send_letter_question(letter_pk: int, message_id: str = "") -> bool:
    letter = LetterOfIntent.objects.filter(pk=letter_pk, status=LetterStatus.INFORMATION_REQUESTED).first()
    if letter is None:
        return False
    question = letter.comments.filter(from_promoters=False).order_by("-at", "-pk").first()
    text = "L'ARS demande des compléments sur votre lettre d'intention"
    text += f" :\n\n{question.body}" if question else "."
    text += "\n\nRépondez depuis la page de votre lettre."
    return _to_promoters(letter, "question", "l'ARS demande des compléments", text, message_id)


@sending.notification_task()
def send_letter_answered(letter_pk: int, message_id: str = "") -> int:
    letter = LetterOfIntent.objects.filter(pk=letter_pk, status=LetterStatus.SUBMITTED).first()
    if letter is None:
        return 0
    return _to_ars(
        letter,
        "answered",
        f"Les porteurs de la CPTS « {letter.project_name} » ont répondu à vos questions.",
        message_id,
    )


@sending.notification_task()
def send_letter_decided(letter_pk: int, message_id: str = "") -> bool:
    letter = LetterOfIntent.objects.select_related("cpts").filter(pk=letter_pk).first()
    if letter is None or letter.is_open:
        return False
    if letter.status == LetterStatus.ACCEPTED:
        text = (
            f"L'ARS a accepté votre lettre d'intention : la CPTS « {letter.cpts or letter.project_name} » est créée "
            "sur Maillon, avec son territoire. Chaque porteur reçoit une invitation à rejoindre son espace comme "
            "coordinateur ou coordinatrice : vous y suivrez les étapes de la création, la subvention de démarrage "
            "et la rédaction du projet de santé."
        )
        return _to_promoters(letter, "accepted", "lettre d'intention acceptée", text, message_id)
    reason = letter.comments.filter(from_promoters=False).order_by("-at", "-pk").first()
    text = "L'ARS n'a pas retenu votre lettre d'intention."
    if reason:
        text += f"\n\nSon message : {reason.body}"
    return _to_promoters(letter, "refused", "décision sur votre lettre d'intention", text, message_id)


def authorities_over(cpts) -> list[User]:
    """The authorities of an ARS or of the Assurance Maladie over the CPTS (one query for the roles)."""
    roles = TerritoryRole.objects.over(cpts).filter(role=TerritoryRoleKind.AUTHORITY)
    funders = (OrganisationKind.ARS, OrganisationKind.ASSURANCE_MALADIE)
    rows = roles.values_list("user_id", "organisation")
    found = {user_id for user_id, name in rows if kind_of(name or "") in funders}
    return list(User.objects.filter(pk__in=found, is_active=True).order_by("pk"))


@sending.notification_task()
def send_project_submitted(version_pk: int, message_id: str = "") -> int:
    version = ProjectVersion.objects.select_related("cpts").filter(pk=version_pk).first()
    if version is None:
        return 0
    cpts = version.cpts
    path = reverse("creation_project", args=[cpts.slug])
    content = sending.from_cpts(
        cpts,
        f"projet de santé déposé (version {version.number})",
        f"La {cpts.name} dépose la version {version.number} de son projet de santé. "
        "L'ARS et l'Assurance Maladie le valident ou le renvoient avec leurs remarques.",
        url=path,
        link=sending.absolute(path),
        link_label="Lire le projet de santé :",
    )
    items = [(sending.Recipient.user(user), content) for user in authorities_over(cpts)]
    key = sending.message_key(kinds.CREATION_REVIEW, "project", version.pk)
    outcomes = sending.notify_many(kinds.CREATION_REVIEW, key, items)
    return sum(1 for outcome in outcomes.values() if sending.sent_any(outcome))


@sending.notification_task()
def send_project_reviewed(review_pk: int, message_id: str = "") -> int:
    review = ProjectReview.objects.select_related("version__cpts").filter(pk=review_pk).first()
    if review is None:
        return 0
    version, cpts = review.version, review.version.cpts
    path = reverse("creation_project", args=[cpts.slug])
    if review.decision == ReviewDecision.RETURNED:
        text = (
            f"{review.get_funder_display()} renvoie la version {version.number} du projet de santé avec ses remarques :"
            f"\n\n{review.comments}\n\nUne nouvelle version part de celle-ci."
        )
    else:
        text = f"{review.get_funder_display()} valide la version {version.number} du projet de santé."
        if version.status == "validated":
            text += " Validé par l'ARS et l'Assurance Maladie, le projet de santé est validé."
    content = sending.from_cpts(
        cpts, "décision sur le projet de santé", text, url=path, link=sending.absolute(path), link_label="Le projet :"
    )
    coordinators = User.objects.filter(
        pk__in=CptsRole.objects.for_cpts(cpts).filter(role=CptsRoleKind.COORDINATOR).values("user_id"), is_active=True
    ).order_by("pk")
    items = [(sending.Recipient.user(user), content) for user in coordinators]
    key = sending.message_key(kinds.CREATION_PROJECT, "review", review.pk)
    outcomes = sending.notify_many(kinds.CREATION_PROJECT, key, items)
    return sum(1 for outcome in outcomes.values() if sending.sent_any(outcome))
