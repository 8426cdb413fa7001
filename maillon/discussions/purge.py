"""Refused requests to join a regional group are erased `MAILLON_DISCUSSION_SIGNUP_RETENTION_DAYS`
after the decision: their names, address and answers served nothing more (an accepted one stays,
it is the participant's record of how they joined)."""

import datetime

from django.conf import settings
from django.db import transaction

from maillon.core import journal

from .models import SignupEvent, SignupRequest, SignupStatus


@transaction.atomic
def purge_refused_signups(*, now) -> int:
    cutoff = now - datetime.timedelta(days=settings.MAILLON_DISCUSSION_SIGNUP_RETENTION_DAYS)
    decided = SignupEvent.objects.filter(to_status=SignupStatus.REFUSED, at__lt=cutoff).values("signuprequest_id")
    stale = SignupRequest.objects.filter(status=SignupStatus.REFUSED, pk__in=decided)
    with journal.acting_as(None):
        count = 0
        for request in stale:
            request.delete()  # journaled by JournaledModel, without values
            count += 1
    return count
