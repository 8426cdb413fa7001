"""OpenID Connect login through Pro Santé Connect (PSC), the health professionals' federation.

A PSC login is strong authentication by itself (CPS card or e-CPS app), so it
needs no TOTP. Nobody gets an account by logging in: the person must have been
invited first; we then find them by their OIDC subject, or by their RPPS the
first time (and remember the subject).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db.models import Q
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

logger = logging.getLogger(__name__)

UNKNOWN_PERSON = (
    "Votre identité Pro Santé Connect ne correspond à aucun compte Maillon. L'accès se fait sur "
    "invitation : demandez à la coordination de votre CPTS de vous inviter, puis de renseigner votre "
    "numéro RPPS sur votre compte."
)
WEAK_AUTHENTICATION = (
    "La connexion Pro Santé Connect n'a pas le niveau d'authentification forte demandé "
    "(carte CPS ou application e-CPS) : reconnectez-vous avec l'un d'eux."
)
AMBIGUOUS_PERSON = (
    "Plusieurs comptes Maillon portent votre numéro RPPS : la connexion par Pro Santé Connect est "
    "impossible tant que l'administration de la plateforme ne les a pas fusionnés."
)
# PSC national identifiers of RPPS professionals are "8" followed by the 11-digit RPPS.
RPPS_NATIONAL_ID_PREFIX = "8"
RPPS_LENGTH = 11


def rpps_from_claims(claims) -> str | None:
    """The RPPS number carried by PSC userinfo (SubjectNameID, preferred_username or sub)."""
    for key in ("SubjectNameID", "preferred_username", "sub"):
        value = str(claims.get(key) or "").strip()
        if not (value.isascii() and value.isdigit()):
            continue
        if len(value) == RPPS_LENGTH + 1 and value.startswith(RPPS_NATIONAL_ID_PREFIX):
            return value[1:]
        if len(value) == RPPS_LENGTH:
            return value
    return None


class ProSanteConnectBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        """The invited person matching the PSC identity; None (with a message) for anyone else."""
        if not self.strong_enough(payload):
            # We asked for eidas1; a token that says otherwise is not strong authentication.
            logger.info("Pro Santé Connect login refused: authentication level too low")
            self.refuse(WEAK_AUTHENTICATION)
            return None
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Pro Santé Connect userinfo without a subject")
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) != 1:
            # Two accounts with one RPPS must be sorted out by an administrator, not guessed.
            logger.info("Pro Santé Connect login refused: %s matching accounts", len(users))
            self.refuse(UNKNOWN_PERSON if not users else AMBIGUOUS_PERSON)
            return None
        return self.update_user(users[0], claims)

    @staticmethod
    def strong_enough(payload) -> bool:
        accepted = getattr(settings, "OIDC_ACCEPTED_ACR", ["eidas1"])
        return str((payload or {}).get("acr", "")) in accepted

    def filter_users_by_claims(self, claims):
        users = self.UserModel.objects.filter(is_active=True)
        by_subject = users.filter(oidc_subject=claims["sub"])
        if by_subject.exists():
            return by_subject
        rpps = rpps_from_claims(claims)
        if rpps is None:
            return users.none()
        # Someone already linked to another subject is not re-linked silently.
        return users.filter(Q(oidc_subject__isnull=True) | Q(oidc_subject=""), rpps=rpps)

    def create_user(self, claims):
        raise SuspiciousOperation("Accounts are created by invitation only")

    def update_user(self, user, claims):
        if not user.oidc_subject:
            user.oidc_subject = claims["sub"]
            user.save(update_fields=["oidc_subject"])
        return user

    def refuse(self, message):
        request = getattr(self, "request", None)
        if request is not None:
            messages.error(request, message)
