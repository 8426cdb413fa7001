"""Who may see and do what of mission 6 — the one place that says it; the pages
(maillon/www/support_views/) and the API (maillon/api/support.py, maillon/api/ads.py) ask here.

- **anyone**, without an account: the open placements and the housing's free rooms (« Faire son
  stage ici », no personal data), the published ads that have not expired, the CPTS's public page;
  anyone applies to a placement.
- **every role in the CPTS** (coordinators, members) reads its supervisors, housing, shared
  equipment and cross-trainings, submits ads and books the equipment for themselves.
- **a member** also reads the placements they supervise and the applications to them (and decides
  them), the tutoring pairs they are in, their own ads (and changes them while they wait), their own
  installation project if the coordination opened one for them.
- **the coordinators** manage everything else: supervisors, placements, applications, housing and its
  bookings (occupants' names), installation projects (personal data of people who are not members
  yet), ad moderation, tutoring pairs, cross-trainings, equipment, the public page.
- the authority and the observers read mission 6 through the ACI indicators only; nobody else, a
  platform admin included: 404 as for a missing object. A dissolved CPTS is read, not written.
"""

from django.db.models import Q
from django.utils import timezone

from maillon.core.models import Cpts
from maillon.core.policies import cpts_role, is_authenticated, is_coordinator, read_once
from maillon.members.models import Membership, MembershipStatus

from .models import (
    Ad,
    AdStatus,
    ApplicationStatus,
    BookingStatus,
    CrossTraining,
    Equipment,
    EquipmentBooking,
    Housing,
    HousingBooking,
    InstallationProject,
    InstallationStatus,
    Placement,
    PlacementApplication,
    PlacementStatus,
    Supervisor,
    Tutoring,
    TutoringStatus,
)


def _is_dissolved(user, cpts) -> bool:
    """Read once per request's user and CPTS: a page asks it for each of its rows."""
    if isinstance(cpts, Cpts):
        return cpts.is_dissolved
    if not is_authenticated(user):
        return True
    found = read_once(user, "_maillon_support_cpts", cpts, lambda key: Cpts.objects.filter(pk=key).first())
    return found is None or found.is_dissolved


def can_use_support(user, cpts) -> bool:
    """The mission 6 pages of a CPTS: any role there."""
    return cpts_role(user, cpts) is not None


def can_write_support(user, cpts) -> bool:
    """Any role in a CPTS that is not dissolved."""
    return cpts_role(user, cpts) is not None and not _is_dissolved(user, cpts)


def can_manage_support(user, cpts) -> bool:
    """The coordinators of a CPTS that is not dissolved."""
    return is_coordinator(user, cpts) and not _is_dissolved(user, cpts)


def booking_membership(user, cpts) -> Membership | None:
    """The user's own active adhesion as a professional of the CPTS (who borrows equipment)."""
    if not is_authenticated(user):
        return None
    return read_once(
        user,
        "_maillon_support_adhesion",
        cpts,
        lambda key: (
            Membership.objects.filter(cpts_id=key, professional__user=user, status=MembershipStatus.ACTIVE)
            .select_related("professional")
            .order_by("pk")
            .first()
        ),
    )


# --- Trainees ----------------------------------------------------------------------------------


def visible_supervisors(user, cpts):
    rows = Supervisor.objects.for_cpts(cpts)
    return rows if can_use_support(user, cpts) else rows.none()


def can_manage_supervisors(user, cpts) -> bool:
    return can_manage_support(user, cpts)


def _supervised_by(user):
    return Q(supervisor__membership__professional__user=user)


def visible_placements(user, cpts):
    rows = Placement.objects.for_cpts(cpts)
    if is_coordinator(user, cpts):
        return rows
    if cpts_role(user, cpts) is None:
        return rows.none()
    return rows.filter(_supervised_by(user))


def can_see_placement(user, placement) -> bool:
    return visible_placements(user, placement.cpts_id).filter(pk=placement.pk).exists()


def can_offer_placement(user, cpts) -> bool:
    return can_manage_support(user, cpts)


def can_fill_placement(user, placement) -> bool:
    """Name the trainee of a placement (the faculty assigned them without an application): the
    coordinators (the workflow refuses a placement that is not open, saying why)."""
    return can_manage_support(user, placement.cpts_id)


def can_cancel_placement(user, placement) -> bool:
    return placement.status != PlacementStatus.CANCELLED and can_manage_support(user, placement.cpts_id)


def visible_applications(user, cpts):
    """Coordinators: every application (spontaneous ones too); a supervisor: those to their
    placements."""
    rows = PlacementApplication.objects.for_cpts(cpts)
    if is_coordinator(user, cpts):
        return rows
    if cpts_role(user, cpts) is None:
        return rows.none()
    return rows.filter(placement__supervisor__membership__professional__user=user)


def can_decide_application(user, application) -> bool:
    """Accept or decline a received application: the coordinators, or the supervisor of its
    placement (a spontaneous one: the coordinators)."""
    if application.status != ApplicationStatus.RECEIVED or not can_write_support(user, application.cpts_id):
        return False
    if is_coordinator(user, application.cpts_id):
        return True
    # Read through the row (pages select_related it): no query per application.
    placement = application.placement
    return placement is not None and placement.supervisor.membership.professional.user_id == user.pk


def visible_housing(user, cpts):
    rows = Housing.objects.for_cpts(cpts)
    return rows if can_use_support(user, cpts) else rows.none()


def can_manage_housing(user, cpts) -> bool:
    return can_manage_support(user, cpts)


def visible_housing_bookings(user, cpts):
    """The occupants' names: the coordinators only."""
    rows = HousingBooking.objects.for_cpts(cpts)
    return rows if is_coordinator(user, cpts) else rows.none()


def can_cancel_housing_booking(user, booking) -> bool:
    return booking.status == BookingStatus.BOOKED and can_manage_support(user, booking.cpts_id)


# --- Installation ------------------------------------------------------------------------------


def visible_installations(user, cpts):
    """Coordinators: all; a member: the project opened for their own adhesion."""
    rows = InstallationProject.objects.for_cpts(cpts)
    if is_coordinator(user, cpts):
        return rows
    if cpts_role(user, cpts) is None:
        return rows.none()
    return rows.filter(membership__professional__user=user)


def can_see_installation(user, project) -> bool:
    return visible_installations(user, project.cpts_id).filter(pk=project.pk).exists()


def can_read_installation_notes(user, project) -> bool:
    """The coordination's follow-up notes: the coordinators only (not the professional whose
    project it is; the steps' notes are theirs to read)."""
    return is_coordinator(user, project.cpts_id)


def can_follow_installation(user, project) -> bool:
    """Change the project, its steps and its outcome: the coordinators, while it is open."""
    return project.status == InstallationStatus.OPEN and can_manage_support(user, project.cpts_id)


def can_start_installation(user, cpts) -> bool:
    return can_manage_support(user, cpts)


# --- Ads ---------------------------------------------------------------------------------------


def visible_ads(user, cpts):
    """The CPTS's ads in its space: coordinators all; a member their own and the published ones."""
    rows = Ad.objects.for_cpts(cpts)
    if is_coordinator(user, cpts):
        return rows
    if cpts_role(user, cpts) is None:
        return rows.none()
    return rows.filter(Q(author=user) | Q(status=AdStatus.PUBLISHED))


def can_see_ad(user, ad) -> bool:
    return visible_ads(user, ad.cpts_id).filter(pk=ad.pk).exists()


def can_submit_ad(user, cpts) -> bool:
    return can_write_support(user, cpts)


def is_author(user, ad) -> bool:
    return is_authenticated(user) and ad.author_id == user.pk


def can_edit_ad(user, ad) -> bool:
    """The coordinators while it waits or is published; its author while it waits."""
    if not can_write_support(user, ad.cpts_id):
        return False
    if is_coordinator(user, ad.cpts_id):
        return ad.status in (AdStatus.SUBMITTED, AdStatus.PUBLISHED)
    return ad.status == AdStatus.SUBMITTED and is_author(user, ad)


def can_moderate_ad(user, ad) -> bool:
    return ad.status == AdStatus.SUBMITTED and can_manage_support(user, ad.cpts_id)


def can_close_ad(user, ad) -> bool:
    """Mark it « pourvue » or withdraw it: its author or the coordinators."""
    if ad.status not in (AdStatus.SUBMITTED, AdStatus.PUBLISHED) or not can_write_support(user, ad.cpts_id):
        return False
    return is_coordinator(user, ad.cpts_id) or is_author(user, ad)


# --- Peer help ---------------------------------------------------------------------------------


def visible_tutoring(user, cpts):
    rows = Tutoring.objects.for_cpts(cpts)
    if is_coordinator(user, cpts):
        return rows
    if cpts_role(user, cpts) is None:
        return rows.none()
    return rows.involving(user)


def can_manage_tutoring(user, cpts) -> bool:
    return can_manage_support(user, cpts)


def can_end_tutoring(user, tutoring) -> bool:
    """The coordinators and the tutor."""
    if tutoring.status != TutoringStatus.ACTIVE or not can_write_support(user, tutoring.cpts_id):
        return False
    return is_coordinator(user, tutoring.cpts_id) or tutoring.tutor.professional.user_id == getattr(user, "pk", None)


def visible_cross_trainings(user, cpts):
    rows = CrossTraining.objects.for_cpts(cpts)
    return rows if can_use_support(user, cpts) else rows.none()


def can_plan_cross_training(user, cpts) -> bool:
    return can_manage_support(user, cpts)


def visible_equipment(user, cpts):
    rows = Equipment.objects.for_cpts(cpts)
    return rows if can_use_support(user, cpts) else rows.none()


def can_manage_equipment(user, cpts) -> bool:
    return can_manage_support(user, cpts)


def visible_equipment_bookings(user, cpts):
    """Every role reads who has the equipment when (colleagues lend it to each other)."""
    rows = EquipmentBooking.objects.for_cpts(cpts)
    return rows if can_use_support(user, cpts) else rows.none()


def can_book_equipment(user, cpts) -> bool:
    """For themselves (an active professional adhesion), or the coordinators for an adherent."""
    if not can_write_support(user, cpts):
        return False
    return is_coordinator(user, cpts) or booking_membership(user, cpts) is not None


def can_book_for_others(user, cpts) -> bool:
    return can_manage_support(user, cpts)


def _borrows_or_coordinates(user, booking) -> bool:
    if is_coordinator(user, booking.cpts_id):
        return True
    own = booking_membership(user, booking.cpts_id)
    return own is not None and own.pk == booking.membership_id


def can_read_booking_purpose(user, booking) -> bool:
    """What the equipment is borrowed for: the borrower and the coordinators (the others read who
    has it when)."""
    return cpts_role(user, booking.cpts_id) is not None and _borrows_or_coordinates(user, booking)


def can_cancel_equipment_booking(user, booking) -> bool:
    """A booking not over yet (a past one is history, counted): the borrower or the coordinators."""
    if booking.status != BookingStatus.BOOKED or booking.ends_at <= timezone.now():
        return False
    return can_write_support(user, booking.cpts_id) and _borrows_or_coordinates(user, booking)


# --- The public page ---------------------------------------------------------------------------


def can_edit_site(user, cpts) -> bool:
    return can_manage_support(user, cpts)
