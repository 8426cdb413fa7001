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

from .common import add_errors, is_coordinator, meetings_breadcrumb, meetings_link, posted_id, require_member
from .forms import SelectionForm

COORDINATOR_ACTIONS = {"choose", "cancel", "attendance", "invite", "invite_picked", "search"}
OPEN = (MeetingStatus.POLL, MeetingStatus.SCHEDULED)


def invited_message(request, count):
    if count:
        plural = "s" if count > 1 else ""
        messages.success(request, f"{count} adhérent{plural} invité{plural} : l'invitation leur est envoyée.")
    else:
        messages.info(request, "Aucun nouvel invité : les adhérents choisis sont déjà invités.")


def meetings_meeting(request, cpts_slug, pk):
    require_member(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    cpts = request.cpts
    meeting = get_object_or_404(Meeting.objects.for_cpts(cpts), pk=pk)
    coordinator = is_coordinator(request)
    invitation = services.invitation_of(meeting, request.user)
    if not coordinator and invitation is None:
        raise Http404
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and not (
        (coordinator and action in COORDINATOR_ACTIONS) or (invitation is not None and action == "answer")
    ):
        raise Http404
    back = redirect("meetings_meeting", cpts_slug=cpts.slug, pk=meeting.pk)
    errors = []
    invite_form = None
    if coordinator and meeting.status in OPEN:
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
        "can_record_attendance": meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.HELD),
        "is_open": meeting.status in OPEN,
        "invite_form": invite_form,
        "q": q,
        "found": found,
        "errors": errors,
        "section": "meetings",
        "title": f"{meeting} — {cpts.name}",
        "breadcrumb_data": meetings_breadcrumb(cpts, str(meeting), meetings_link(cpts)),
    }
    return render(request, "meetings/meeting.html", context)
