"""Second step of the login: the code of the authenticator app, or its enrolment."""

from base64 import b32encode

import segno
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillon.core import journal

from . import lockout, pending
from .forms import OneTimeCodeForm

WRONG_CODE = "Code incorrect ou expiré. Vérifiez l'heure de votre téléphone et saisissez le code affiché."
THROTTLED = "Trop d'essais successifs : patientez quelques secondes avant de saisir un nouveau code."
LOCKED = f"Trop d'échecs : le compte est bloqué pendant {lockout.WINDOW_MINUTES} minutes."
DEVICE_NAME = "Application d'authentification"


@never_cache
def second_factor(request):
    user = pending.pending_user(request)
    if user is None:
        return redirect("login")
    device = pending.confirmed_device(user)
    if device is None:
        return redirect("login_totp_setup")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = check_code(user, device, form.cleaned_data["code"])
        if error is None:
            return pending.complete(request, user, device)
        form.add_error("code", error)
    return render(request, "accounts/second_factor.html", {"title": "Code de connexion", "form": form})


@never_cache
def totp_setup(request):
    user = pending.pending_user(request)
    if user is None:
        return redirect("login")
    if pending.confirmed_device(user):
        # Enrolling a second authenticator would bypass the first one.
        return redirect("login_second_factor")
    device = enrolment_device(user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = check_code(user, device, form.cleaned_data["code"])
        if error is None:
            confirm(device)
            return pending.complete(request, user, device)
        form.add_error("code", error)
    context = {
        "title": "Activer la double authentification",
        "form": form,
        "qr_svg": qr_svg(device),
        "secret": readable_secret(device),
    }
    return render(request, "accounts/totp_setup.html", context)


def check_code(user, device, code) -> str | None:
    """None if `code` is right; else the message to show. Failures are journaled and throttled."""
    if lockout.is_locked(user):
        lockout.record_failure(user, note="compte bloqué")
        return LOCKED
    with transaction.atomic():
        # Locked row: two concurrent tries cannot both use the same code or dodge the throttle.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        verified = allowed and device.verify_token(code)
    if verified:
        return None
    lockout.record_failure(user, note="code")
    return WRONG_CODE if allowed else THROTTLED


def enrolment_device(user):
    """The unconfirmed device being enrolled: the same one on reload, so the QR code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


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
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


def readable_secret(device) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
