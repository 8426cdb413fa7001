"""The acknowledgement link: a member answers an alert without logging in.

The token signs (SECRET_KEY, a salt of its own) the recipient row's id and its random
nonce: it cannot be forged, it names one member of one crisis and acts for no other, and
the same token goes out by e-mail and SMS (and again on a retry). It expires
`MAILLON_CRISIS_ACK_LINK_HOURS` after the alert, or when the crisis ends, and is
single-use: the row's answer closes it.
"""

from django.core import signing
from django.utils import timezone

from .models import CrisisRecipient

SALT = "maillon.crisis_response.acknowledgement"


class LinkError(Exception):
    """Why a link does not open the form, in French, for the page."""


def token_for(recipient: CrisisRecipient) -> str:
    return signing.Signer(salt=SALT).sign_object({"r": recipient.pk, "n": recipient.token_nonce}, compress=False)


def recipient_of(token: str, *, now=None) -> CrisisRecipient:
    """The recipient the token names, open for an answer; LinkError otherwise."""
    now = now or timezone.now()
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
        pk, nonce = int(payload["r"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise LinkError(
            "Ce lien n'est pas valide. Vérifiez qu'il est complet, ou contactez la coordination."
        ) from error
    recipient = (
        CrisisRecipient.objects.select_related("crisis__cpts", "professional").filter(pk=pk, token_nonce=nonce).first()
    )
    if recipient is None:
        raise LinkError("Ce lien n'est pas valide. Vérifiez qu'il est complet, ou contactez la coordination.")
    if recipient.has_answered:
        raise LinkError("Vous avez déjà répondu à cette alerte : ce lien ne sert qu'une fois.")
    if not recipient.crisis.is_active:
        raise LinkError("Cette alerte est close : la crise (ou l'exercice) est terminée.")
    if now > recipient.link_expires_at():
        raise LinkError("Ce lien a expiré. Contactez la coordination de votre CPTS.")
    return recipient
