"""Registrants' personal data lasts as long as the session needs it: their names, e-mails and
phones are erased MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS after the session ended (or
was cancelled). Age band, sex and attendance stay: they are the mission's counts."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from maillon.core import journal

from .models import PublicSession, Registration, SessionStatus
from .services import PERSONAL_FIELDS


def purgeable(now):
    limit = now - datetime.timedelta(days=settings.MAILLON_PREVENTION_REGISTRANT_RETENTION_DAYS)
    ended = Q(ends_at__lt=limit) | Q(status=SessionStatus.CANCELLED, starts_at__lt=limit)
    return PublicSession.objects.filter(ended, purged_at__isnull=True)


@transaction.atomic
def purge_session(session: PublicSession, *, now) -> int:
    rows = Registration.objects.filter(session=session, purged=False)
    ids = list(rows.values_list("pk", flat=True))
    if ids:
        Registration.objects.filter(pk__in=ids).update(first_name="", last_name="", email="", phone="", purged=True)
        rows = [(pk, session.cpts_id, "Purge des inscrits") for pk in ids]
        journal.record_many(journal.Action.UPDATE, Registration, rows, fields=PERSONAL_FIELDS)
    PublicSession.objects.filter(pk=session.pk).update(purged_at=now)
    journal.record(journal.Action.UPDATE, session, fields=["purged_at"], note="Purge des inscrits")
    return len(ids)


def purge_past_sessions(*, now) -> int:
    """Returns how many registrations were erased."""
    return sum(purge_session(session, now=now) for session in purgeable(now))
