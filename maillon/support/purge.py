"""What mission 6 keeps of people who are not members, and for how long (docs/support.md):

- an application to a placement is deleted `MAILLON_SUPPORT_APPLICATION_RETENTION_DAYS` after its
  answer — or, never answered, after its placement ended or (spontaneous) after it arrived; an
  accepted applicant stays on their placement as its trainee (the placement is the history);
- a housing booking keeps its occupant's name `MAILLON_SUPPORT_OCCUPANT_RETENTION_DAYS` after the
  departure, then reads « Occupant effacé » (the nights stay, for the occupancy and the counts).

Every deletion and erasure goes to the audit journal (the model journals its own deletions)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core import journal

from .models import ApplicationStatus, HousingBooking, PlacementApplication

ERASED_OCCUPANT = "Occupant effacé"


def purgeable_applications(now):
    limit = now - datetime.timedelta(days=settings.MAILLON_SUPPORT_APPLICATION_RETENTION_DAYS)
    answered = Q(decided_at__lt=limit)
    unanswered = Q(status=ApplicationStatus.RECEIVED) & (
        Q(placement__ends_on__lt=timezone.localdate(limit)) | Q(placement__isnull=True, submitted_at__lt=limit)
    )
    return PlacementApplication.objects.filter(answered | unanswered)


def erasable_occupants(now):
    limit = timezone.localdate(now) - datetime.timedelta(days=settings.MAILLON_SUPPORT_OCCUPANT_RETENTION_DAYS)
    return HousingBooking.objects.filter(leaves_on__lt=limit).exclude(occupant_name=ERASED_OCCUPANT)


@transaction.atomic
def purge(*, now) -> int:
    """How many applications were deleted and occupants' names erased."""
    deleted = 0
    for application in purgeable_applications(now):
        application.delete()
        deleted += 1
    bookings = list(erasable_occupants(now).values_list("pk", "cpts_id"))
    if bookings:
        HousingBooking.objects.filter(pk__in=[pk for pk, _ in bookings]).update(occupant_name=ERASED_OCCUPANT)
        rows = [(pk, cpts_id, "Effacement du nom de l'occupant") for pk, cpts_id in bookings]
        journal.record_many(journal.Action.UPDATE, HousingBooking, rows, fields=["occupant_name"])
    return deleted + len(bookings)
