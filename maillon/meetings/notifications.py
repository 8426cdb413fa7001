"""Messages to the invitees of a meeting: the date poll opens, the date is fixed (with an
.ics attachment), the place or visio link of a scheduled meeting changes (with the .ics
again), the meeting is cancelled. Invitees added later get only their own message
(`invitation_ids`).

Through the one notification mechanism (`maillon.core.notifications.sending`): queued once
the transaction commits, sent by the worker, by e-mail and on the site (each invitee's
preferences applied), once per (message, invitee, channel). Invitees without an e-mail on
their professional card, or who unsubscribed from the CPTS's messages
(`Membership.unsubscribed_at`), are skipped. The link points at the meeting page (no personal
data in it: the invitee logs in to answer). Logs hold ids and exception types only, never
addresses; each sending is journaled with its counts only.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from maillon.core import journal
from maillon.core.models import User
from maillon.core.notifications import kinds, sending
from maillon.core.notifications.models import Channel
from maillon.members.mailing import list_message

from .models import Invitation, Meeting

POLL = "poll"
SCHEDULED = "scheduled"
CANCELLED = "cancelled"
UPDATED = "updated"
KINDS = {POLL: "sondage de dates", SCHEDULED: "date fixée", CANCELLED: "annulation", UPDATED: "modification"}
WITH_ICS = {SCHEDULED, UPDATED}


# --- Formatting ----------------------------------------------------------------------------


def french_datetime(value) -> str:
    """« mardi 12 janvier 2027 à 18:30 » in Europe/Paris."""
    with translation.override("fr"):
        return formats.date_format(timezone.localtime(value), "l j F Y à H:i")


def french_range(starts_at, ends_at) -> str:
    return f"{french_datetime(starts_at)} – {timezone.localtime(ends_at):%H:%M}"


def meeting_url(meeting) -> str:
    return sending.absolute(reverse("meetings_meeting", args=[meeting.cpts.slug, meeting.pk]))


def place_lines(meeting) -> list[str]:
    lines = []
    if meeting.place:
        lines.append(f"Lieu : {meeting.place}")
    if meeting.visio_url:
        lines.append(f"Visioconférence : {meeting.visio_url}")
    return lines


def subject_and_body(meeting, kind) -> tuple[str, str]:
    url = meeting_url(meeting)
    if kind == POLL:
        slots = "\n".join(f"  - {french_range(slot.starts_at, slot.ends_at)}" for slot in meeting.slots.all())
        subject = f"Sondage de dates : {meeting.title}"
        lines = [
            "Bonjour,",
            "",
            f"La {meeting.cpts.name} vous invite à la réunion « {meeting.title} ».",
            "",
            "Dates proposées (heure de Paris) :",
            slots,
            "",
            *place_lines(meeting),
            f"Indiquez vos disponibilités sur le site : {url}",
        ]
    elif kind == SCHEDULED:
        subject = f"Date fixée : {meeting.title}"
        lines = [
            "Bonjour,",
            "",
            f"La date de la réunion « {meeting.title} » est fixée :",
            f"  {french_range(meeting.starts_at, meeting.ends_at)} (heure de Paris)",
            "",
            *place_lines(meeting),
            f"Détails sur le site : {url}",
            "L'invitation est jointe pour votre agenda (fichier .ics).",
        ]
    elif kind == UPDATED:
        subject = f"Réunion modifiée : {meeting.title}"
        lines = [
            "Bonjour,",
            "",
            f"Le lieu ou le lien de la réunion « {meeting.title} » a changé.",
            f"  {french_range(meeting.starts_at, meeting.ends_at)} (heure de Paris)",
            "",
            *(place_lines(meeting) or ["Lieu : à préciser"]),
            f"Détails sur le site : {url}",
            "L'invitation mise à jour est jointe pour votre agenda (fichier .ics).",
        ]
    else:
        subject = f"Réunion annulée : {meeting.title}"
        when = f" du {french_datetime(meeting.starts_at)}" if meeting.starts_at else ""
        lines = [
            "Bonjour,",
            "",
            f"La réunion « {meeting.title} »{when} est annulée.",
            "",
            f"Détails sur le site : {url}",
        ]
    return subject, "\n".join(lines)


# --- iCalendar (RFC 5545) ------------------------------------------------------------------


def ics_escape(value: str) -> str:
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF + a space (never splitting a character)."""
    parts, current = [], ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return "\r\n ".join(parts)


def ics_time(value) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "maillon"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maillon//Reunions//FR",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host}",
        f"DTSTAMP:{ics_time(timezone.now())}",
        f"DTSTART:{ics_time(meeting.starts_at)}",
        f"DTEND:{ics_time(meeting.ends_at)}",
        f"SUMMARY:{ics_escape(meeting.title)}",
    ]
    if meeting.place:
        lines.append(f"LOCATION:{ics_escape(meeting.place)}")
    if meeting.visio_url:
        lines.append(f"DESCRIPTION:{ics_escape('Visioconférence : ' + meeting.visio_url)}")
    lines.append(f"URL:{meeting_url(meeting)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(ics_fold(line) + "\r\n" for line in lines)


# --- Sending -------------------------------------------------------------------------------


def recipients(meeting):
    """The invitations to write to: an adhesion of the meeting's CPTS, not unsubscribed,
    whose professional has an e-mail."""
    return (
        Invitation.objects.filter(
            meeting=meeting, membership__cpts=meeting.cpts_id, membership__unsubscribed_at__isnull=True
        )
        .exclude(membership__professional__isnull=True)
        .exclude(membership__professional__email="")
        .select_related("membership__professional", "membership__cpts")
        .order_by("pk")
    )


def content_for(meeting, invitation, subject, body, ics) -> sending.Content:
    return list_message(
        invitation.membership,
        subject=subject,
        body=body,
        why=f"en tant qu'invité(e) à une réunion de la {meeting.cpts.name}",
        url=reverse("meetings_meeting", args=[meeting.cpts.slug, meeting.pk]),
        attachments=[("reunion.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")] if ics else [],
    )


def send(meeting_id, kind, actor=None, invitation_ids=None, message_id="") -> tuple[int, int]:
    """Send the `kind` message to the meeting's invitees (or only to `invitation_ids`);
    (e-mails sent, e-mails failed). Never raises on a failed send."""
    meeting = Meeting.objects.select_related("cpts").filter(pk=meeting_id).first()
    if meeting is None:
        return 0, 0
    invitations = recipients(meeting)
    if invitation_ids is not None:
        invitations = invitations.filter(pk__in=invitation_ids)
    invitations = list(invitations)
    if not invitations:
        return 0, 0
    subject, body = subject_and_body(meeting, kind)
    ics = meeting_ics(meeting) if kind in WITH_ICS and meeting.starts_at and meeting.ends_at else None
    items = [
        (
            sending.Recipient(
                key=f"membership:{invitation.membership_id}",
                user_id=invitation.membership.professional.user_id,
                email=invitation.membership.professional.email,
            ),
            content_for(meeting, invitation, subject, body, ics),
        )
        for invitation in invitations
    ]
    message = sending.message_key(f"meetings.{kind}", meeting.pk, message_id=message_id)
    outcomes = sending.notify_many(kinds.MEETINGS_INVITATION, message, items)
    by_email = [channels.get(Channel.EMAIL) for channels in outcomes.values()]
    sent, failed = by_email.count(sending.SENT), by_email.count(sending.FAILED)
    journal.record(
        journal.Action.READ,
        meeting,
        fields=["invitations.email"],
        actor=actor,
        note=f"Courriel « {KINDS[kind]} » : {sent} envoyé(s), {failed} échec(s)",
    )
    return sent, failed


@sending.notification_task()
def send_notice(meeting_id: int, kind: str, actor_id=None, invitation_ids=None, message_id: str = "") -> int:
    """The queued sending: ids only in its arguments."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return send(meeting_id, kind, actor, invitation_ids, message_id)[0]


def send_on_commit(meeting, kind, *, by=None, invitation_ids=None) -> None:
    """Queue the sending once the current transaction commits (at once outside a transaction)."""
    sending.on_commit(send_notice, meeting.pk, kind, getattr(by, "pk", None), invitation_ids)
