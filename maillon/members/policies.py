"""Who may see the members of a CPTS and take which step on them — the one place that says it;
the pages (maillon/www/members_views/, maillon/www/observatory_views/) and the API
(maillon/api/members.py) both ask here.

- Any role in the CPTS (coordinator or member) sees the shared directory (annuaire: cards,
  vCards, structures), the active adhesions (API), the adherents in figures, and edits their
  own card; the representative of a member structure edits its card.
- The coordinators see every adhesion (requests, refusals, departures) and run the
  coordination: decisions on adhesions, collèges, fees, imports, messages, directory exports.
- The territorial roles (authority, observer, SAS regulator) see the counts of adherents of
  the CPTS of their départements or régions (observatoire), never a name.
- Platform admins (superusers), least access: the members' directory and adhesions are
  personal data, so without a role in the CPTS they see none of them and take no step (they
  used to, through `core.access.require_cpts_role` and the API's `access()`). They keep the
  counts, which name nobody: the adherents in figures of any CPTS and the observatory of any
  région they choose.

The callers answer 404 (as for a missing object) when the user may not see the object or
the list, and 403 when they see it but may not take the action.
"""

from maillon.core.policies import cpts_role, has_cpts_role, is_coordinator, is_platform_admin
from maillon.territories.models import Region
from maillon.territories.policies import observed_areas

from .models import Membership, MembershipStatus

# --- The directory and one's own card ---------------------------------------------------


def can_see_directory(user, cpts) -> bool:
    """The members of the CPTS: the shared directory (search, cards, vCards, structures) and, in
    the API, the members and structures lists (`visible_memberships` says which): any role there."""
    return has_cpts_role(user, cpts)


def can_edit_own_card(user, cpts) -> bool:
    """« Ma fiche »: any role in the CPTS (the page then finds, or not, their active card)."""
    return has_cpts_role(user, cpts)


def can_export_directory(user, cpts) -> bool:
    """The directory as CSV or XLSX, with phones and numbers: the coordinators."""
    return is_coordinator(user, cpts)


def can_edit_structure_card(user, structure, cpts) -> bool:
    """A member structure's card: its representative (with a role in the CPTS) or the coordinators."""
    role = cpts_role(user, cpts)
    if role is None:
        return False
    return is_coordinator(user, cpts) or (
        structure.representative_id is not None and structure.representative_id == user.pk
    )


# --- Adhesions --------------------------------------------------------------------------


def visible_memberships(user, cpts, memberships=None):
    """The adhesions of the CPTS this user may see: all for its coordinators, the active ones
    for its members, none for anyone else. `memberships`: a queryset to narrow (the CPTS's
    adhesions by default)."""
    if memberships is None:
        memberships = Membership.objects.for_cpts(cpts)
    role = cpts_role(user, cpts)
    if role is None:
        return memberships.none()
    if is_coordinator(user, cpts):
        return memberships
    return memberships.filter(status=MembershipStatus.ACTIVE)


def can_see_membership(user, membership) -> bool:
    if is_coordinator(user, membership.cpts_id):
        return True
    return has_cpts_role(user, membership.cpts_id) and membership.status == MembershipStatus.ACTIVE


def can_see_adhesion_history(user, membership) -> bool:
    """Fees, the leave reason and the history of states: the coordination and the member
    themself; the other members see the adhesion, not this."""
    if is_coordinator(user, membership.cpts_id):
        return True
    professional_user = getattr(membership.professional, "user_id", None)
    return has_cpts_role(user, membership.cpts_id) and professional_user is not None and professional_user == user.pk


def can_manage_members(user, cpts) -> bool:
    """The coordination of the members: the list of every adhesion, adding members and
    structures, collèges, fees, imports, messages."""
    return is_coordinator(user, cpts)


def can_import_members(user, cpts) -> bool:
    """Import a file of members (the page and `POST …/members/import`): the coordination."""
    return is_coordinator(user, cpts)


def can_decide_membership(user, membership) -> bool:
    """Accept, refuse, record a departure; collège, involvement, missions, fees, invitation."""
    return is_coordinator(user, membership.cpts_id)


# --- Figures ----------------------------------------------------------------------------


def can_see_figures(user, cpts) -> bool:
    """The adherents of the CPTS counted by profession (no name): any role there, and the
    platform admins."""
    return has_cpts_role(user, cpts) or is_platform_admin(user)


def visible_areas(user, chosen_region: str = "") -> list[tuple]:
    """The départements and régions whose adherents' counts the user sees in the observatory,
    as `(level, code, name)`: those of their territorial roles; for a platform admin, the
    région they chose (any)."""
    if is_platform_admin(user):
        regions = Region.objects.filter(pk=chosen_region) if chosen_region else Region.objects.none()
        return [("region", region.code, region.name) for region in regions]
    return list(observed_areas(user))


def can_see_observatory(user, chosen_region: str = "") -> bool:
    """The observatory page: a territorial role, or a platform admin (who picks a région there)."""
    return is_platform_admin(user) or bool(visible_areas(user, chosen_region))
