"""The daily scan of a CPTS's pathways for breaks (`tasks.scan_breaks`, one task per CPTS):

- a care task still open after its due date plus tolerance (`task:<id>`);
- a PPCS whose reassessment date is past (`plan:<id>`, the current version);
- a hospital stay without a town visit done within 7 days of the discharge (`stay:<id>`);
- a care team without an adherent of a profession its programme's steps require
  (`profession:<code>`).

One open break per (inclusion, kind, subject): a scan run twice, or by two workers, adds
nothing (the partial unique constraint decides). A break whose cause is gone (the task done,
the profession in the team, a new PPCS version) is resolved by the scan, recorded as such;
the others wait for a person to resolve them. Returns the breaks opened, whom the caller
notifies once each.
"""

import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from maillon.core import journal

from .models import (
    HOSPITAL_FOLLOW_UP_DAYS,
    BreakKind,
    CareBreak,
    CarePlan,
    CareTask,
    CareTaskStatus,
    CareTeamMember,
    HospitalStay,
    Inclusion,
    ProgrammeStep,
)

CAUSE_GONE = "Cause levée, constatée par le contrôle quotidien."
FIELDS = ["inclusion", "kind", "subject", "detected_on", "status"]


def late_tasks(cpts, today):
    tasks = CareTask.objects.for_cpts(cpts).late_on(today).filter(stay__isnull=True)
    return {(task.inclusion_id, f"task:{task.pk}") for task in tasks.only("pk", "inclusion_id")}


def missed_reviews(inclusions, today):
    current = CarePlan.objects.filter(inclusion=OuterRef("inclusion")).order_by("-version").values("pk")[:1]
    plans = CarePlan.objects.filter(inclusion__in=inclusions, next_review_on__lt=today, pk=Subquery(current))
    return {(plan.inclusion_id, f"plan:{plan.pk}") for plan in plans.only("pk", "inclusion_id")}


def stays_without_visit(inclusions, today):
    """Stays discharged more than 7 days ago with no task of the inclusion done in the 7 days
    after the discharge (few rows: checked here rather than by date arithmetic in SQL)."""
    follow_up = datetime.timedelta(days=HOSPITAL_FOLLOW_UP_DAYS)
    stays = list(
        HospitalStay.objects.filter(inclusion__in=inclusions, discharged_on__lt=today - follow_up).values_list(
            "pk", "inclusion_id", "discharged_on"
        )
    )
    done = {}
    tasks = CareTask.objects.filter(inclusion_id__in={row[1] for row in stays}, status=CareTaskStatus.DONE)
    for inclusion_id, done_on in tasks.values_list("inclusion_id", "done_on"):
        done.setdefault(inclusion_id, []).append(done_on)
    return {
        (inclusion_id, f"stay:{pk}")
        for pk, inclusion_id, discharged_on in stays
        if not any(discharged_on <= day <= discharged_on + follow_up for day in done.get(inclusion_id, []))
    }


def missing_professions(inclusions, today):
    required = {}
    steps = ProgrammeStep.objects.filter(programme__inclusions__in=inclusions).exclude(profession="")
    for programme_id, profession in steps.values_list("programme_id", "profession").distinct():
        required.setdefault(programme_id, set()).add(profession)
    present = {}
    team = CareTeamMember.objects.on(today).filter(inclusion__in=inclusions, membership__isnull=False)
    for inclusion_id, profession in team.values_list("inclusion_id", "membership__professional__profession"):
        present.setdefault(inclusion_id, set()).add(profession)
    found = set()
    for inclusion_id, programme_id in inclusions.values_list("pk", "programme_id"):
        for profession in sorted(required.get(programme_id, set()) - present.get(inclusion_id, set())):
            found.add((inclusion_id, f"profession:{profession}"))
    return found


DETECTORS = {
    BreakKind.TASK_LATE: lambda cpts, inclusions, today: late_tasks(cpts, today),
    BreakKind.REVIEW_MISSED: lambda cpts, inclusions, today: missed_reviews(inclusions, today),
    BreakKind.NO_VISIT_AFTER_STAY: lambda cpts, inclusions, today: stays_without_visit(inclusions, today),
    BreakKind.PROFESSION_MISSING: lambda cpts, inclusions, today: missing_professions(inclusions, today),
}


def scan(cpts, today=None) -> list[CareBreak]:
    """Open the breaks found today in the CPTS's active inclusions, resolve those whose cause
    is gone; the new breaks (for their notification). Written in bulk: a first scan of a
    large CPTS opens thousands at once."""
    today = today or timezone.localdate()
    inclusions = Inclusion.objects.for_cpts(cpts).active()
    found = {(kind, *key) for kind, detect in DETECTORS.items() for key in detect(cpts, inclusions, today)}
    with transaction.atomic():
        open_breaks = CareBreak.objects.for_cpts(cpts).open()
        known = {
            (kind, inclusion_id, subject): pk
            for pk, kind, inclusion_id, subject in open_breaks.values_list("pk", "kind", "inclusion_id", "subject")
        }
        new = found - set(known)
        rows = [
            CareBreak(cpts=cpts, inclusion_id=inclusion_id, kind=kind, subject=subject, detected_on=today)
            for kind, inclusion_id, subject in sorted(new)
        ]
        # A concurrent scan may have opened some first: the partial unique constraint keeps one.
        CareBreak.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        opened = [
            row
            for row in open_breaks.filter(detected_on=today).order_by("pk")
            if (row.kind, row.inclusion_id, row.subject) in new
        ]
        journal.record_many(journal.Action.CREATE, CareBreak, [(row.pk, cpts.pk, "") for row in opened], fields=FIELDS)
        gone = [pk for key, pk in known.items() if key not in found]
        if gone:
            CareBreak.workflow.run_many(
                CareBreak.objects.filter(pk__in=gone),
                "resolve",
                by=None,
                changes={"resolved_on": today, "resolution": CAUSE_GONE},
            )
    return opened
