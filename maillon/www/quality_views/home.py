"""The « Qualité » home of a CPTS (mission 5): what waits for this person, counted through the
policies (conferences to prepare, reviews to analyse, decisions and actions late, the next
group sessions), and the way to every mission 5 page. Counts only: nothing named here, but the
themes of the group sessions to come.

Helpers the other mission 5 pages of this package share (the door, the breadcrumb) live here too."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from maillon.core.policies import is_coordinator
from maillon.meetings.models import MeetingStatus
from maillon.quality import policies
from maillon.quality.models import ConferenceStatus, ReviewStatus

from ..space import allow, space_breadcrumb, visible_if
from . import page

QUALITY_TITLE = "Qualité et pertinence des soins"
NEXT_SESSIONS_SHOWN = 5


# The door of every mission 5 page: 404, as for a CPTS that does not exist, unless the user
# may use the quality pages (a role in this CPTS).
require_quality = visible_if(policies.can_use_quality)


def quality_link(cpts) -> tuple[str, str]:
    return ("Qualité", reverse("quality_home", args=[cpts.slug]))


def quality_breadcrumb(cpts, current: str, *links) -> dict:
    """CPTS › Espace membres › Qualité › … › current page."""
    return space_breadcrumb(cpts, current, quality_link(cpts), *links)


def upcoming_sessions(user, cpts):
    """The group sessions to come (date fixed) or still polled, the soonest first."""
    return (
        policies.visible_sessions(user, cpts)
        .filter(
            Q(meeting__status=MeetingStatus.POLL)
            | Q(meeting__status=MeetingStatus.SCHEDULED, meeting__starts_at__gte=timezone.now())
        )
        .select_related("group", "meeting")
        .order_by("meeting__starts_at", "pk")
    )


def open_and_late(follow_ups, today) -> dict:
    """{"open": …, "late": …}: open decisions or improvement actions counted, and those past
    their due date (one query; shared by this home and the « À traiter » of the member's space)."""
    return follow_ups.aggregate(open=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))


def figures(user, cpts, today) -> dict:
    """The counts of the home, each from the policies (one query per kind of thing)."""
    coordinator = is_coordinator(user, cpts)
    conferences = policies.visible_conferences(user, cpts).aggregate(
        requested=Count("pk", filter=Q(status=ConferenceStatus.REQUESTED)),
        scheduled=Count("pk", filter=Q(status=ConferenceStatus.SCHEDULED)),
    )
    reviews = policies.reviews_read_whole(user, cpts)
    if not coordinator:
        reviews = reviews.filter(referent=user)
    reviews = reviews.aggregate(
        reported=Count("pk", filter=Q(status=ReviewStatus.REPORTED)),
        analysis=Count("pk", filter=Q(status=ReviewStatus.ANALYSIS)),
        actions=Count("pk", filter=Q(status=ReviewStatus.ACTIONS)),
    )
    if coordinator:
        decisions = policies.visible_decisions(user, cpts).open()
        actions = policies.visible_improvement_actions(user, cpts).open()
    else:
        decisions, actions = policies.my_open_follow_ups(user, cpts)
    decisions, actions = open_and_late(decisions, today), open_and_late(actions, today)
    return {"conferences": conferences, "reviews": reviews, "decisions": decisions, "actions": actions}


@page("qualite/")
@allow("GET", check=require_quality)
def quality_home(request, cpts_slug):
    cpts, user = request.cpts, request.user
    today = timezone.localdate()
    sessions = list(upcoming_sessions(user, cpts)[: NEXT_SESSIONS_SHOWN + 1])
    context = {
        "cpts": cpts,
        "coordinator": is_coordinator(user, cpts),
        "figures": figures(user, cpts, today),
        "sessions": sessions[:NEXT_SESSIONS_SHOWN],
        "sessions_more": len(sessions) > NEXT_SESSIONS_SHOWN,
        "may_request": policies.can_request_conference(user, cpts),
        "may_report": policies.can_report_event(user, cpts),
        "may_create_group": policies.can_create_group(user, cpts),
        "title": f"{QUALITY_TITLE} — {cpts.name}",
        "heading": QUALITY_TITLE,
        "breadcrumb_data": space_breadcrumb(cpts, "Qualité"),
    }
    return render(request, "quality/home.html", context)
