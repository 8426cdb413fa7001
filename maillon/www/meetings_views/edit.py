"""The coordinator edits a meeting (poll or scheduled) or deletes it (a poll without time
only, after a confirmation; otherwise the page offers to cancel it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.meetings import services
from maillon.meetings.models import Meeting, MeetingStatus

from ..space import allow
from . import page
from .common import add_errors, ensure_allowed, meetings_breadcrumb, meetings_link, policies, require_meetings
from .forms import MeetingDetailsForm


def meeting_to_run(request, pk):
    """The meeting: 404 unless the user sees it (as a missing one), 403 unless they run it."""
    meeting = get_object_or_404(policies.visible_meetings(request.user, request.cpts).select_related("cpts"), pk=pk)
    ensure_allowed(policies.can_run_meeting(request.user, meeting))
    return meeting


def is_open(meeting) -> bool:
    """Still a poll or scheduled: the states a meeting is cancelled from (its details and
    invitations can change)."""
    return Meeting.workflow.can(meeting, "cancel")


def context_for(request, meeting, current, **extra):
    cpts = request.cpts
    return {
        "cpts": cpts,
        "meeting": meeting,
        "coordinator": True,
        "section": "meetings",
        "title": f"{current} — {meeting}",
        "breadcrumb_data": meetings_breadcrumb(
            cpts,
            current,
            meetings_link(cpts),
            (str(meeting), meeting_url(meeting)),
        ),
        **extra,
    }


def meeting_url(meeting):
    return reverse("meetings_meeting", args=[meeting.cpts.slug, meeting.pk])


@page("reunions/<int:pk>/modifier/")
@allow("GET", "POST", check=require_meetings)
def meetings_meeting_edit(request, cpts_slug, pk):
    meeting = meeting_to_run(request, pk)
    editable = is_open(meeting)
    initial = {name: getattr(meeting, name) for name in services.EDITABLE_FIELDS}
    form = MeetingDetailsForm(request.POST if request.method == "POST" and editable else None, initial=initial)
    if request.method == "POST" and editable and form.is_valid():
        try:
            changed = services.update_meeting(meeting=meeting, by=request.user, **form.meeting_fields())
        except ValidationError as error:
            add_errors(form, error)
        else:
            if not changed:
                messages.info(request, "Aucune modification.")
            elif meeting.status == MeetingStatus.SCHEDULED and {"place", "visio_url"} & set(changed):
                messages.success(request, "Réunion modifiée : les invités reçoivent le nouveau lieu ou lien.")
            else:
                messages.success(request, "Réunion modifiée.")
            return redirect("meetings_meeting", cpts_slug=meeting.cpts.slug, pk=meeting.pk)
    return render(
        request,
        "meetings/meeting_edit.html",
        context_for(request, meeting, "Modifier la réunion", form=form, editable=editable),
    )


@page("reunions/<int:pk>/supprimer/")
@allow("GET", "POST", check=require_meetings)
def meetings_meeting_delete(request, cpts_slug, pk):
    meeting = meeting_to_run(request, pk)
    refusal = services.deletion_refusal(meeting)
    if request.method == "POST" and not refusal:
        try:
            services.delete_meeting(meeting=meeting, by=request.user)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(request, f"Réunion « {meeting.title} » supprimée.")
            return redirect("meetings_list", cpts_slug=meeting.cpts.slug)
    context = context_for(
        request,
        meeting,
        "Supprimer la réunion",
        refusal=refusal,
        can_cancel=is_open(meeting),
        invited=meeting.invitations.count(),
    )
    return render(request, "meetings/meeting_delete.html", context)
