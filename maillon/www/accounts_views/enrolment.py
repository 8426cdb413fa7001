"""Who may enrol an authenticator app: never someone who only knows the password.

Enrolment is allowed in a session that has just accepted an invitation, or that
opened the one-time link e-mailed after the password step (proof that the person
also reads the account's mailbox). That permission is a session flag bound to the
user id; a new login drops it and a completed login consumes it (see pending.clear).
"""

import hmac

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.core import journal
from maillon.core.models import User
from maillon.core.notifications.sending import absolute, account_email, notification_task, on_commit

ALLOWED_KEY = "maillon_totp_enrolment_allowed"
LINK_KEY = "maillon_totp_enrolment_link"
# Overridable with settings.MAILLON_TOTP_ENROLMENT_LINK_TIMEOUT (seconds).
DEFAULT_LINK_TIMEOUT = 60 * 60
DEVICE_NAME = "Application d'authentification"


def link_timeout() -> int:
    return getattr(settings, "MAILLON_TOTP_ENROLMENT_LINK_TIMEOUT", DEFAULT_LINK_TIMEOUT)


def allow(request, user):
    request.session[ALLOWED_KEY] = {"user_id": user.pk, "device_id": None}


def is_allowed(request, user) -> bool:
    state = request.session.get(ALLOWED_KEY)
    return bool(state) and state.get("user_id") == user.pk


def forget(request):
    request.session.pop(ALLOWED_KEY, None)
    request.session.pop(LINK_KEY, None)


def enrolment_device(request, user):
    """The unconfirmed device of this enrolment: the same one on reload, so the QR code stays valid.

    Never one created in another session: its key may have been shown to someone else.
    """
    state = request.session[ALLOWED_KEY]
    device = TOTPDevice.objects.filter(pk=state.get("device_id"), user=user, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        request.session[ALLOWED_KEY] = {**state, "device_id": device.pk}
    return device


def _salt(user) -> str:
    # Bound to the account's state: a login (which ends the enrolment) or a new password kills the link.
    last_login = user.last_login.isoformat() if user.last_login else ""
    return f"maillon.accounts.totp-enrolment-link:{user.pk}:{user.password}:{last_login}"


def send_link(request, user):
    """Queue the e-mail of a one-time enrolment link for this session, once per login in progress.

    The URL holds only a signed random value (no address, no user id): the message's id, which
    the session keeps with who it is for, so the link works in this browser only. The worker
    signs it (`send_link_email`): the queue holds the ids, never the link.
    """
    sent = request.session.get(LINK_KEY)
    if sent and sent.get("user_id") == user.pk:
        return
    nonce = on_commit(send_link_email, user.pk)
    request.session[LINK_KEY] = {"user_id": user.pk, "nonce": nonce}
    journal.record(journal.Action.LOGIN, user, note="lien d'activation envoyé")


@notification_task()
def send_link_email(user_id: int, message_id: str = "") -> bool:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    token = signing.dumps(message_id, salt=_salt(user))
    context = {
        "link": absolute(reverse("login_totp_enrolment_link", args=[token])),
        "expiry": readable_duration(link_timeout()),
    }
    return account_email("totp_enrolment_link", user, context, message_id=message_id)


def use_link(request, user, token) -> bool:
    """Allow enrolment if `token` is the last link sent to `user` in this session, unexpired and unused."""
    sent = request.session.get(LINK_KEY) or {}
    if sent.get("user_id") != user.pk:
        return False
    try:
        nonce = signing.loads(token, salt=_salt(user), max_age=link_timeout())
    except signing.BadSignature:  # SignatureExpired included
        return False
    if not isinstance(nonce, str) or not hmac.compare_digest(nonce, sent.get("nonce", "")):
        return False
    del request.session[LINK_KEY]  # single use
    allow(request, user)
    return True


def readable_duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} heure{'s' if hours > 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"
