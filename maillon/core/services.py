"""Writes of `core` that several faces share (the pages and the API)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from . import journal
from .models import Cpts, CptsRole, CptsRoleKind, CptsStatus, User
from .notifications.sending import absolute, account_email, notification_task, on_commit


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a reset link, under its own salt: a reset link cannot accept an invitation.

    The token hashes the password and the last login, so it stops working once
    the password is set; it expires after settings.PASSWORD_RESET_TIMEOUT.
    """

    key_salt = "maillon.core.services.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()


@transaction.atomic
def create_cpts(*, by, name, **fields) -> Cpts:
    """A new CPTS on the platform, at its first step (lettre d'intention, today), logged as
    recorded by `by`. Its territory and first coordinator come next (territory page, invitation).
    Raises ValidationError (in French, by field) when a field is wrong or the name is taken."""
    cpts = Cpts(name=name.strip(), slug=slugify(name)[:80], **fields)
    check_address(cpts.slug)
    cpts.full_clean()
    cpts.save()
    cpts.record_step(status=CptsStatus.LETTER_OF_INTENT, on=timezone.localdate(), by=by)
    return cpts


# Words of the site's own addresses a CPTS's slug may not take: /medecin-traitant/suivi/… are
# the patients' follow-up links, beside /medecin-traitant/<slug>/inscription/.
RESERVED_SLUGS = {"suivi"}


def check_address(slug: str):
    """The address a new CPTS's name gives it: made of letters or digits, free, not reserved."""
    if not slug:
        raise ValidationError({"name": "Nom de la CPTS : il doit contenir des lettres ou des chiffres."})
    if slug in RESERVED_SLUGS or Cpts.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"name": f"Nom de la CPTS : l'adresse « {slug} » qu'il donne est déjà prise ; précisez le nom."}
        )


@dataclass(frozen=True)
class Invitation:
    role: CptsRole
    created_user: bool
    # False when the person already has a password: they are told, not asked to set one.
    sent_link: bool
    # True when the person had been invited here before and never accepted: a fresh link was sent.
    resent: bool = False


def invite(cpts, *, email, role, by) -> Invitation:
    """Give `role` in `cpts` to the person at `email`, creating their account if needed, and e-mail them.

    If the person already has a role in this CPTS but never accepted (no password yet),
    a fresh link is sent (their first one may have expired) and the role set to `role`;
    if they did accept, raises ValidationError (in French).
    The e-mail is queued when the transaction commits (sent by the worker; nothing on a rollback).
    """
    if role not in CptsRoleKind.values:
        raise ValidationError({"role": "Rôle inconnu."})
    email = User.objects.normalize_email(email).strip().lower()
    with journal.acting_as(by), transaction.atomic():
        user, created = _user_for(email)
        sent_link = not user.has_usable_password()
        cpts_role = CptsRole.objects.select_for_update().filter(user=user, cpts=cpts).first()
        resent = cpts_role is not None
        if resent and not sent_link:
            raise ValidationError({"email": "Cette personne a déjà un rôle dans cette CPTS."})
        if cpts_role is None:
            cpts_role = CptsRole.objects.create(user=user, cpts=cpts, role=role)
        else:
            # Never accepted: nothing uses the role yet, so the coordinator's new choice applies (journaled).
            cpts_role.role = role
            cpts_role.save()
            journal.record(journal.Action.UPDATE, cpts_role, note="invitation renvoyée")
        on_commit(send_invitation, cpts_role.pk, getattr(by, "pk", None), sent_link)
    return Invitation(role=cpts_role, created_user=created, sent_link=sent_link, resent=resent)


def _user_for(email):
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        # No password until the person accepts the invitation (set_password(None) is unusable).
        return User.objects.create_user(email), True
    if not user.is_active:
        raise ValidationError({"email": "Ce compte est désactivé : contactez l'administration de la plateforme."})
    return user, False


def uid_token_path(route: str, user, generator) -> str:
    """The path of a one-time link for `user`: the id and a token that dies once the password changes."""
    return reverse(route, args=[urlsafe_base64_encode(force_bytes(user.pk)), generator.make_token(user)])


@notification_task()
def send_invitation(role_id: int, inviter_id: int | None, with_link: bool, message_id: str = "") -> bool:
    """The invitation e-mail, built by the worker: the link's token never sits in the queue."""
    cpts_role = CptsRole.objects.select_related("user", "cpts").filter(pk=role_id).first()
    if cpts_role is None:
        return False
    inviter = User.objects.filter(pk=inviter_id).first() if inviter_id else None
    user = cpts_role.user
    context = {
        "cpts": cpts_role.cpts,
        "role": cpts_role.get_role_display(),
        "inviter": inviter.get_full_name() if inviter else "",
        "site_url": absolute(""),
        "login_path": reverse("login"),
        "accept_path": uid_token_path("invitation_accept", user, invitation_token_generator) if with_link else "",
        "expiry_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    return account_email("invitation", user, context, message_id=message_id)


@notification_task()
def send_password_reset(user_id: int, message_id: str = "") -> bool:
    """The password reset link, built by the worker (`PasswordResetForm` queues it)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    context = {
        "link": absolute(uid_token_path("password_reset_confirm", user, default_token_generator)),
        "expiry_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    return account_email("password_reset", user, context, message_id=message_id)
