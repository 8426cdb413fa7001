"""One meeting: the date poll (invitees answer, the coordinator sees the table and picks
a slot), more invitees while it is a poll or scheduled (by criteria, or picked by name:
the name is posted, never put in the address), then the attendance, which becomes time
entries. The page, then one view per action that posts back to it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from maillon.core import journal
from maillon.meetings import services
from maillon.meetings.models import Answer, Meeting, MeetingStatus

from ..space import action_view, allow
from . import page
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


def visible_meeting(request, pk) -> Meeting:
    """The meeting; 404 if the user may not see it, as a missing one."""
    return get_object_or_404(policies.visible_meetings(request.user, request.cpts), pk=pk)


def meeting_page(request, meeting, *, invite_form=None, q="", found=(), errors=()):
    """The page; after an action, with the posted form, the names found or the refusal."""
    cpts = request.cpts
    coordinator = policies.can_see_invitees(request.user, meeting)
    invitation = services.invitation_of(meeting, request.user)
    can = buttons(request.user, meeting)
    if can["can_invite"] and invite_form is None:
        invite_form = SelectionForm(cpts=cpts)
    slots, rows = meeting.poll_table()
    if coordinator:
        journal.record(journal.Action.READ, meeting, fields=["invitations.name"], note=f"{len(rows)} invité(s)")
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


@page("reunions/<int:pk>/")
@allow("GET", check=require_meetings)
def meetings_meeting(request, cpts_slug, pk):
    return meeting_page(request, visible_meeting(request, pk))


def back_to_meeting(request, meeting):
    return redirect("meetings_meeting", cpts_slug=request.cpts.slug, pk=meeting.pk)


def meeting_action(policy):
    """One action on a meeting (`space.action_view`): 404 for a meeting the user does not see,
    403 unless `policy(user, meeting)`; a refusal shows the page with its message."""

    def find(request, cpts_slug, pk):
        meeting = visible_meeting(request, pk)
        ensure_allowed(policy(request.user, meeting))
        return meeting

    return action_view(check=require_meetings, find=find, page=meeting_page, back=back_to_meeting)


@page("reunions/<int:pk>/disponibilites/")
@meeting_action(policies.can_answer_poll)
def meetings_meeting_answer(request, meeting):
    posted = {slot.pk: request.POST.get(f"slot_{slot.pk}", "") for slot in meeting.slots.all()}
    answers = {slot: answer for slot, answer in posted.items() if answer in Answer.values}
    services.answer_poll(meeting=meeting, user=request.user, answers=answers)
    messages.success(request, "Vos disponibilités sont enregistrées.")


@page("reunions/<int:pk>/fixer-la-date/")
@meeting_action(policies.can_run_meeting)
def meetings_meeting_choose(request, meeting):
    slot = get_object_or_404(meeting.slots, pk=posted_id(request.POST.get("slot")))
    meeting.choose_slot(slot, by=request.user)
    messages.success(request, f"Date fixée : {slot}.")


@page("reunions/<int:pk>/annuler/")
@meeting_action(policies.can_run_meeting)
def meetings_meeting_cancel(request, meeting):
    meeting.cancel(by=request.user)
    messages.success(request, "Réunion annulée.")


@page("reunions/<int:pk>/inviter/")
@meeting_action(policies.can_run_meeting)
def meetings_meeting_invite(request, meeting):
    """More invitees, by criteria."""
    if not is_open(meeting):
        raise ValidationError(f"Cette réunion est « {meeting.get_status_display()} » : l'action n'est pas possible.")
    form = SelectionForm(request.POST, cpts=request.cpts)
    if form.is_valid():
        try:
            new = services.invite_more(meeting=meeting, by=request.user, criteria=form.criteria())
        except ValidationError as error:
            add_errors(form, error)
        else:
            invited_message(request, len(new))
            return None
    return meeting_page(request, meeting, invite_form=form)


@page("reunions/<int:pk>/chercher/")
@meeting_action(policies.can_run_meeting)
def meetings_meeting_search(request, meeting):
    """Whom to invite by name: the words are posted, never put in the address nor journaled."""
    q = request.POST.get("q", "")[:100] if is_open(meeting) else ""
    found = services.search_invitable(meeting, q) if q.strip() else []
    if q.strip():
        note = f"recherche : {len(found)} résultat(s)"
        journal.record(journal.Action.READ, meeting, fields=["invitable.name"], note=note)
    return meeting_page(request, meeting, q=q, found=found)


@page("reunions/<int:pk>/inviter-par-nom/")
@meeting_action(policies.can_run_meeting)
def meetings_meeting_invite_picked(request, meeting):
    """More invitees, picked among the names the search found."""
    picked = [posted_id(value) for value in request.POST.getlist("membership")]
    new = services.invite_more(meeting=meeting, by=request.user, membership_ids=picked)
    invited_message(request, len(new))


@page("reunions/<int:pk>/presences/")
@meeting_action(policies.can_run_meeting)
def meetings_meeting_attendance(request, meeting):
    """Who was present: the meeting is held, each present member gets its time."""
    present = [posted_id(value) for value in request.POST.getlist("present")]
    result = services.record_attendance(meeting=meeting, present_ids=present, by=request.user)
    messages.success(request, f"Présences enregistrées : {result.created} temps ajouté(s), {result.removed} retiré(s).")
    for row in result.over_cap:
        to_confirm = "" if row.cap.confirmed else ", plafond à confirmer"
        messages.warning(
            request,
            f"{row.membership.member} dépasse le plafond annuel {row.year} "
            f"({row.amount} € pour {row.cap.amount} €{to_confirm}) : seul le plafond sera versé.",
        )
