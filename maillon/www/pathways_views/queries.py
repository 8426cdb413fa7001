"""Reads of the care pathways pages: plain rows for the templates, through the policies.

(Here rather than in `maillon/pathways/selectors.py`, which the API may bring: these rows are
shaped for the pages.)"""

from dataclasses import dataclass

from django.db.models import Count, Q

from maillon.pathways import policies
from maillon.pathways.models import InclusionStatus, Programme


@dataclass(frozen=True)
class ProgrammeRow:
    programme: Programme
    steps: int
    active: int  # active inclusions this user may see, every version of the programme together


def programme_rows(user, cpts) -> list[ProgrammeRow]:
    """The current programmes of the CPTS, with their steps and the active inclusions the user
    sees (a count only: what their role could not open is not counted)."""
    programmes = list(
        policies.visible_programmes(user, cpts).current().annotate(step_count=Count("steps")).order_by("name")
    )
    counts = dict(
        policies.visible_inclusions(user, cpts)
        .filter(status=InclusionStatus.ACTIVE)
        .order_by()
        .values_list("programme__lineage")
        .annotate(n=Count("pk"))
    )
    return [ProgrammeRow(programme, programme.step_count, counts.get(programme.lineage, 0)) for programme in programmes]


def inclusions_for_list(user, cpts, *, lineage=None, status=""):
    """The inclusions this user may see, filtered, with what the list shows in the same query."""
    inclusions = policies.visible_inclusions(user, cpts).select_related("programme", "lead__professional")
    if lineage is not None:
        inclusions = inclusions.filter(programme__lineage=lineage)
    if status:
        inclusions = inclusions.filter(status=status)
    return inclusions.order_by("-included_on", "-pk")


def versions_of(programme) -> list[Programme]:
    """Every version of the programme, the newest first, with its inclusions counted."""
    return list(
        Programme.objects.for_cpts(programme.cpts_id)
        .filter(lineage=programme.lineage)
        .annotate(
            inclusion_count=Count("inclusions", distinct=True),
            active_count=Count("inclusions", filter=Q(inclusions__status=InclusionStatus.ACTIVE), distinct=True),
        )
        .order_by("-version")
    )


def shared_by_others(cpts):
    """The current programmes other CPTS share, with their steps (to preview before copying)."""
    return (
        Programme.objects.shared()
        .exclude(cpts=cpts)
        .select_related("cpts")
        .prefetch_related("steps")
        .order_by("name", "cpts__name")
    )
