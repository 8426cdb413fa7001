"""Who may see which meeting, time entry, indemnity and bank details, and take which step —
the one place that says it; the pages (maillon/www/meetings_views/) and the API
(maillon/api/meetings.py) both ask here.

- Any role in the CPTS opens the meetings and time pages; a member sees the meetings they
  are invited to (through their active adhesion) and answers their poll, declares their own
  project time (with an active adhesion), edits or deletes it while it is not validated, and
  reads their own yearly statement and bank details.
- The coordinators see every meeting with its invitees and answers, create, edit, delete and
  run them (date, cancellation, invitations, attendance), see and review everyone's time
  (validate, reject, withdraw a validation), set the hourly rate, and read the payment list
  (full IBANs, journaled) and every member's statement.
- Indemnities and bank details are a member's personal data: the member themself and the
  coordination of their CPTS, nobody else. Only the member enters their own IBAN (the
  coordination reads it on the payment list, never edits it).
- Platform admins (superusers), least access: invitees, time, indemnities and IBANs are
  personal data, so without a role in the CPTS they see none of it and take no step (they
  used to, through `www.space.is_coordinator`'s superuser clause and the API's `access()`).
- Territorial roles (authority, observer, SAS regulator) have nothing here.

The callers answer 404 (as for a missing object) when `visible_…` / `can_see_…` says no, and
403 when the object is visible but `can_…` refuses the action. Whether the object's state
allows the step is the workflow's say (`Meeting.workflow.can(meeting, "cancel")`), not a
policy's.
"""

from maillon.core.policies import cpts_role, has_cpts_role, is_authenticated, is_coordinator
from maillon.members.models import Membership, MembershipStatus

from .models import Invitation, Meeting, TimeEntry

# --- Who the user is here --------------------------------------------------------------


def own_membership(user, cpts):
    """The user's active adhesion to the CPTS (an instance or its id), through their
    professional card, or None (no card, no active adhesion, no role there)."""
    if not has_cpts_role(user, cpts):
        return None
    professional = getattr(user, "professional", None)
    if professional is None:
        return None
    return (
        Membership.objects.for_cpts(cpts)
        .filter(status=MembershipStatus.ACTIVE, professional=professional)
        .select_related("professional")
        .first()
    )


def is_own_membership(user, membership) -> bool:
    """The adhesion is the user's own, active one, and the user has a role in its CPTS."""
    return (
        is_authenticated(user)
        and has_cpts_role(user, membership.cpts_id)
        and membership.status == MembershipStatus.ACTIVE
        and membership.professional_id is not None
        and membership.professional.user_id == user.pk
    )


# --- Meetings --------------------------------------------------------------------------


def can_use_meetings(user, cpts) -> bool:
    """The meetings and time pages of the CPTS (and their API lists): any role there."""
    return has_cpts_role(user, cpts)


def can_manage_meetings(user, cpts) -> bool:
    """Create a meeting with its poll and invitees; see every meeting: the coordinators."""
    return is_coordinator(user, cpts)


def visible_meetings(user, cpts, meetings=None):
    """The meetings of the CPTS this user may see: all for the coordinators, those their active
    adhesion is invited to for a member, none for anyone else. `meetings`: a queryset to narrow."""
    if meetings is None:
        meetings = Meeting.objects.for_cpts(cpts)
    if is_coordinator(user, cpts):
        return meetings
    membership = own_membership(user, cpts)
    if membership is None:
        return meetings.none()
    return meetings.filter(pk__in=Invitation.objects.filter(membership=membership).values("meeting_id"))


def is_invited(user, meeting) -> bool:
    """The user's active adhesion is invited to the meeting (and they have a role in its CPTS)."""
    if not has_cpts_role(user, meeting.cpts_id):
        return False
    return meeting.invitations.filter(
        membership__status=MembershipStatus.ACTIVE, membership__professional__user=user
    ).exists()


def can_see_meeting(user, meeting) -> bool:
    return is_coordinator(user, meeting.cpts_id) or is_invited(user, meeting)


def can_answer_poll(user, meeting) -> bool:
    """Give one's availabilities: an invitee (whether the poll is still open is the meeting's state)."""
    return is_invited(user, meeting)


def can_see_invitees(user, meeting) -> bool:
    """Every invitee with their answers and attendance (journaled): the coordinators."""
    return is_coordinator(user, meeting.cpts_id)


def can_run_meeting(user, meeting) -> bool:
    """Fix the date, cancel, invite more, search whom to invite, record the attendance, edit
    the details or delete the meeting: the coordinators."""
    return is_coordinator(user, meeting.cpts_id)


# --- Time entries ----------------------------------------------------------------------


def can_declare_time(user, cpts) -> bool:
    """Declare project time: a role in the CPTS and an active adhesion of one's own."""
    return own_membership(user, cpts) is not None


def can_see_all_time(user, cpts) -> bool:
    """Everyone's time (the queue to review, the API's `scope=all`), journaled: the coordinators."""
    return is_coordinator(user, cpts)


def can_set_hourly_rate(user, cpts) -> bool:
    return is_coordinator(user, cpts)


def visible_time_entries(user, cpts, entries=None):
    """The time entries this user may see: all for the coordinators, their own adhesion's for
    a member, none for anyone else. `entries`: a queryset to narrow."""
    if entries is None:
        entries = TimeEntry.objects.for_cpts(cpts)
    if is_coordinator(user, cpts):
        return entries
    membership = own_membership(user, cpts)
    if membership is None:
        return entries.none()
    return entries.filter(membership=membership)


def is_own_entry(user, entry) -> bool:
    return is_own_membership(user, entry.membership)


def can_see_time_entry(user, entry) -> bool:
    return is_coordinator(user, entry.cpts_id) or is_own_entry(user, entry)


def can_edit_time_entry(user, entry) -> bool:
    """Edit (re-declare) or delete: its own member (whether its state allows it is the entry's say)."""
    return is_own_entry(user, entry)


def can_review_time_entry(user, entry) -> bool:
    """Validate, reject, withdraw a validation: the coordinators (their own time included)."""
    return is_coordinator(user, entry.cpts_id)


# --- Indemnities and bank details (personal data) --------------------------------------


def can_see_payments(user, cpts) -> bool:
    """The payment list of a year with full IBANs, and its exports (journaled): the coordinators."""
    return is_coordinator(user, cpts)


def can_see_statement(user, membership) -> bool:
    """A member's yearly statement (validated time, indemnity, masked IBAN): the member
    themself or the coordinators of the CPTS."""
    return is_coordinator(user, membership.cpts_id) or is_own_membership(user, membership)


def can_edit_bank_details(user, membership) -> bool:
    """Enter or replace the IBAN of an adhesion: its member only."""
    return is_own_membership(user, membership)


def can_manage_own_bank_details(user, cpts) -> bool:
    """The « coordonnées bancaires » page: any role in the CPTS (it then finds, or not, the
    user's active adhesion)."""
    return cpts_role(user, cpts) is not None
