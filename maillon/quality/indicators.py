"""Quality indicators (mission 5), given to the ACI contract through its registry, so that the
dialogue de gestion report fills itself for mission 5.

Each is computable for any period [start, end) of dates:
- conferences held: case conferences held (their `held_on`) in the period;
- cases discussed: distinct cases — the conferences held in the period, and the held
  conferences a practice-analysis group took as material in a session held in the period;
- decisions on time: of the conference decisions due in the period and not dropped, the share
  (%) done on or before their due date; a decision still open whose due date is not past yet is
  not counted (it may still be done on time); none when there is none;
- event reviews opened: reviews of adverse events reported in the period;
- improvement actions closed: improvement actions of the reviews done in the period;
- group sessions held: sessions whose meeting is held and started in the period;
- group attendance: the present attendances at those sessions;
- groups met: the practice-analysis groups with at least one session held in the period.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from maillon.contracts.registry import register_indicators
from maillon.meetings.models import Attendance, Invitation, MeetingStatus

from .models import (
    CaseConference,
    ConferenceDecision,
    ConferenceStatus,
    FollowUpStatus,
    GroupSession,
    ImprovementAction,
    IncidentReview,
)

MISSION = 5
HUNDRED = Decimal(100)


def conferences_held_in(cpts, start, end):
    return CaseConference.objects.for_cpts(cpts).filter(
        status=ConferenceStatus.HELD, held_on__gte=start, held_on__lt=end
    )


def sessions_held_in(cpts, start, end):
    return GroupSession.objects.for_cpts(cpts).filter(
        meeting__status=MeetingStatus.HELD, meeting__starts_at__date__gte=start, meeting__starts_at__date__lt=end
    )


def conferences_held(cpts, start, end) -> Decimal:
    return Decimal(conferences_held_in(cpts, start, end).count())


def cases_discussed(cpts, start, end) -> Decimal:
    studied = sessions_held_in(cpts, start, end).filter(conference__isnull=False).values("conference_id")
    held = conferences_held_in(cpts, start, end).values("pk")
    cases = CaseConference.objects.for_cpts(cpts).filter(Q(pk__in=held) | Q(pk__in=studied))
    return Decimal(cases.count())


def decisions_on_time_share(cpts, start, end) -> Decimal | None:
    today = timezone.localdate()
    judged = (
        ConferenceDecision.objects.for_cpts(cpts)
        .filter(due_on__gte=start, due_on__lt=end)
        .exclude(status=FollowUpStatus.DROPPED)
        .filter(Q(status=FollowUpStatus.DONE) | Q(due_on__lt=today))
    )
    rows = list(judged.values_list("status", "due_on", "done_on"))
    if not rows:
        return None
    on_time = sum(1 for status, due_on, done_on in rows if status == FollowUpStatus.DONE and done_on <= due_on)
    return (HUNDRED * on_time / len(rows)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def reviews_opened(cpts, start, end) -> Decimal:
    reviews = IncidentReview.objects.for_cpts(cpts).filter(reported_at__date__gte=start, reported_at__date__lt=end)
    return Decimal(reviews.count())


def actions_closed(cpts, start, end) -> Decimal:
    actions = ImprovementAction.objects.for_cpts(cpts).filter(
        status=FollowUpStatus.DONE, done_on__gte=start, done_on__lt=end
    )
    return Decimal(actions.count())


def group_sessions_held(cpts, start, end) -> Decimal:
    return Decimal(sessions_held_in(cpts, start, end).count())


def group_attendance(cpts, start, end) -> Decimal:
    meetings = sessions_held_in(cpts, start, end).values("meeting_id")
    return Decimal(Invitation.objects.filter(meeting__in=meetings, attendance=Attendance.PRESENT).count())


def groups_met(cpts, start, end) -> Decimal:
    return Decimal(sessions_held_in(cpts, start, end).values("group_id").distinct().count())


TABLE = [
    ("quality_conferences_held", "concertations", "Concertations pluriprofessionnelles tenues", conferences_held),
    ("quality_cases_discussed", "cas", "Cas complexes discutés (concertations et groupes)", cases_discussed),
    (
        "quality_decisions_on_time_share",
        "%",
        "Décisions de concertation réalisées dans les délais",
        decisions_on_time_share,
    ),
    ("quality_reviews_opened", "revues", "Revues d'événements indésirables ouvertes", reviews_opened),
    ("quality_actions_closed", "actions", "Actions d'amélioration réalisées", actions_closed),
    ("quality_group_sessions_held", "séances", "Séances des groupes d'analyse des pratiques", group_sessions_held),
    (
        "quality_group_attendance",
        "présences",
        "Présences aux séances des groupes d'analyse des pratiques",
        group_attendance,
    ),
    ("quality_groups_met", "groupes", "Groupes d'analyse des pratiques réunis", groups_met),
]


def register() -> None:
    register_indicators(MISSION, TABLE)
