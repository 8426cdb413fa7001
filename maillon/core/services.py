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
    # True when the person had been invited here before and never accepted: a fresh link was sent.
    resent: bool = False


def invite(cpts, *, email, role, by) -> Invitation:
    """Give `role` in `cpts` to the person at `email`, creating their account if needed, and e-mail them.

    If the person already has a role in this CPTS but never accepted (no password yet),
    a fresh link is sent (their first one may have expired) and the role set to `role`;
    if they did accept, raises ValidationError (in French).
    The e-mail is sent inside the transaction: if it cannot be sent, nothing is written.
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
        _send_invitation(cpts_role, by=by, with_link=sent_link)
    return Invitation(role=cpts_role, created_user=created, sent_link=sent_link, resent=resent)


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
