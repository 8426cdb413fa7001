"""Who may see the members' space of a CPTS and act on the CPTS itself (its territory, its
lifecycle, who has a role there) — the one place that says it; the pages
(maillon/www/cpts_views/, maillon/www/accounts_views/invite.py) and the API
(maillon/api/cpts.py) both ask here.

The CPTS's public page, its territory and its lifecycle are public data (anyone reads them,
pages and API alike). Beyond:
- the members' space (« Espace membres », the dashboard): any role in the CPTS;
- drawing the territory, recording a lifecycle step (a dissolution included) and inviting a
  person with a role: the coordinators.
- Platform admins (superusers) keep these four, as the existing code let them: the dashboard
  shows only the public data of the CPTS (territory, lifecycle, territory changes) and the
  links their rights open, and a new CPTS has no coordinator yet — the admin draws its
  territory, records its first steps and invites its first coordinator (none of it is
  personal or patient data; the Django admin cannot record a dated step nor send an
  invitation link). Everything inside the space (members, meetings, patients…) is closed to
  them without a role: see each app's `policies.py`.
- Territorial roles (authority, observer, SAS regulator) have none of these: they reach the
  pages their apps open to them (the ACI, the observatory).

The callers answer 404 (as for a CPTS that does not exist) when the user may not see the
members' space, and 403 when they see it but may not take the action.
"""

from .policies import has_cpts_role, is_coordinator, is_platform_admin


def can_see_dashboard(user, cpts) -> bool:
    """The members' space of the CPTS: any role there, and the platform admins."""
    return has_cpts_role(user, cpts) or is_platform_admin(user)


def can_edit_territory(user, cpts) -> bool:
    """Draw the territory (pages and `PUT /cpts/{id}/territory`): the coordinators, and the
    platform admins."""
    return is_coordinator(user, cpts) or is_platform_admin(user)


def can_record_step(user, cpts) -> bool:
    """Record the next lifecycle step, or the dissolution: the coordinators, and the platform admins."""
    return is_coordinator(user, cpts) or is_platform_admin(user)


def can_invite(user, cpts) -> bool:
    """Invite a person into the CPTS with a role: the coordinators, and the platform admins."""
    return is_coordinator(user, cpts) or is_platform_admin(user)


def can_coordinate(user, cpts) -> bool:
    """The coordination's links on the dashboard (members, imports, messages, ACI, crises):
    the coordinators only — these pages are closed to a platform admin without a role."""
    return is_coordinator(user, cpts)
