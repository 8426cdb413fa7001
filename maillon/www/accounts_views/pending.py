"""A login in progress: the password (or an invitation) is done, the second factor is not.

Until the second factor is checked, the person is *not* logged in: the session
only remembers who they are, for a few minutes, and where to go afterwards.
"""

import time

import django_otp
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.core import journal
from maillon.core.access import is_strongly_authenticated

from . import enrolment, unlock

PENDING_KEY = "maillon_pending_login"
NEXT_KEY = "maillon_login_next"
MAX_AGE_SECONDS = 10 * 60
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request, url) -> str | None:
    hosts = {request.get_host()}
    allowed = url_has_allowed_host_and_scheme(url, allowed_hosts=hosts, require_https=request.is_secure())
    return url if url and allowed else None


def start(request, user, *, next_url=None):
    """Remember `user` as having passed the first factor; a new session key against fixation."""
    request.session.cycle_key()
    enrolment.forget(request)  # a new login: no enrolment right or link carried over
    request.session[PENDING_KEY] = {"user_id": user.pk, "at": int(time.time())}
    remember_next(request, next_url)


def refresh(request):
    """Restart the clock of the login in progress (after a step that took longer, e.g. reading an e-mail)."""
    state = request.session.get(PENDING_KEY)
    if state:
        request.session[PENDING_KEY] = {**state, "at": int(time.time())}


def remember_next(request, next_url):
    next_url = safe_next(request, next_url)
    if next_url:
        request.session[NEXT_KEY] = next_url


def clear(request):
    request.session.pop(PENDING_KEY, None)
    request.session.pop(NEXT_KEY, None)
    enrolment.forget(request)


def pending_user(request, *, max_age=MAX_AGE_SECONDS):
    """The person who still has to give their second factor, or None.

    Also a logged-in session without a second factor (an old session, a login
    made elsewhere): it must finish the second factor too.
    """
    if request.user.is_authenticated:
        return None if is_strongly_authenticated(request) else request.user
    state = request.session.get(PENDING_KEY)
    if not state or time.time() - state.get("at", 0) > max_age:
        return None
    return get_user_model().objects.filter(pk=state["user_id"], is_active=True).first()


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def next_step(request, user):
    """The second-factor page for a user who has an authenticator, else its enrolment.

    Without an invitation just accepted in this session, enrolment first needs
    the link e-mailed here: whoever knows only the password must not choose the authenticator.
    """
    if confirmed_device(user):
        return redirect("login_second_factor")
    if not enrolment.is_allowed(request, user):
        enrolment.send_link(request, user)
    return redirect("login_totp_setup")


def complete(request, user, device):
    """Log in for real, with the device that checked the second factor."""
    next_url = safe_next(request, request.session.get(NEXT_KEY))
    clear(request)
    auth.login(request, user, backend=PASSWORD_BACKEND)
    django_otp.login(request, device)
    journal.record(journal.Action.LOGIN, user, actor=user)
    # The login changed the account's last login: an unlock link or cookie is dead anyway.
    return unlock.forget(redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL)))
