"""Care-pathway indicators (mission 2), given to the ACI contract through its registry, so
that the dialogue de gestion report fills itself for mission 2.

Each is computable for any period [start, end) of dates:
- patients included: inclusions whose inclusion date falls in the period, in all and per kind
  of programme (the library's template it started from);
- professionals involved: distinct adherents in the care team of an inclusion, on a day of
  the period;
- up-to-date PPCS: of the inclusions active on the period's last day, the share whose current
  PPCS is not past its reassessment date that day;
- steps on time: of the care tasks done in the period, the share done before they were late;
- breaks detected and resolved: by the day they were detected or resolved;
- reminders sent to patients (one per message: a patient has one channel).
"""

import datetime
from decimal import Decimal

from django.db.models import Q

from maillon.contracts.registry import register_indicators

from .models import CareBreak, CarePlan, CareTask, CareTaskStatus, CareTeamMember, Inclusion, InclusionStatus
from .reminders import reminder_counts
from .templates import TEMPLATES

MISSION = 2


def share(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1")) if whole else Decimal(0)


def patients_included(cpts, start, end) -> Decimal:
    return Decimal(Inclusion.objects.for_cpts(cpts).filter(included_on__gte=start, included_on__lt=end).count())


def included_in_programmes_of(key: str):
    """Patients included in the CPTS's programmes started from the library's template `key` (or
    copied from one): the count per kind of programme, whatever its versions."""

    def included(cpts, start, end) -> Decimal:
        rows = Inclusion.objects.for_cpts(cpts).filter(programme__template=key)
        return Decimal(rows.filter(included_on__gte=start, included_on__lt=end).count())

    included.__name__ = f"patients_included_{key}"
    return included


def professionals_involved(cpts, start, end) -> Decimal:
    team = CareTeamMember.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start),
        inclusion__cpts=cpts,
        membership__isnull=False,
        starts_on__lt=end,
    )
    return Decimal(team.values("membership_id").distinct().count())


def active_on(cpts, day):
    """Inclusions begun by `day` and not closed before it."""
    return (
        Inclusion.objects.for_cpts(cpts)
        .filter(included_on__lte=day)
        .filter(Q(status=InclusionStatus.ACTIVE) | Q(closed_on__gt=day))
    )


def ppcs_up_to_date_share(cpts, start, end) -> Decimal:
    last_day = end - datetime.timedelta(days=1)
    active = list(active_on(cpts, last_day).values_list("pk", flat=True))
    latest = {}
    plans = CarePlan.objects.filter(inclusion_id__in=active, written_at__date__lte=last_day)
    for inclusion_id, version, review in plans.values_list("inclusion_id", "version", "next_review_on"):
        if version >= latest.get(inclusion_id, (0, None))[0]:
            latest[inclusion_id] = (version, review)
    up_to_date = sum(1 for _, review in latest.values() if review >= last_day)
    return share(up_to_date, len(active))


def steps_on_time_share(cpts, start, end) -> Decimal:
    done = CareTask.objects.for_cpts(cpts).filter(status=CareTaskStatus.DONE, done_on__gte=start, done_on__lt=end)
    rows = list(done.values_list("done_on", "late_from"))
    return share(sum(1 for done_on, late_from in rows if done_on <= late_from), len(rows))


def breaks_detected(cpts, start, end) -> Decimal:
    return Decimal(CareBreak.objects.for_cpts(cpts).filter(detected_on__gte=start, detected_on__lt=end).count())


def breaks_resolved(cpts, start, end) -> Decimal:
    return Decimal(CareBreak.objects.for_cpts(cpts).filter(resolved_on__gte=start, resolved_on__lt=end).count())


def reminders_sent(cpts, start, end) -> Decimal:
    return Decimal(reminder_counts(cpts, start, end - datetime.timedelta(days=1))["sent"])  # its end is included


INDICATORS = [
    ("pathways_patients_included", "patients", "Patients inclus dans un parcours", patients_included),
    ("pathways_professionals", "professionnels", "Professionnels impliqués dans les parcours", professionals_involved),
    ("pathways_ppcs_up_to_date", "%", "Patients en parcours dont le PPCS est à jour", ppcs_up_to_date_share),
    ("pathways_steps_on_time", "%", "Étapes des parcours faites à temps", steps_on_time_share),
    ("pathways_breaks_detected", "ruptures", "Ruptures de parcours repérées", breaks_detected),
    ("pathways_breaks_resolved", "ruptures", "Ruptures de parcours résolues", breaks_resolved),
    ("pathways_reminders_sent", "rappels", "Rappels envoyés aux patients", reminders_sent),
    *(
        (f"pathways_included_{key}", "patients", f"Patients inclus — {template.name}", included_in_programmes_of(key))
        for key, template in TEMPLATES.items()
    ),
]


def register() -> None:
    register_indicators(MISSION, INDICATORS)
