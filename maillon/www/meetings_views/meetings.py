"""The meetings: the list (the coordinator sees all, a member those they are invited to)
and, for the coordinator, a new meeting with its date poll and its invitees."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render

from maillon.meetings import services
from maillon.meetings.models import Meeting

from ..space import allow, posted_form
from . import page
from .common import add_errors, is_coordinator, meetings_breadcrumb, my_membership, policies, require_meetings
from .forms import MeetingForm


@page("reunions/")
@allow("GET", "POST", check=require_meetings)
def meetings_list(request, cpts_slug):
    cpts = request.cpts
    coordinator = is_coordinator(request)
    form = posted_form(request, coordinator, MeetingForm, cpts=cpts)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(
                cpts=cpts, by=request.user, slots=form.slot_pairs(), criteria=form.criteria(), **form.meeting_fields()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            count = meeting.invitations.count()
            messages.success(
                request,
                f"Réunion créée, {count} membre{'s' if count > 1 else ''} invité{'s' if count > 1 else ''} au sondage.",
            )
            return redirect("meetings_meeting", cpts_slug=cpts.slug, pk=meeting.pk)
    meetings = policies.visible_meetings(
        request.user, cpts, Meeting.objects.for_cpts(cpts).annotate(invited=Count("invitations", distinct=True))
    )
    membership = my_membership(request)
    context = {
        "cpts": cpts,
        "meetings": list(meetings),
        "form": form,
        "coordinator": coordinator,
        "membership": membership,
        "section": "meetings",
        "title": f"Réunions — {cpts.name}",
        "breadcrumb_data": meetings_breadcrumb(cpts, "Réunions"),
    }
    return render(request, "meetings/meetings.html", context)
