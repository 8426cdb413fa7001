"""Who may see and do what of mission 5 — the one place that says it; the pages
(maillon/www/quality_views/) and the API (maillon/api/quality.py) ask here.

Least access to health data:
- **case conferences**: the coordinators see every one; a member sees those they asked for,
  those their adhesion is invited to, those of the patients they see in the pathways (lead or
  care team today) and those where a decision is theirs. The patient's identity (the link to the
  inclusion) shows only to whoever sees the inclusion in the pathways: the rest read « Cas n° … »
  and a presentation that names nobody. Anyone in the CPTS asks for a conference on a case; on
  an included patient, only who sees that patient. The coordinators prepare it (date poll,
  participants: the meetings app is theirs); the coordinators and the requester record it.
- **reviews of adverse events**: any role in the CPTS reports one; the coordinators, the
  reporter and the referent read it whole; every member reads the anonymised summary once it
  is shared (nothing else of it). The coordinators name the referent; the referent and the
  coordinators run the analysis, decide and close.
- **decisions and improvement actions**: their owner marks them done; so do who runs the
  conference or the review, who may also drop them.
- **practice-analysis groups**: every role in the CPTS reads the groups and their sessions; the
  coordinators create groups; the coordinators and the group's facilitator change them and hold
  sessions (a session's material is pseudonymised already).
- the authority and the observers read mission 5 through the ACI indicators only; nobody else,
  a platform admin included: 404 as for a missing object.
"""

from django.db.models import Q

from maillon.core.models import Cpts
from maillon.core.policies import cpts_role, is_authenticated, is_coordinator, read_once
from maillon.meetings.models import Invitation
from maillon.members.models import MembershipStatus
from maillon.pathways import policies as pathways_policies
from maillon.pathways.models import InclusionStatus

from .models import (
    CaseConference,
    ConferenceDecision,
    ConferenceStatus,
    FollowUpStatus,
    GroupSession,
    ImprovementAction,
    IncidentReview,
    PracticeGroup,
    ReviewStatus,
)

OPEN_CONFERENCE = (ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED)


def _is_dissolved(user, cpts) -> bool:
    """Read once per request's user and CPTS: a page asks it for each of its rows."""
    if isinstance(cpts, Cpts):
        return cpts.is_dissolved
    if not is_authenticated(user):
        return True
    found = read_once(user, "_maillon_quality_cpts", cpts, lambda key: Cpts.objects.filter(pk=key).first())
    return found is None or found.is_dissolved


def can_use_quality(user, cpts) -> bool:
    """The mission 5 pages of a CPTS: any role there."""
    return cpts_role(user, cpts) is not None


def can_write_quality(user, cpts) -> bool:
    """Any role in a CPTS that is not dissolved (a dissolved one is read, not written)."""
    return cpts_role(user, cpts) is not None and not _is_dissolved(user, cpts)


def can_manage_quality(user, cpts) -> bool:
    """The coordinators of a CPTS that is not dissolved."""
    return is_coordinator(user, cpts) and not _is_dissolved(user, cpts)


# --- Case conferences --------------------------------------------------------------------------


def visible_conferences(user, cpts):
    rows = CaseConference.objects.for_cpts(cpts)
    if cpts_role(user, cpts) is None:
        return rows.none()
    if is_coordinator(user, cpts):
        return rows
    invited = Invitation.objects.filter(
        membership__status=MembershipStatus.ACTIVE, membership__professional__user=user
    ).values("meeting_id")
    own_decisions = ConferenceDecision.objects.for_cpts(cpts).owned_by(user).values("conference_id")
    patients = pathways_policies.visible_inclusions(user, cpts).values("pk")
    return rows.filter(
        Q(requested_by=user) | Q(meeting__in=invited) | Q(inclusion__in=patients) | Q(pk__in=own_decisions)
    )


def can_see_conference(user, conference) -> bool:
    return visible_conferences(user, conference.cpts_id).filter(pk=conference.pk).exists()


def sees_patient(user, conference) -> bool:
    """Whether the patient's identity (the inclusion) is shown: to whoever sees it in the pathways."""
    return conference.inclusion_id is not None and pathways_policies.can_see_inclusion(user, conference.inclusion)


def can_request_conference(user, cpts) -> bool:
    return can_write_quality(user, cpts)


def can_request_for(user, inclusion) -> bool:
    """A conference on a patient included and followed: who sees that patient (lead, care team,
    coordinators)."""
    return (
        inclusion.status == InclusionStatus.ACTIVE
        and can_write_quality(user, inclusion.cpts_id)
        and pathways_policies.can_see_inclusion(user, inclusion)
    )


def can_prepare_conference(user, conference) -> bool:
    """Poll its date and invite its participants (the meetings app): the coordinators."""
    return conference.status == ConferenceStatus.REQUESTED and can_manage_quality(user, conference.cpts_id)


def runs_conference(user, conference) -> bool:
    return is_coordinator(user, conference.cpts_id) or conference.requested_by_id == user.pk


def can_run_conference(user, conference) -> bool:
    """Record, cancel, follow its decisions: the coordinators and the requester, in a CPTS that
    is not dissolved (whatever its state: each action checks its own)."""
    return can_write_quality(user, conference.cpts_id) and runs_conference(user, conference)


def can_record_conference(user, conference) -> bool:
    """Write the record of the day, once it is scheduled."""
    return conference.status == ConferenceStatus.SCHEDULED and can_run_conference(user, conference)


def can_cancel_conference(user, conference) -> bool:
    return conference.status in OPEN_CONFERENCE and can_run_conference(user, conference)


# --- Follow-up: decisions and improvement actions --------------------------------------------


def owns(user, follow_up) -> bool:
    owner = follow_up.owner
    return (
        owner is not None
        and owner.status == MembershipStatus.ACTIVE
        and owner.professional is not None
        and owner.professional.user_id == user.pk
        and cpts_role(user, follow_up.cpts_id) is not None
    )


def can_complete_decision(user, decision) -> bool:
    if decision.status != FollowUpStatus.OPEN or not can_write_quality(user, decision.cpts_id):
        return False
    return owns(user, decision) or runs_conference(user, decision.conference)


def can_drop_decision(user, decision) -> bool:
    return decision.status == FollowUpStatus.OPEN and can_run_conference(user, decision.conference)


def visible_decisions(user, cpts):
    """The decisions of the conferences this user sees."""
    return ConferenceDecision.objects.for_cpts(cpts).filter(conference__in=visible_conferences(user, cpts).values("pk"))


def leads_review(user, review) -> bool:
    return is_coordinator(user, review.cpts_id) or (
        review.referent_id == user.pk and cpts_role(user, review.cpts_id) is not None
    )


def can_complete_action(user, action) -> bool:
    if action.status != FollowUpStatus.OPEN or not can_write_quality(user, action.cpts_id):
        return False
    return owns(user, action) or leads_review(user, action.review)


def can_drop_action(user, action) -> bool:
    return (
        action.status == FollowUpStatus.OPEN
        and can_write_quality(user, action.cpts_id)
        and leads_review(user, action.review)
    )


def visible_improvement_actions(user, cpts):
    """The improvement actions of the reviews this user reads whole, and their own."""
    rows = ImprovementAction.objects.for_cpts(cpts)
    if cpts_role(user, cpts) is None:
        return rows.none()
    if is_coordinator(user, cpts):
        return rows
    return rows.filter(Q(review__in=reviews_read_whole(user, cpts).values("pk")) | Q(owner__professional__user=user))


def my_open_follow_ups(user, cpts):
    """(decisions, actions) open and owned by this user: what waits for them."""
    if cpts_role(user, cpts) is None:
        return ConferenceDecision.objects.none(), ImprovementAction.objects.none()
    decisions = ConferenceDecision.objects.for_cpts(cpts).open().owned_by(user)
    actions = ImprovementAction.objects.for_cpts(cpts).open().owned_by(user)
    return decisions, actions


# --- Reviews of adverse events -----------------------------------------------------------------


def can_report_event(user, cpts) -> bool:
    return can_write_quality(user, cpts)


def reviews_read_whole(user, cpts):
    """The reviews this user reads whole: all for the coordinators; a member's own reports and
    those they are the referent of."""
    rows = IncidentReview.objects.for_cpts(cpts)
    if cpts_role(user, cpts) is None:
        return rows.none()
    if is_coordinator(user, cpts):
        return rows
    return rows.filter(Q(reported_by=user) | Q(referent=user))


def visible_reviews(user, cpts):
    """Read whole, or shared with every member (the summary only: `reads_review_whole`)."""
    rows = IncidentReview.objects.for_cpts(cpts)
    if cpts_role(user, cpts) is None:
        return rows.none()
    if is_coordinator(user, cpts):
        return rows
    return rows.filter(Q(reported_by=user) | Q(referent=user) | Q(shared_at__isnull=False))


def can_see_review(user, review) -> bool:
    return visible_reviews(user, review.cpts_id).filter(pk=review.pk).exists()


def reads_review_whole(user, review) -> bool:
    """The row-level form of `reviews_read_whole` (no query: the roles are read once)."""
    if cpts_role(user, review.cpts_id) is None:
        return False
    return is_coordinator(user, review.cpts_id) or user.pk in (review.reported_by_id, review.referent_id)


def can_assign_referent(user, review) -> bool:
    return review.status == ReviewStatus.REPORTED and can_manage_quality(user, review.cpts_id)


def can_analyse_review(user, review) -> bool:
    """Write the analysis, decide the actions: the referent and the coordinators, while it runs."""
    return (
        review.status in (ReviewStatus.ANALYSIS, ReviewStatus.ACTIONS)
        and can_write_quality(user, review.cpts_id)
        and leads_review(user, review)
    )


def can_decide_review(user, review) -> bool:
    """End the analysis and follow the actions: while it is in analysis."""
    return review.status == ReviewStatus.ANALYSIS and can_analyse_review(user, review)


def can_close_review(user, review) -> bool:
    return (
        review.status == ReviewStatus.ACTIONS and can_write_quality(user, review.cpts_id) and leads_review(user, review)
    )


def can_dismiss_review(user, review) -> bool:
    return (
        review.status in (ReviewStatus.REPORTED, ReviewStatus.ANALYSIS)
        and can_write_quality(user, review.cpts_id)
        and leads_review(user, review)
    )


def can_share_review(user, review) -> bool:
    return (
        review.status in (ReviewStatus.ACTIONS, ReviewStatus.CLOSED)
        and can_write_quality(user, review.cpts_id)
        and leads_review(user, review)
    )


# --- Practice-analysis groups ------------------------------------------------------------------


def visible_groups(user, cpts):
    if cpts_role(user, cpts) is None:
        return PracticeGroup.objects.none()
    return PracticeGroup.objects.for_cpts(cpts)


def can_create_group(user, cpts) -> bool:
    return can_manage_quality(user, cpts)


def leads_group(user, group) -> bool:
    facilitator = group.facilitator
    return (
        facilitator is not None
        and facilitator.status == MembershipStatus.ACTIVE
        and facilitator.professional is not None
        and facilitator.professional.user_id == user.pk
        and cpts_role(user, group.cpts_id) is not None
    )


def can_manage_group(user, group) -> bool:
    """Change the group, its members, hold sessions: the coordinators and its facilitator."""
    if not group.is_open or not can_write_quality(user, group.cpts_id):
        return False
    return is_coordinator(user, group.cpts_id) or leads_group(user, group)


def visible_sessions(user, cpts):
    if cpts_role(user, cpts) is None:
        return GroupSession.objects.none()
    return GroupSession.objects.for_cpts(cpts)


# --- Pathway evaluation ------------------------------------------------------------------------


def can_evaluate_pathway(user, inclusion) -> bool:
    """The evaluation of a patient's path reads the whole timeline: who sees the patient."""
    return pathways_policies.can_see_inclusion(user, inclusion)
