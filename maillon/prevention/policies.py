"""Who may see what of the prevention actions — the one place that says it; the pages
(maillon/www/prevention_views/), the API (maillon/api/prevention.py) ask here.

- any role in the CPTS reads its actions, measures, sessions and materials; the authority
  and the observers of its territory read them too (what the dialogue de gestion reports on:
  no personal data);
- the coordinators plan and change them, enter and import values;
- the registrants of a session (names, contacts) are seen by the coordinators and by the
  adherent in charge of the action, who keeps the attendance sheet;
- the public reads the public sessions of a CPTS and registers; a registrant cancels through
  the secret link of their confirmation e-mail (no account);
- nobody else, a platform admin included: 404 as for a missing action.
"""

from maillon.core.models import Cpts
from maillon.core.policies import cpts_role, is_coordinator
from maillon.members.models import MembershipStatus
from maillon.territories.policies import is_authority, is_observer

from .models import ActionStatus, Material, Measure, PreventionAction, PublicSession, Registration, SessionStatus


def can_see_prevention(user, cpts) -> bool:
    return cpts_role(user, cpts) is not None or is_authority(user, cpts) or is_observer(user, cpts)


def can_manage_prevention(user, cpts) -> bool:
    """The coordinators of a CPTS that is not dissolved (a dissolved one is read, not written)."""
    cpts = cpts if isinstance(cpts, Cpts) else Cpts.objects.filter(pk=cpts).first()
    return cpts is not None and not cpts.is_dissolved and is_coordinator(user, cpts)


def can_change_session(user, session) -> bool:
    """A session is changed while it is to be held: a held or cancelled one is history (the
    mission's counts read its date)."""
    return session.status == SessionStatus.SCHEDULED and can_manage_prevention(user, session.cpts)


def visible_actions(user, cpts):
    if not can_see_prevention(user, cpts):
        return PreventionAction.objects.none()
    return PreventionAction.objects.for_cpts(cpts)


def visible_measures(user, cpts):
    if not can_see_prevention(user, cpts):
        return Measure.objects.none()
    return Measure.objects.for_cpts(cpts)


def visible_sessions(user, cpts):
    if not can_see_prevention(user, cpts):
        return PublicSession.objects.none()
    return PublicSession.objects.for_cpts(cpts)


def visible_materials(user, cpts):
    if not can_see_prevention(user, cpts):
        return Material.objects.none()
    return Material.objects.for_cpts(cpts)


def leads_action(user, action) -> bool:
    owner = action.owner
    # An adherent who left the CPTS no longer holds the action's registrants.
    return (
        owner is not None
        and owner.status == MembershipStatus.ACTIVE
        and cpts_role(user, action.cpts_id) is not None
        and owner.cpts_id == action.cpts_id
        and owner.professional.user_id is not None
        and owner.professional.user_id == user.pk
    )


def can_see_registrants(user, session) -> bool:
    """The coordinators and the adherent in charge of the session's action."""
    return is_coordinator(user, session.cpts_id) or leads_action(user, session.action)


def can_keep_attendance(user, session) -> bool:
    return can_see_registrants(user, session)


def visible_registrations(user, session):
    if not can_see_registrants(user, session):
        return Registration.objects.none()
    return session.registrations.all()


def public_sessions(cpts):
    """What anyone may read: the published sessions of a CPTS that is not dissolved."""
    if cpts.is_dissolved:
        return PublicSession.objects.none()
    return PublicSession.objects.for_cpts(cpts).published().exclude(action__status=ActionStatus.CANCELLED)


def public_materials(action):
    return action.materials.filter(public=True)
