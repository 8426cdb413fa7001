"""A patient's case conferences on their path (the pathways timeline): each held conference
on the day it was held, and each of its decisions — due, late, done or dropped. One query
whatever their number; registered by `QualityConfig.ready()`."""

from django.utils import timezone

from maillon.pathways.selectors import Moment

from .models import CaseConference, ConferenceStatus, FollowUpStatus

KINDS = {
    "conference": "Concertation pluriprofessionnelle",
    "decision_due": "Décision de concertation à réaliser",
    "decision_late": "Décision de concertation en retard",
    "decision_done": "Décision de concertation réalisée",
    "decision_dropped": "Décision de concertation abandonnée",
}
DETAIL_MAX = 200


def _owner(row) -> str:
    first, last = row["decisions__owner__professional__first_name"], row["decisions__owner__professional__last_name"]
    return f"Responsable : {first} {last}".strip() if last else ""


def conference_moments(inclusion, today=None) -> list[Moment]:
    """The held conferences of `inclusion` and their decisions, in one query (a left join)."""
    today = today or timezone.localdate()
    rows = (
        CaseConference.objects.filter(inclusion=inclusion, status=ConferenceStatus.HELD)
        .order_by("held_on", "pk", "decisions__due_on", "decisions__pk")
        .values(
            "pk",
            "held_on",
            "question",
            "decisions__pk",
            "decisions__description",
            "decisions__due_on",
            "decisions__status",
            "decisions__done_on",
            "decisions__outcome",
            "decisions__owner__professional__first_name",
            "decisions__owner__professional__last_name",
        )
    )
    moments, seen = [], set()
    for row in rows:
        label = f"Cas n° {row['pk']}"
        if row["pk"] not in seen:
            seen.add(row["pk"])
            question = row["question"]
            detail = f"Question posée : {question}"
            if len(detail) > DETAIL_MAX:
                detail = detail[: DETAIL_MAX - 1] + "…"
            moments.append(Moment(row["held_on"], "conference", label, detail, "case_conference", row["pk"]))
        if row["decisions__pk"] is None:
            continue
        title = f"{row['decisions__description']} ({label})"
        status, due_on = row["decisions__status"], row["decisions__due_on"]
        if status == FollowUpStatus.DONE:
            moment = Moment(
                row["decisions__done_on"],
                "decision_done",
                title,
                row["decisions__outcome"],
                "conference_decision",
                row["decisions__pk"],
            )
        else:
            kind = {FollowUpStatus.DROPPED: "decision_dropped"}.get(
                status, "decision_late" if due_on < today else "decision_due"
            )
            detail = row["decisions__outcome"] if status == FollowUpStatus.DROPPED else _owner(row)
            moment = Moment(due_on, kind, title, detail, "conference_decision", row["decisions__pk"])
        moments.append(moment)
    return moments
