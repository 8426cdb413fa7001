"""Telling people about mission 6, through the one notification mechanism (queued on commit by
the transitions and services, sent by the worker, once per message and recipient).

- An **application** to a placement: its receipt to the applicant (no account: their address),
  the news to the coordinators and to the placement's supervisor; the answer to the applicant.
- An **ad** submitted by a member goes to the coordinators to moderate; its publication or its
  refusal (with the reason) to its author.
"""

from django.urls import reverse

from maillon.core.models import CptsRole, CptsRoleKind, User
from maillon.core.notifications import kinds, sending

from .models import Ad, AdStatus, ApplicationStatus, PlacementApplication


def coordinators(cpts) -> list[User]:
    roles = CptsRole.objects.filter(cpts=cpts, role=CptsRoleKind.COORDINATOR).values("user_id")
    return list(User.objects.filter(pk__in=roles, is_active=True).order_by("pk"))


def _to_users(kind, what, obj_pk, users, content, message_id) -> int:
    key = sending.message_key(kind, what, obj_pk, message_id=message_id)
    outcomes = sending.notify_many(kind, key, [(sending.Recipient.user(user), content) for user in users])
    return sum(1 for outcome in outcomes.values() if sending.sent_any(outcome))


def _to_applicant(application, what: str, subject: str, text: str, message_id: str) -> bool:
    content = sending.from_cpts(application.cpts, subject, text)
    recipient = sending.Recipient(key=f"applicant:{application.pk}", email=application.email)
    key = sending.message_key(kinds.SUPPORT_APPLICANT, what, application.pk, message_id=message_id)
    return sending.sent_any(sending.notify(kinds.SUPPORT_APPLICANT, key, recipient, content))


def _deciders(application) -> list[User]:
    users = coordinators(application.cpts)
    placement = application.placement
    supervisor_user = placement.supervisor.membership.professional.user if placement else None
    if supervisor_user is not None and supervisor_user.is_active and supervisor_user not in users:
        users.append(supervisor_user)
    return users


@sending.notification_task()
def send_application_received(application_pk: int, message_id: str = "") -> int:
    application = (
        PlacementApplication.objects.select_related("cpts", "placement__supervisor__membership__professional__user")
        .filter(pk=application_pk)
        .first()
    )
    if application is None:
        return 0
    cpts = application.cpts
    what = str(application.placement) if application.placement else "une candidature spontanée"
    sent = _to_applicant(
        application,
        "received",
        "candidature reçue",
        f"Votre candidature ({what}) est bien arrivée à la {cpts.name}. Vous recevrez sa réponse à cette adresse.",
        message_id,
    )
    path = (
        reverse("placement_detail", args=[cpts.slug, application.placement_id])
        if application.placement_id
        else (reverse("application_list", args=[cpts.slug]))
    )
    content = sending.from_cpts(
        cpts,
        "nouvelle candidature à un stage",
        f"Une candidature est arrivée : {what} ({application.get_level_display().lower()}, {application.school}).",
        url=path,
        link=sending.absolute(path),
        link_label="La lire :",
    )
    return int(sent) + _to_users(
        kinds.SUPPORT_APPLICATION, "received", application.pk, _deciders(application), content, message_id
    )


@sending.notification_task()
def send_application_decided(application_pk: int, message_id: str = "") -> bool:
    application = PlacementApplication.objects.select_related("cpts", "placement").filter(pk=application_pk).first()
    if application is None or application.status == ApplicationStatus.RECEIVED:
        return False
    if application.status == ApplicationStatus.ACCEPTED:
        text = (
            f"Bonne nouvelle : votre candidature est retenue — {application.placement}. "
            "La coordination de la CPTS vous contacte pour préparer votre arrivée."
        )
        return _to_applicant(application, "accepted", "candidature retenue", text, message_id)
    text = (
        "Votre candidature n'a pas pu être retenue cette fois-ci. D'autres stages s'ouvrent chaque semestre : "
        "la page « Faire son stage ici » de la CPTS les présente."
    )
    return _to_applicant(application, "declined", "réponse à votre candidature", text, message_id)


@sending.notification_task()
def send_ad_submitted(ad_pk: int, message_id: str = "") -> int:
    ad = Ad.objects.select_related("cpts").filter(pk=ad_pk, status=AdStatus.SUBMITTED).first()
    if ad is None:
        return 0
    path = reverse("ad_detail", args=[ad.cpts.slug, ad.pk])
    content = sending.from_cpts(
        ad.cpts,
        "annonce à modérer",
        f"Une annonce attend votre relecture avant sa publication : « {ad.title} » ({ad.get_kind_display().lower()}).",
        url=path,
        link=sending.absolute(path),
        link_label="La relire :",
    )
    return _to_users(kinds.SUPPORT_AD, "submitted", ad.pk, coordinators(ad.cpts), content, message_id)


@sending.notification_task()
def send_ad_decided(ad_pk: int, message_id: str = "") -> int:
    ad = Ad.objects.select_related("cpts", "author").filter(pk=ad_pk).first()
    if ad is None or ad.author is None or not ad.author.is_active:
        return 0
    if ad.status == AdStatus.PUBLISHED:
        subject, text = "annonce publiée", f"Votre annonce « {ad.title} » est publiée."
    elif ad.status == AdStatus.REFUSED:
        subject = "annonce refusée"
        text = f"Votre annonce « {ad.title} » n'a pas été publiée. Motif : {ad.refusal_reason}"
    else:
        return 0
    path = reverse("ad_detail", args=[ad.cpts.slug, ad.pk])
    content = sending.from_cpts(ad.cpts, subject, text, url=path, link=sending.absolute(path), link_label="La voir :")
    return _to_users(kinds.SUPPORT_AD, ad.status, ad.pk, [ad.author], content, message_id)
