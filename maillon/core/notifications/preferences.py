"""A person's choices: which kinds, on which channels; reading their notifications."""

from django.db import transaction
from django.utils import timezone

from .kinds import listed
from .models import Channel, Notification, NotificationPreference

CRITICAL_NEEDS_A_CHANNEL = "« {label} » ne peuvent pas être désactivées : gardez au moins un canal."


def choices_of(user) -> list[dict]:
    """The listed kinds with, per channel the kind offers, whether it is on for `user`."""
    saved = {row.kind: row for row in NotificationPreference.objects.filter(user=user)}
    rows = []
    for kind in listed():
        preference = saved.get(kind.name)
        rows.append(
            {
                "kind": kind,
                "channels": [
                    {
                        "value": channel,
                        "label": Channel(channel).label,
                        "on": getattr(preference, channel) if preference else True,
                    }
                    for channel in kind.channels
                ],
            }
        )
    return rows


def save_choices(user, chosen: dict[str, set[str]]) -> list[str]:
    """Store `chosen` ({kind: channels on}) for the listed kinds; the errors (nothing is stored
    when there is one): a critical kind keeps at least one channel."""
    errors = [
        CRITICAL_NEEDS_A_CHANNEL.format(label=kind.label)
        for kind in listed()
        if kind.critical and not (chosen.get(kind.name, set()) & set(kind.channels))
    ]
    if errors:
        return errors
    with transaction.atomic():
        for kind in listed():
            on = chosen.get(kind.name, set())
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind.name, defaults={channel: channel in on for channel in Channel.values}
            )
    return []


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one of `user`'s notifications (or all) as read; how many changed."""
    unread = Notification.objects.for_user(user).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
