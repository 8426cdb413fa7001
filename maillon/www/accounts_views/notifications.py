"""The user's notifications (the header's bell) and their choices of kinds and channels."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from maillon.core.notifications.kinds import listed
from maillon.core.notifications.models import Notification
from maillon.core.notifications.preferences import choices_of, mark_read, save_choices

from . import page

SHOWN = 50


@page("notifications/", name="account_notifications")
def notifications(request, *, errors=None):
    rows = list(Notification.objects.for_user(request.user)[:SHOWN])
    context = {
        "title": "Mes notifications",
        "notifications": rows,
        "has_unread": any(row.read_at is None for row in rows),
        "choices": choices_of(request.user),
        "errors": errors or [],
    }
    return render(request, "accounts/notifications.html", context, status=400 if errors else 200)


@page("notifications/lues/", name="account_notifications_read")
@require_POST
def read(request):
    """Mark one notification as read (`notification`), or all of them."""
    raw = request.POST.get("notification", "")
    changed = mark_read(request.user, int(raw) if raw.isdigit() else None)
    if not raw:
        messages.success(request, f"{changed} notification(s) marquée(s) comme lue(s).")
    return redirect("account_notifications")


@page("notifications/preferences/", name="account_notification_preferences")
@require_POST
def preferences(request):
    chosen = {kind.name: set(request.POST.getlist(kind.name)) for kind in listed()}
    errors = save_choices(request.user, chosen)
    if errors:
        return notifications(request, errors=errors)
    messages.success(request, "Vos préférences de notification sont enregistrées.")
    return redirect("account_notifications")
