"""The unlock link: when failures from many addresses make every address wait before trying an
account (lockout.py), its owner gets an e-mail (at most once an hour) with a link that lets
their own browser sign in without that wait.

- The link is signed (`django.core.signing`), lives `MAILLON_UNLOCK_LINK_MINUTES`, serves once,
  and is bound to the account's password and last login: a login or a new password kills it.
  Opening it shows a button (a GET changes nothing: mail scanners open links); the POST sets
  the unlock cookie and journals it.
- The cookie (`maillon_unlock`, HttpOnly, Secure when the session cookie is, SameSite=Lax, path
  of the login pages) is signed too and names one account: for that account only, this browser
  skips the account-wide delay and its address's limit, and has its own count of failures. It
  also dies at the next login or password change, and after a day.
"""

import datetime
import hashlib
import hmac
import uuid

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from maillon.core import journal, throttle
from maillon.core.models import User
from maillon.core.notifications.sending import absolute, account_email, notification_task, on_commit

from . import lockout, page

COOKIE = "maillon_unlock"
COOKIE_PATH = "/compte/connexion/"
COOKIE_MAX_AGE = 24 * 60 * 60
LINK_SALT = "maillon.accounts.unlock-link"
COOKIE_SALT = "maillon.accounts.unlock-cookie"
MAIL_SCOPE = "login.unlock_mail"
USED_SCOPE = "login.unlock_used"
THROTTLE_SCOPE = "login.unlock"

INVALID = "Ce lien de déblocage a déjà servi, a expiré, ou une connexion a eu lieu depuis son envoi."
UNLOCKED = "Connexion débloquée pour ce navigateur : saisissez votre adresse électronique et votre mot de passe."
THROTTLED = "Trop de tentatives depuis cette adresse : réessayez dans une heure."


def link_minutes() -> int:
    # At most a day: a used link is remembered by core.throttle's rows, which live a day.
    return min(settings.MAILLON_UNLOCK_LINK_MINUTES, 24 * 60)


def _state(user) -> str:
    """A digest of what a login or a new password changes: the link and the cookie die with it."""
    last_login = user.last_login.isoformat() if user.last_login else ""
    message = f"{user.pk}:{user.password}:{last_login}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def offer(user, *, now=None):
    """Queue the unlock e-mail, at most once an hour per account; journaled when sent."""
    if not user.is_active or not user.has_usable_password():
        return
    if not throttle.allow_key(MAIL_SCOPE, str(user.pk), limit=1, window=lockout.WINDOW, now=now):
        return
    on_commit(send_unlock_email, user.pk)
    journal.record(journal.Action.LOGIN, user, note="lien de déblocage envoyé")


def make_token(user, nonce: str) -> str:
    return signing.dumps({"u": user.pk, "n": nonce, "s": _state(user)}, salt=LINK_SALT)


@notification_task()
def send_unlock_email(user_id: int, message_id: str = "") -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    context = {
        "link": absolute(reverse("login_unlock", args=[make_token(user, message_id or uuid.uuid4().hex)])),
        "minutes": link_minutes(),
    }
    return account_email("login_unlock", user, context, message_id=message_id)


def _user_of_link(token):
    """(user, nonce) of a valid, unused link, else (None, None)."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=datetime.timedelta(minutes=link_minutes()))
    except signing.BadSignature:  # SignatureExpired included
        return None, None
    if not isinstance(data, dict):
        return None, None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    nonce = data.get("n")
    if user is None or not isinstance(nonce, str) or not hmac.compare_digest(str(data.get("s")), _state(user)):
        return None, None
    if throttle.count(USED_SCOPE, nonce, window=throttle.KEEP):
        return None, None
    return user, nonce


@page("connexion/deblocage/<str:token>/", name="login_unlock")
@never_cache
def login_unlock(request, token):
    if request.method == "POST" and not throttle.allow(request, THROTTLE_SCOPE):
        return render(
            request, "accounts/login_unlock.html", {"title": "Débloquer la connexion", "error": THROTTLED}, status=429
        )
    user, nonce = _user_of_link(token)
    if user is None:
        return render(
            request,
            "accounts/login_unlock.html",
            {"title": "Lien invalide ou expiré", "invalid": True, "error": INVALID},
            status=404,
        )
    if request.method != "POST":
        return render(request, "accounts/login_unlock.html", {"title": "Débloquer la connexion"})
    throttle.record(USED_SCOPE, nonce)  # single use
    journal.record(journal.Action.LOGIN, user, note="lien de déblocage utilisé")
    messages.success(request, UNLOCKED)
    response = redirect("login")
    response.set_cookie(
        COOKIE,
        signing.dumps({"u": user.pk, "n": nonce, "s": _state(user)}, salt=COOKIE_SALT),
        max_age=COOKIE_MAX_AGE,
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def unlocked_nonce(request, email) -> str | None:
    """The nonce of this browser's unlock cookie if it is valid for `email`'s account, else None."""
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    cache = request.__dict__.setdefault("_maillon_unlock", {})
    key = lockout.account_key(email)
    if key not in cache:
        cache[key] = _nonce_of_cookie(raw, key)
    return cache[key]


def _nonce_of_cookie(raw, email):
    try:
        data = signing.loads(raw, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email.lower() != email or not hmac.compare_digest(str(data.get("s")), _state(user)):
        return None
    return data["n"]


def forget(response):
    """Drop the cookie (after a login, which kills it anyway)."""
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
    return response
