"""What mission 6 keeps of people who are not members, and for how long (docs/support.md):

- an application to a placement is deleted `MAILLON_SUPPORT_APPLICATION_RETENTION_DAYS` after its
  answer — or, never answered, after its placement ended or (spontaneous) after it arrived; an
  accepted applicant stays on their placement as its trainee (the placement is the history);
- a housing booking keeps its occupant's name (and its note) `MAILLON_SUPPORT_OCCUPANT_RETENTION_DAYS`
  after the departure, then reads « Occupant effacé » (the nights stay, for the occupancy and the counts);
- a placement keeps its trainee's e-mail as long after its end, then only their name and school;
- an installation project closed (settled or abandoned) keeps its professional's contacts and the
  coordination's notes as long, then reads « Projet effacé » (profession, commune, dates and
  outcome stay, for the indicators); a project tied to an adhesion keeps the name (a member's).

Every deletion and erasure goes to the audit journal (the model journals its own deletions)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core import journal

from .models import (
    ApplicationStatus,
    HousingBooking,
    InstallationProject,
    InstallationStatus,
    Placement,
    PlacementApplication,
)

ERASED_OCCUPANT = "Occupant effacé"
ERASED_PROJECT = "Projet effacé"


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
    erased = _erase(erasable_occupants(now), HousingBooking, {"occupant_name": ERASED_OCCUPANT, "note": ""}, "occupant")
    day = timezone.localdate(now) - datetime.timedelta(days=settings.MAILLON_SUPPORT_OCCUPANT_RETENTION_DAYS)
    trainees = Placement.objects.filter(ends_on__lt=day).exclude(trainee_email="")
    erased += _erase(trainees, Placement, {"trainee_email": ""}, "stagiaire")
    closed = InstallationProject.objects.filter(
        status__in=[InstallationStatus.SETTLED, InstallationStatus.ABANDONED], closed_on__lt=day
    ).exclude(email="", phone="", notes="")
    erased += _erase(closed.filter(membership__isnull=False), InstallationProject, PROJECT_CONTACTS, "projet")
    erased += _erase(
        closed.filter(membership__isnull=True), InstallationProject, PROJECT_CONTACTS | PROJECT_NAME, "projet"
    )
    return deleted + erased


PROJECT_CONTACTS = {"email": "", "phone": "", "notes": ""}
PROJECT_NAME = {"first_name": ERASED_PROJECT, "last_name": ""}


def _erase(rows, model, values: dict, what: str) -> int:
    """Write `values` over `rows` in one UPDATE, and one journal entry each (field names only)."""
    found = list(rows.values_list("pk", "cpts_id"))
    if found:
        model.objects.filter(pk__in=[pk for pk, _ in found]).update(**values)
        note = f"Effacement des données personnelles ({what})"
        journal.record_many(
            journal.Action.UPDATE, model, [(pk, cpts_id, note) for pk, cpts_id in found], fields=list(values)
        )
    return len(found)
