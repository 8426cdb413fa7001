"""Writes of mission 5 that span apps: a conference polls its date through the meetings app and
writes its decisions into the patient's PPCS (pathways); a group session is a meeting.
All or nothing: a refused decision leaves no record, no PPCS version, no meeting."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillon.core import journal
from maillon.core.missions import Mission
from maillon.meetings import services as meetings
from maillon.members.models import Membership, MembershipStatus
from maillon.pathways import care
from maillon.pathways.models import ActionKind, InclusionStatus

from .models import (
    CaseConference,
    ConferenceDecision,
    GroupSession,
    ImprovementAction,
    IncidentReview,
    PracticeGroup,
    ReviewStatus,
    refuse_identifying_text,
)

# Without a PPCS to follow, the plan a conference writes is reviewed three months later.
FIRST_REVIEW_AFTER = datetime.timedelta(days=90)
DESCRIPTION_MAX = 300


# --- Case conferences --------------------------------------------------------------------------


@transaction.atomic
def request_conference(cpts, *, by, context, question, inclusion=None) -> CaseConference:
    conference = CaseConference(
        cpts=cpts, inclusion=inclusion, context=(context or "").strip(), question=(question or "").strip()
    )
    conference.requested_by = by
    conference.full_clean(exclude=["requested_by", "meeting", "plan", "recorded_by"])
    conference.save()
    return conference


def conference_title(conference) -> str:
    return f"Concertation pluriprofessionnelle — {conference.case_label}"


@transaction.atomic
def schedule_conference(conference, *, by, slots, membership_ids, visio_url="", place=""):
    """Poll the conference's date among the picked adherents (a meeting of mission 5: its
    attendance counts their time for the indemnities) and mark it scheduled."""
    meeting = meetings.create_meeting(
        cpts=conference.cpts,
        by=by,
        slots=slots,
        membership_ids=list(membership_ids),
        title=conference_title(conference),
        description=f"Question posée : {conference.question}",
        mission=Mission.QUALITY,
        visio_url=visio_url or "",
        place=place or "",
    )
    conference.schedule(meeting=meeting, by=by)
    return meeting


@transaction.atomic
def cancel_conference(conference, *, by, reason) -> CaseConference:
    """Cancel the conference and its meeting (a poll or a fixed date: the meetings app tells
    its invitees); the reason is the note of both."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Motif : dites pourquoi la concertation est annulée."})
    conference.cancel(by=by, note=reason)
    meeting = conference.meeting
    if meeting is not None and meeting.workflow.can(meeting, "cancel"):
        meeting.cancel(by=by, note=f"{conference.case_label} annulée : {reason}")
    return conference


def _owner(cpts, owner) -> Membership:
    owner_id = getattr(owner, "pk", owner)
    found = (
        Membership.objects.for_cpts(cpts)
        .filter(pk=owner_id, status=MembershipStatus.ACTIVE)
        .select_related("professional")
        .first()
    )
    if found is None:
        raise ValidationError({"owner": "Responsable : choisissez un adhérent actif de la CPTS."})
    return found


def _clean_follow_ups(cpts, rows, *, after, label, field="decisions") -> list[dict]:
    """Each row a dict (description, owner: a membership or its id, due_on), checked; none is
    allowed (a conference may conclude without a decision). The errors go on `field` (« Décision 2 :
    … ») or, with `field=None` (one row), on the row's own field."""

    def refuse(index, name, own_message, row_message):
        if field is None:
            raise ValidationError({name: own_message})
        raise ValidationError({field: f"{label} {index} : {row_message}"})

    cleaned = []
    for index, row in enumerate(rows, start=1):
        description = (row.get("description") or "").strip()
        if not description:
            refuse(index, "description", f"{label} : décrivez ce qui est décidé.", "décrivez ce qui est décidé.")
        if len(description) > DESCRIPTION_MAX:
            too_long = f"{DESCRIPTION_MAX} caractères au plus."
            refuse(index, "description", f"{label} : {too_long}", too_long)
        due_on = row.get("due_on")
        if not isinstance(due_on, datetime.date):
            refuse(index, "due_on", "Échéance : donnez une date.", "donnez une échéance.")
        if due_on < after:
            refuse(
                index,
                "due_on",
                f"Échéance : elle ne peut pas précéder le {after:%d/%m/%Y}.",
                f"l'échéance ne peut pas précéder le {after:%d/%m/%Y}.",
            )
        try:
            owner = _owner(cpts, row.get("owner"))
        except ValidationError:
            refuse(
                index,
                "owner",
                "Responsable : choisissez un adhérent actif de la CPTS.",
                "choisissez un responsable parmi les adhérents actifs de la CPTS.",
            )
        cleaned.append({"description": description, "owner": owner, "due_on": due_on})
    return cleaned


@transaction.atomic
def record_conference(conference, *, by, conclusions, held_on, decisions, next_review_on=None) -> CaseConference:
    """The record of the day: conclusions and decisions (each with an owner and a due date).
    For a patient included and followed, the decisions become actions of a new version of the
    PPCS (the current version's content is carried over) and the conference is on the timeline."""
    conference = CaseConference.objects.select_for_update().get(pk=conference.pk)
    cleaned = _clean_follow_ups(conference.cpts, decisions, after=held_on, label="Décision")
    refuse_identifying_text(
        {"decisions": ("Décisions", "\n".join(row["description"] for row in cleaned))},
        names=_patient_names(conference),
    )
    plan = None
    inclusion = conference.inclusion
    if inclusion is not None and inclusion.status == InclusionStatus.ACTIVE and cleaned:
        plan = _carry_into_plan(conference, inclusion, cleaned, by=by, next_review_on=next_review_on, held_on=held_on)
    conference.record(conclusions=conclusions, held_on=held_on, by=by, plan=plan)
    actions = list(plan.actions.order_by("-pk")[: len(cleaned)])[::-1] if plan else [None] * len(cleaned)
    for row, action in zip(cleaned, actions, strict=True):
        ConferenceDecision.objects.create(cpts=conference.cpts, conference=conference, plan_action=action, **row)
    return conference


def _patient_names(conference) -> tuple[str, ...]:
    inclusion = conference.inclusion
    if inclusion is None:
        return ()
    return inclusion.name_words


def _carry_into_plan(conference, inclusion, decisions, *, by, next_review_on, held_on):
    current = care.current_plan(inclusion)
    kept = [
        {"kind": action.kind, "description": action.description, "owner": action.owner, "due_on": action.due_on}
        for action in (current.actions.all() if current else ())
    ]
    added = [
        {
            "kind": ActionKind.CARE,
            "description": f"{row['description']} ({conference.case_label})"[:DESCRIPTION_MAX],
            "owner": str(row["owner"].professional or row["owner"])[:150],
            "due_on": row["due_on"],
        }
        for row in decisions
    ]
    if next_review_on is None:
        next_review_on = current.next_review_on if current else held_on + FIRST_REVIEW_AFTER
        next_review_on = max(next_review_on, timezone.localdate() + datetime.timedelta(days=1))
    return care.revise_plan(
        inclusion,
        by=by,
        next_review_on=next_review_on,
        assessment=current.assessment if current else None,
        problems=current.problems if current else "",
        goals=current.goals if current else "",
        actions=kept + added,
    )


# --- Reviews of adverse events -----------------------------------------------------------------


@transaction.atomic
def report_event(cpts, *, by, title, category, occurred_on, description, consequence=None) -> IncidentReview:
    review = IncidentReview(
        cpts=cpts,
        title=(title or "").strip(),
        category=category,
        occurred_on=occurred_on,
        description=(description or "").strip(),
    )
    if consequence:
        review.consequence = consequence
    review.reported_by = by
    review.full_clean(exclude=["reported_by", "referent"])
    review.save()
    return review


def referent_of(cpts, user):
    """A referent must hold a role in the CPTS (a coordinator or an adherent with an account)."""
    from maillon.core.policies import cpts_role

    if user is None or cpts_role(user, cpts) is None:
        raise ValidationError({"referent": "Référent : choisissez une personne qui a un rôle dans la CPTS."})
    return user


@transaction.atomic
def start_analysis(review, *, referent, by) -> IncidentReview:
    review.start_analysis(referent=referent_of(review.cpts, referent), by=by)
    return review


@transaction.atomic
def save_analysis(review, *, by, **fields) -> IncidentReview:
    """The referent's analysis: facts, causes by category, what protected, lessons."""
    review = _running(review, "Analyse : elle s'écrit pendant que la revue est en analyse.")
    for name in IncidentReview.ANALYSIS_FIELDS:
        if name in fields:
            value = fields[name]
            if name == "causes":
                value = {key: (text or "").strip() for key, text in (value or {}).items() if (text or "").strip()}
            else:
                value = (value or "").strip()
            setattr(review, name, value)
    review.full_clean(exclude=["referent", "reported_by"])
    review.save()
    return review


RUNNING = (ReviewStatus.ANALYSIS, ReviewStatus.ACTIONS)


def _running(review, message) -> IncidentReview:
    """The review, locked (its closing checks its actions under the same lock), while its
    analysis runs; a refusal of its state (409 in the API) otherwise."""
    review = IncidentReview.objects.select_for_update().get(pk=review.pk)
    if review.status not in RUNNING:
        raise review.workflow.refusal(review, message=message)
    return review


@transaction.atomic
def add_improvement_action(review, *, by, description, owner, due_on) -> ImprovementAction:
    review = _running(review, "Actions : elles se décident pendant l'analyse.")
    row = _clean_follow_ups(
        review.cpts,
        [{"description": description, "owner": owner, "due_on": due_on}],
        after=timezone.localdate(),
        label="Action",
        field=None,
    )[0]
    refuse_identifying_text({"description": ("Action", row["description"])})
    return ImprovementAction.objects.create(cpts=review.cpts, review=review, **row)


# --- Practice-analysis groups ------------------------------------------------------------------


@transaction.atomic
def save_group(group: PracticeGroup, *, members=None) -> PracticeGroup:
    """Check and save a group, with its members when given (active adherents of its CPTS);
    the journal names `members` when they change."""
    group.full_clean()
    creating = group._state.adding
    group.save()
    if members is None:
        return group
    # Those the meetings app can invite to its sessions: active adhesions of professionals.
    ids = {getattr(member, "pk", member) for member in members}
    members = list(meetings.invitable_memberships(group.cpts_id).filter(pk__in=ids))
    if len(members) != len(ids):
        raise ValidationError({"members": "Membres : choisissez des professionnels adhérents actifs de la CPTS."})
    before = set() if creating else set(group.members.values_list("pk", flat=True))
    group.members.set(members)
    if {member.pk for member in members} != before:
        journal.record(journal.Action.UPDATE, group, fields=["members"])
    return group


@transaction.atomic
def hold_session(group, *, by, theme, slots, visio_url="", place="", conference=None, review=None) -> GroupSession:
    """A session of the group: a meeting of mission 5 polled among its members (their
    attendance, once recorded in the meetings app, counts their time)."""
    member_ids = list(
        meetings.invitable_memberships(group.cpts_id).filter(practice_groups=group).values_list("pk", flat=True)
    )
    if not member_ids:
        raise ValidationError({"members": "Membres : le groupe n'a aucun adhérent actif à inviter."})
    theme = (theme or "").strip()
    if not theme:
        raise ValidationError({"theme": "Thème : dites sur quoi porte la séance."})
    meeting = meetings.create_meeting(
        cpts=group.cpts,
        by=by,
        slots=slots,
        membership_ids=member_ids,
        title=f"{group.name} — {theme}"[:200],
        mission=Mission.QUALITY,
        visio_url=visio_url or "",
        place=place or "",
    )
    session = GroupSession(
        cpts=group.cpts, group=group, meeting=meeting, theme=theme, conference=conference, review=review
    )
    session.full_clean()
    session.save()
    return session
