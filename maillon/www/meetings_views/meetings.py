"""The meetings: the list (the coordinator sees all, a member those they are invited to)
and, for the coordinator, a new meeting with its date poll and its invitees."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from maillon.meetings import services
from maillon.meetings.models import Meeting

from .common import add_errors, is_coordinator, meetings_breadcrumb, my_membership, require_member
from .forms import MeetingForm


def meetings_list(request, cpts_slug):
    require_member(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    coordinator = is_coordinator(request)
    if request.method == "POST" and not coordinator:
        raise Http404
    form = MeetingForm(request.POST or None, cpts=cpts) if coordinator else None
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
    meetings = Meeting.objects.for_cpts(cpts).annotate(invited=Count("invitations", distinct=True))
    membership = my_membership(request)
    if not coordinator:
        meetings = meetings.filter(invitations__membership=membership) if membership else meetings.none()
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
