"""Retention of the care pathways: a closed inclusion (identity, consent, care team and its
transition log) is deleted MAILLON_PATHWAYS_RETENTION_DAYS after it closed. Each deletion goes
to the journal as any deletion does (the row's number and model, never a name)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from maillon.core import journal

from .models import Inclusion, InclusionStatus


def purge_closed(now=None) -> int:
    """Delete what is past retention, CPTS by CPTS; returns how many inclusions went."""
    limit = timezone.localdate(now or timezone.now()) - datetime.timedelta(
        days=settings.MAILLON_PATHWAYS_RETENTION_DAYS
    )
    expired = Inclusion.objects.filter(status=InclusionStatus.CLOSED, closed_on__lt=limit)
    total = 0
    for cpts_id in sorted(set(expired.values_list("cpts_id", flat=True))):
        with transaction.atomic(), journal.acting_as(None):
            deleted = expired.filter(cpts_id=cpts_id).delete()[1]
        total += deleted.get(Inclusion._meta.label, 0)
    return total
