"""Writes of `core` that several faces share (the pages and the API)."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import journal
from .models import CptsRole, CptsRoleKind, User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a reset link, under its own salt: a reset link cannot accept an invitation.

    The token hashes the password and the last login, so it stops working once
    the password is set; it expires after settings.PASSWORD_RESET_TIMEOUT.
    """

    key_salt = "maillon.core.services.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()


@dataclass(frozen=True)
class Invitation:
    role: CptsRole
    created_user: bool
    # False when the person already has a password: they are told, not asked to set one.
    sent_link: bool


def invite(cpts, *, email, role, by) -> Invitation:
    """Give `role` in `cpts` to the person at `email`, creating their account if needed, and e-mail them.

    Raises ValidationError (in French) if the person already has a role in this CPTS.
    The e-mail is sent inside the transaction: if it cannot be sent, nothing is written.
    """
    if role not in CptsRoleKind.values:
        raise ValidationError({"role": "Rôle inconnu."})
    email = User.objects.normalize_email(email).strip().lower()
    with journal.acting_as(by), transaction.atomic():
        user, created = _user_for(email)
        if CptsRole.objects.filter(user=user, cpts=cpts).exists():
            raise ValidationError({"email": "Cette personne a déjà un rôle dans cette CPTS."})
        cpts_role = CptsRole.objects.create(user=user, cpts=cpts, role=role)
        sent_link = not user.has_usable_password()
        _send_invitation(cpts_role, by=by, with_link=sent_link)
    return Invitation(role=cpts_role, created_user=created, sent_link=sent_link)


def _user_for(email):
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        # No password until the person accepts the invitation (set_password(None) is unusable).
        return User.objects.create_user(email), True
    if not user.is_active:
        raise ValidationError({"email": "Ce compte est désactivé : contactez l'administration de la plateforme."})
    return user, False


def invitation_path(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("invitation_accept", args=[uidb64, invitation_token_generator.make_token(user)])


def _send_invitation(cpts_role, *, by, with_link):
    user = cpts_role.user
    context = {
        "cpts": cpts_role.cpts,
        "role": cpts_role.get_role_display(),
        "inviter": by.get_full_name() if by else "",
        "site_url": settings.SITE_URL.rstrip("/"),
        "login_path": reverse("login"),
        "accept_path": invitation_path(user) if with_link else "",
        "expiry_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
    }
    subject = render_to_string("accounts/emails/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/emails/invitation_body.txt", context)
    send_mail(subject, body, None, [user.email])
