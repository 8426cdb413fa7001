"""Messages to the people registered for a public session, through the one notification
mechanism (`maillon.core.notifications.sending`): queued on commit, sent by the worker, once
per (message, recipient). They have no account: e-mail only, and every message carries the
person's cancellation link, built in the worker from the registration's secret (never stored
in the queue). The confirmation and the reminder carry the session as an .ics file.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from maillon.core.notifications import kinds, sending

from .models import PublicSession, Registration, RegistrationStatus, SessionStatus
from .services import Event

KIND = kinds.PREVENTION_REGISTRANT


def session_ics(session: PublicSession, *, private: bool = False) -> bytes:
    """The session as an iCalendar event (a title, the place, the public page). The online link
    is only in the copy sent to a registrant (`private`): the public file never carries it."""
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", "-//Maillon//Prévention//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if session.status == SessionStatus.CANCELLED else "PUBLISH")
    event = CalendarEvent()
    event.add("uid", f"prevention-session-{session.pk}@maillon")
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.title)
    link = sending.absolute(public_path(session))
    event.add("location", where(session) or (session.online_url if private and session.online_url else "En ligne"))
    event.add("url", link)
    description = f"{session.cpts.name} — {link}"
    if private and session.online_url:
        description += f"\nLien de connexion : {session.online_url}"
    event.add("description", description)
    if session.status == SessionStatus.CANCELLED:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()


def public_path(session: PublicSession) -> str:
    return reverse("prevention_session_public", args=[session.cpts.slug, session.pk])


def cancel_path(registration: Registration) -> str:
    return reverse("prevention_registration_cancel", args=[registration.token])


def where(session: PublicSession) -> str:
    """The place and its commune, never the online link (sent to the registrants only)."""
    parts = [part for part in (session.place, session.commune.name if session.commune_id else "") if part]
    return ", ".join(parts)


def when(session: PublicSession) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"le {start:%d/%m/%Y} de {start:%H} h {start:%M} à {end:%H} h {end:%M}"


SUBJECTS = {
    Event.CONFIRMED: "votre inscription est confirmée",
    Event.WAITING: "vous êtes sur la liste d'attente",
    Event.PROMOTED: "une place s'est libérée : vous êtes inscrit(e)",
    Event.CANCELLED: "votre inscription est annulée",
    Event.SESSION_CANCELLED: "la séance est annulée",
    Event.REMINDER: "rappel : votre séance a lieu demain",
    Event.CHANGED: "la séance change de date ou de lieu",
}


def body_of(registration: Registration, event: str) -> str:
    session = registration.session
    heading = f"« {session.title} », {when(session)}, {where(session) or 'en ligne'}."
    cancel = sending.absolute(cancel_path(registration))
    keep_or_cancel = f"Si vous ne pouvez pas venir, annulez pour laisser votre place :\n{cancel}"
    texts = {
        Event.CONFIRMED: f"Votre inscription à la séance {heading}\n\nLe fichier joint l'ajoute à votre agenda.",
        Event.WAITING: (
            f"La séance {heading}\n\nElle est complète : vous êtes sur la liste d'attente. Si une place se "
            "libère, elle vous revient dans l'ordre des inscriptions et nous vous l'écrivons."
        ),
        Event.PROMOTED: f"Une place s'est libérée à la séance {heading}\n\nElle est à vous : vous êtes inscrit(e).",
        Event.CANCELLED: f"Votre inscription à la séance {heading} est annulée. Merci de nous avoir prévenus.",
        Event.SESSION_CANCELLED: (
            f"Nous sommes désolés : la séance {heading} est annulée. "
            "Les prochaines séances sont sur la page de la CPTS."
        ),
        Event.REMINDER: f"Nous vous attendons demain à la séance {heading}",
        Event.CHANGED: (
            f"La séance à laquelle vous êtes inscrit(e) change : {heading}\n\nLe fichier joint met votre agenda à jour."
        ),
    }
    text = texts[event]
    if event in (Event.CONFIRMED, Event.WAITING, Event.PROMOTED, Event.REMINDER, Event.CHANGED):
        text += "\n\n" + keep_or_cancel
    if session.online_url and event in SEATED_EVENTS and registration.status == RegistrationStatus.CONFIRMED:
        text += f"\n\nLien de connexion : {session.online_url}"
    return text


def content_of(registration: Registration, event: str) -> sending.Content:
    session = registration.session
    content = sending.from_cpts(
        session.cpts,
        SUBJECTS[event],
        body_of(registration, event),
        link=sending.absolute(public_path(session)),
        link_label="La page de la séance :",
    )
    if event in (*SEATED_EVENTS, Event.SESSION_CANCELLED):
        private = registration.status == RegistrationStatus.CONFIRMED
        content.attachments.append(("seance.ics", session_ics(session, private=private).decode(), "text/calendar"))
    return content


# The messages that hold while the person keeps their seat (or their place in line).
SEATED_EVENTS = (Event.CONFIRMED, Event.PROMOTED, Event.REMINDER, Event.CHANGED)
STILL_TRUE = {
    Event.CONFIRMED: {RegistrationStatus.CONFIRMED},
    Event.PROMOTED: {RegistrationStatus.CONFIRMED},
    Event.REMINDER: {RegistrationStatus.CONFIRMED},
    Event.WAITING: {RegistrationStatus.WAITING},
    Event.CHANGED: {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
}


def stale(registration: Registration, event: str) -> bool:
    """A message no longer true when the worker gets to it (the person cancelled, the session
    was cancelled meanwhile): not sent."""
    if event not in STILL_TRUE:
        return False
    return registration.status not in STILL_TRUE[event] or registration.session.status != SessionStatus.SCHEDULED


@sending.notification_task()
def send_registration_message(registration_id: int, event: str, message_id: str = "") -> bool:
    """One message to one registrant; nothing once their data is purged."""
    registration = (
        Registration.objects.select_related("session__cpts", "session__commune").filter(pk=registration_id).first()
    )
    if registration is None or registration.purged or not registration.email or stale(registration, event):
        return False
    recipient = sending.Recipient(key=f"registration:{registration.pk}", email=registration.email)
    message = sending.message_key(KIND, registration.pk, event, message_id=message_id)
    sent = sending.sent_any(sending.notify(KIND, message, recipient, content_of(registration, event)))
    if sent and event == Event.REMINDER:
        Registration.objects.filter(pk=registration.pk).update(reminded_at=timezone.now())
    return sent


def queue_reminders(*, now) -> int:
    """The confirmed registrants of the sessions held tomorrow (local time); each session is
    claimed once by a conditional UPDATE, so a job run twice reminds nobody twice."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    sessions = PublicSession.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end, reminders_queued_at__isnull=True
    )
    queued = 0
    for session_id in list(sessions.values_list("pk", flat=True)):
        claimed = PublicSession.objects.filter(pk=session_id, reminders_queued_at__isnull=True).update(
            reminders_queued_at=now
        )
        if not claimed:
            continue
        confirmed = Registration.objects.filter(
            session_id=session_id, status=RegistrationStatus.CONFIRMED, reminded_at__isnull=True
        )
        for registration_id in confirmed.values_list("pk", flat=True):
            sending.on_commit(send_registration_message, registration_id, Event.REMINDER)
            queued += 1
    return queued
