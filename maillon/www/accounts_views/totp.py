"""Second step of the login: the code of the authenticator app, or its enrolment.

Enrolment needs more than the password: see enrolment.py.
"""

from base64 import b32encode
from functools import wraps

import segno
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.core import journal

from . import enrolment, lockout, page, pending
from .forms import OneTimeCodeForm

WRONG_CODE = "Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et saisissez le code affiché."
THROTTLED = "Trop d'essais successifs : patientez quelques secondes avant de saisir un nouveau code."
LINK_SENT = "Un lien pour activer la double authentification vous a été envoyé par courriel."


def login_in_progress(view):
    """A step after the password: `view(request, user)` for the user who gave it; others go to the login."""

    @wraps(view)
    def step(request):
        user = pending.pending_user(request)
        return redirect("login") if user is None else view(request, user)

    return step


@page("connexion/code/", name="login_second_factor")
@never_cache
@login_in_progress
def second_factor(request, user):
    device = pending.confirmed_device(user)
    if device is None:
        return redirect("login_totp_setup")
    form = posted_code(request, user, device)
    if form.is_valid():
        return pending.complete(request, user, device)
    return render(request, "accounts/second_factor.html", {"title": "Code de connexion", "form": form})


@page("connexion/activer-double-authentification/", name="login_totp_setup")
@never_cache
@login_in_progress
def totp_setup(request, user):
    if pending.confirmed_device(user):
        # Enrolling a second authenticator would bypass the first one.
        return redirect("login_second_factor")
    if not enrolment.is_allowed(request, user):
        # The password alone: the e-mailed link must be opened first (sent once per login in progress).
        enrolment.send_link(request, user)
        context = {"title": "Vérifiez votre messagerie", "message": LINK_SENT, "expiry": expiry()}
        return render(request, "accounts/totp_enrolment_link.html", context)
    device = enrolment.enrolment_device(request, user)
    form = posted_code(request, user, device)
    if form.is_valid():
        confirm(device)
        return pending.complete(request, user, device)
    context = {
        "title": "Activer la double authentification",
        "form": form,
        "qr_svg": qr_svg(device),
        "secret": readable_secret(device),
    }
    return render(request, "accounts/totp_setup.html", context)


@page("connexion/lien-double-authentification/<str:token>/", name="login_totp_enrolment_link")
@never_cache
def enrolment_link(request, token):
    """The link e-mailed after the password step: opened in the same browser, it allows enrolment."""
    # The link lives longer than a login in progress: the password step may be that old, not older.
    user = pending.pending_user(request, max_age=enrolment.link_timeout())
    if user is not None and enrolment.use_link(request, user, token):
        pending.refresh(request)  # the usual minutes to scan the QR code and give the code
        # A redirect, so the token leaves the address bar and is never sent as a referrer.
        return redirect("login_totp_setup")
    if user is not None:
        lockout.record_failure(user, note="lien d'activation", request=request)
    context = {"title": "Lien invalide ou expiré", "invalid": True, "expiry": expiry()}
    return render(request, "accounts/totp_enrolment_link.html", context)


def expiry() -> str:
    return enrolment.readable_duration(enrolment.link_timeout())


def posted_code(request, user, device):
    """The code form, bound to a POST: valid only if it holds the right code (a wrong one is its error)."""
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = check_code(request, user, device, form.cleaned_data["code"])
        if error is not None:
            form.add_error("code", error)
    return form


def check_code(request, user, device, code) -> str | None:
    """None if `code` is right; else the message to show. Failures are journaled and counted as
    the password's are (lockout.py): per address, per account and address, per account."""
    refused = lockout.refusal(request, user.email)
    if refused is not None:
        lockout.refuse(request, user, user.email, refused)
        return refused.message
    with transaction.atomic():
        # Locked row: two concurrent tries cannot both use the same code or dodge the throttle.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        verified = allowed and device.verify_token(code)
    if verified:
        lockout.succeeded(request, user)
        return None
    lockout.record_failure(user, note="code", request=request)
    return WRONG_CODE if allowed else THROTTLED


def confirm(device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user_id, confirmed=False).delete()
    journal.record(journal.Action.CREATE, device, actor=device.user, note="double authentification activée")


def qr_svg(device) -> str:
    """The otpauth:// address as an inline SVG QR code (no image service, nothing fetched)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code à scanner avec votre application d'authentification"
    )
    # Safe: segno writes the whole SVG itself; only the fixed title above is text.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # nosec B308 B703


def readable_secret(device) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
