"""The practice-analysis groups (« groupes d'analyse des pratiques », mission 5): every role in
the CPTS reads the groups and their sessions; the coordination creates a group; the coordination
and the group's facilitator change it (name, themes, members among the active adherents) and
hold its sessions — each a meeting of mission 5 polled among the group's members, whose
attendance counts their time. A session may take as its material a held conference's case
(« Cas n° … ») or a shared review (« Revue n° … »), both pseudonymised already."""

from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from maillon.core.policies import ensure_allowed
from maillon.meetings import policies as meeting_policies
from maillon.meetings.models import Attendance, MeetingStatus
from maillon.quality import policies, services
from maillon.quality.models import PracticeGroup

from ..space import allow, save_form
from . import page
from .forms_groups import GroupForm, SessionForm
from .home import quality_breadcrumb, require_quality

GROUPS_TITLE = "Groupes d'analyse des pratiques"


def groups_link(cpts) -> tuple[str, str]:
    return (GROUPS_TITLE, reverse("quality_groups", args=[cpts.slug]))


def group_link(group) -> tuple[str, str]:
    return (group.name, reverse("quality_group", args=[group.cpts.slug, group.pk]))


@page("qualite/groupes/")
@allow("GET", check=require_quality)
def quality_groups(request, cpts_slug):
    cpts, user = request.cpts, request.user
    now = timezone.now()
    coming = Q(sessions__meeting__status=MeetingStatus.SCHEDULED, sessions__meeting__starts_at__gte=now)
    groups = (
        policies.visible_groups(user, cpts)
        .select_related("facilitator__professional", "facilitator__structure")
        .annotate(
            member_count=Count("members", distinct=True),
            next_at=Min("sessions__meeting__starts_at", filter=coming),
            polls=Count("sessions", filter=Q(sessions__meeting__status=MeetingStatus.POLL), distinct=True),
            held=Count("sessions", filter=Q(sessions__meeting__status=MeetingStatus.HELD), distinct=True),
        )
        .order_by("closed_on", "name", "pk")
    )
    context = {
        "cpts": cpts,
        "groups": list(groups),
        "may_create": policies.can_create_group(user, cpts),
        "title": f"{GROUPS_TITLE} — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, GROUPS_TITLE),
    }
    return render(request, "quality/groups.html", context)


def group_or_404(request, pk) -> PracticeGroup:
    groups = policies.visible_groups(request.user, request.cpts).select_related(
        "facilitator__professional", "facilitator__structure"
    )
    return get_object_or_404(groups, pk=pk)


def write(group, form):
    """Save a group created or changed from the valid `form` (its fields, its members)."""
    for name, value in form.group_fields().items():
        setattr(group, name, value)
    services.save_group(group, members=form.chosen_members())


def form_page(request, form, *, heading, post_to, cancel_url, crumbs, status=200):
    cpts = request.cpts
    context = {
        "cpts": cpts,
        "form": form,
        "heading": heading,
        "post_to": post_to,
        "cancel_url": cancel_url,
        "title": f"{heading} — {cpts.name}",
        "breadcrumb_data": crumbs,
    }
    return render(request, "quality/group_form.html", context, status=400 if form.errors else status)


@page("qualite/groupes/nouveau/")
@allow("GET", "POST", check=require_quality)
def quality_group_create(request, cpts_slug):
    cpts = request.cpts
    ensure_allowed(policies.can_create_group(request.user, cpts))
    form = GroupForm(request.POST or None, cpts=cpts)
    group = PracticeGroup(cpts=cpts)

    if request.method == "POST" and save_form(request, form, lambda: write(group, form), "Groupe créé."):
        return redirect("quality_group", cpts_slug=cpts.slug, pk=group.pk)
    return form_page(
        request,
        form,
        heading="Nouveau groupe d'analyse des pratiques",
        post_to=reverse("quality_group_create", args=[cpts.slug]),
        cancel_url=reverse("quality_groups", args=[cpts.slug]),
        crumbs=quality_breadcrumb(cpts, "Nouveau groupe", groups_link(cpts)),
    )


def session_rows(request, group) -> list:
    """The group's sessions, the latest first, with their meeting and attendance counts (one query),
    and whether the user may open the meeting's page (the meetings app's policy)."""
    user, cpts = request.user, request.cpts
    sessions = list(
        group.sessions.select_related("meeting", "conference", "review")
        .annotate(
            invited=Count("meeting__invitations", distinct=True),
            present=Count(
                "meeting__invitations",
                filter=Q(meeting__invitations__attendance=Attendance.PRESENT),
                distinct=True,
            ),
        )
        .order_by("-meeting__starts_at", "-pk")
    )
    meetings = set(
        meeting_policies.visible_meetings(user, cpts)
        .filter(pk__in=[session.meeting_id for session in sessions])
        .values_list("pk", flat=True)
    )
    reviews = set(
        policies.visible_reviews(user, cpts)
        .filter(pk__in=[session.review_id for session in sessions if session.review_id])
        .values_list("pk", flat=True)
    )
    conferences = set(
        policies.visible_conferences(user, cpts)
        .filter(pk__in=[session.conference_id for session in sessions if session.conference_id])
        .values_list("pk", flat=True)
    )
    for session in sessions:
        session.meeting_shown = session.meeting_id in meetings
        session.review_shown = session.review_id in reviews
        session.conference_shown = session.conference_id in conferences
    return sessions


@page("qualite/groupes/<int:pk>/")
@allow("GET", check=require_quality)
def quality_group(request, cpts_slug, pk):
    cpts = request.cpts
    group = group_or_404(request, pk)
    members = list(
        group.members.select_related("professional", "structure").order_by(
            "professional__last_name", "professional__first_name", "pk"
        )
    )
    context = {
        "cpts": cpts,
        "group": group,
        "members": members,
        "sessions": session_rows(request, group),
        "may_manage": policies.can_manage_group(request.user, group),
        "held": MeetingStatus.HELD,
        "title": f"{group.name} — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, group.name, groups_link(cpts)),
    }
    return render(request, "quality/group.html", context)


def managed_group(request, pk) -> PracticeGroup:
    """404 for a group the user does not see, 403 unless they may change it."""
    group = group_or_404(request, pk)
    ensure_allowed(policies.can_manage_group(request.user, group))
    return group


@page("qualite/groupes/<int:pk>/modifier/")
@allow("GET", "POST", check=require_quality)
def quality_group_edit(request, cpts_slug, pk):
    cpts = request.cpts
    group = managed_group(request, pk)
    initial = {
        "name": group.name,
        "themes": group.themes,
        "description": group.description,
        "facilitator": group.facilitator_id,
        "members": list(group.members.values_list("pk", flat=True)),
    }
    form = GroupForm(request.POST or None, cpts=cpts, initial=initial)

    if request.method == "POST" and save_form(request, form, lambda: write(group, form), "Groupe enregistré."):
        return redirect("quality_group", cpts_slug=cpts.slug, pk=group.pk)
    return form_page(
        request,
        form,
        heading=f"Modifier « {group.name} »",
        post_to=reverse("quality_group_edit", args=[cpts.slug, group.pk]),
        cancel_url=reverse("quality_group", args=[cpts.slug, group.pk]),
        crumbs=quality_breadcrumb(cpts, "Modifier", groups_link(cpts), group_link(group)),
    )


@page("qualite/groupes/<int:pk>/seances/nouvelle/")
@allow("GET", "POST", check=require_quality)
def quality_group_session_add(request, cpts_slug, pk):
    cpts = request.cpts
    group = managed_group(request, pk)
    form = SessionForm(request.POST or None, cpts=cpts)

    def write():
        return services.hold_session(group, by=request.user, **form.session_fields())

    def done(session):
        count = session.meeting.invitations.count()
        plural = "s" if count > 1 else ""
        return f"Séance créée : {count} membre{plural} du groupe invité{plural} au sondage de dates."

    if request.method == "POST" and save_form(request, form, write, done):
        return redirect("quality_group", cpts_slug=cpts.slug, pk=group.pk)
    context = {
        "cpts": cpts,
        "group": group,
        "form": form,
        "title": f"Nouvelle séance — {group.name} — {cpts.name}",
        "breadcrumb_data": quality_breadcrumb(cpts, "Nouvelle séance", groups_link(cpts), group_link(group)),
    }
    return render(request, "quality/group_session_form.html", context, status=400 if form.errors else 200)
