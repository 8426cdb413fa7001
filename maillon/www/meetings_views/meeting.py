"""One meeting: the date poll (invitees answer, the coordinator sees the table and picks
a slot), more invitees while it is a poll or scheduled (by criteria, or picked by name:
the name is posted, never put in the address), then the attendance, which becomes time
entries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core import journal
from maillon.meetings import services
from maillon.meetings.models import Answer, Meeting, MeetingStatus

from .common import (
    add_errors,
    ensure_allowed,
    meetings_breadcrumb,
    meetings_link,
    policies,
    posted_id,
    require_meetings,
)
from .edit import is_open
from .forms import SelectionForm

COORDINATOR_ACTIONS = {"choose", "cancel", "attendance", "invite", "invite_picked", "search"}


def buttons(user, meeting) -> dict:
    """What this user may do on the meeting now: their right (`meetings.policies`) and the
    meeting's state (`Meeting.workflow`)."""
    runs = policies.can_run_meeting(user, meeting)
    return {
        "can_answer": policies.can_answer_poll(user, meeting) and meeting.status == MeetingStatus.POLL,
        "can_edit": runs and is_open(meeting),
        "can_choose": runs and Meeting.workflow.can(meeting, "schedule"),
        "can_cancel": runs and Meeting.workflow.can(meeting, "cancel"),
        "can_invite": runs and is_open(meeting),
        "can_record_attendance": runs
        and (Meeting.workflow.can(meeting, "hold") or meeting.status == MeetingStatus.HELD),
    }


def invited_message(request, count):
    if count:
        plural = "s" if count > 1 else ""
        messages.success(request, f"{count} adhérent{plural} invité{plural} : l'invitation leur est envoyée.")
    else:
        messages.info(request, "Aucun nouvel invité : les adhérents choisis sont déjà invités.")


def meetings_meeting(request, cpts_slug, pk):
    require_meetings(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    meeting = get_object_or_404(policies.visible_meetings(request.user, cpts), pk=pk)
    coordinator = policies.can_see_invitees(request.user, meeting)
    invitation = services.invitation_of(meeting, request.user)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST":
        if action == "answer":
            ensure_allowed(policies.can_answer_poll(request.user, meeting))
        elif action in COORDINATOR_ACTIONS:
            ensure_allowed(policies.can_run_meeting(request.user, meeting))
        else:
            raise Http404
    can = buttons(request.user, meeting)
    back = redirect("meetings_meeting", cpts_slug=cpts.slug, pk=meeting.pk)
    errors = []
    invite_form = None
    if can["can_invite"]:
        invite_form = SelectionForm(request.POST if action == "invite" else None, cpts=cpts)
    try:
        if action == "invite" and invite_form is not None and invite_form.is_valid():
            try:
                new = services.invite_more(meeting=meeting, by=request.user, criteria=invite_form.criteria())
            except ValidationError as error:
                add_errors(invite_form, error)
            else:
                invited_message(request, len(new))
                return back
        if action == "invite_picked":
            picked = [posted_id(value) for value in request.POST.getlist("membership")]
            new = services.invite_more(meeting=meeting, by=request.user, membership_ids=picked)
            invited_message(request, len(new))
            return back
        if action == "answer":
            answers = {
                slot.pk: request.POST.get(f"slot_{slot.pk}", "")
                for slot in meeting.slots.all()
                if request.POST.get(f"slot_{slot.pk}", "") in Answer.values
            }
            services.answer_poll(meeting=meeting, user=request.user, answers=answers)
            messages.success(request, "Vos disponibilités sont enregistrées.")
            return back
        if action == "choose":
            slot = get_object_or_404(meeting.slots, pk=posted_id(request.POST.get("slot")))
            meeting.choose_slot(slot, by=request.user)
            messages.success(request, f"Date fixée : {slot}.")
            return back
        if action == "cancel":
            meeting.cancel(by=request.user)
            messages.success(request, "Réunion annulée.")
            return back
        if action == "attendance":
            present = [posted_id(value) for value in request.POST.getlist("present")]
            result = services.record_attendance(meeting=meeting, present_ids=present, by=request.user)
            messages.success(
                request, f"Présences enregistrées : {result.created} temps ajouté(s), {result.removed} retiré(s)."
            )
            for row in result.over_cap:
                to_confirm = "" if row.cap.confirmed else ", plafond à confirmer"
                messages.warning(
                    request,
                    f"{row.membership.member} dépasse le plafond annuel {row.year} "
                    f"({row.amount} € pour {row.cap.amount} €{to_confirm}) : seul le plafond sera versé.",
                )
            return back
    except ValidationError as error:
        errors = error.messages
    if action == "invite" and invite_form is None:
        errors.append(f"Cette réunion est « {meeting.get_status_display()} » : l'action n'est pas possible.")
    slots, rows = meeting.poll_table()
    q = request.POST.get("q", "")[:100] if action == "search" and invite_form is not None else ""
    found = services.search_invitable(meeting, q) if q.strip() else []
    if coordinator:
        journal.record(journal.Action.READ, meeting, fields=["invitations.name"], note=f"{len(rows)} invité(s)")
        if q.strip():  # the words searched may be a name: not journaled
            journal.record(
                journal.Action.READ, meeting, fields=["invitable.name"], note=f"recherche : {len(found)} résultat(s)"
            )
    mine = {}
    if invitation is not None:
        mine = {answer.slot_id: answer.answer for answer in invitation.answers.all()}
    context = {
        "cpts": cpts,
        "meeting": meeting,
        "slots": slots,
        "rows": rows,
        "my_slots": [(slot, mine.get(slot.pk, "")) for slot in slots],
        "invitation": invitation,
        "answers": Answer.choices,
        "coordinator": coordinator,
        "poll_open": meeting.status == MeetingStatus.POLL,
        **can,
        "invite_form": invite_form,
        "q": q,
        "found": found,
        "errors": errors,
        "section": "meetings",
        "title": f"{meeting} — {cpts.name}",
        "breadcrumb_data": meetings_breadcrumb(cpts, str(meeting), meetings_link(cpts)),
    }
    return render(request, "meetings/meeting.html", context)
