"""Who sees and does what with organisations.

- Any signed-in person sees the list of organisations (public bodies: name, kind, scope).
- The people of an organisation (its managers and members) are seen by its managers and the
  platform admin.
- The platform admin creates organisations and grants or withdraws the manager role; a
  manager cannot make another manager.
"""

from maillon.core.policies import is_authenticated, is_platform_admin

from .models import Organisation, OrganisationPerson, OrganisationRole


def visible_organisations(user):
    if not is_authenticated(user):
        return Organisation.objects.none()
    return Organisation.objects.select_related("region")


def is_manager(user, organisation) -> bool:
    if not is_authenticated(user) or organisation is None:
        return False
    cache = getattr(user, "_maillon_managed_organisations", None)
    if cache is None:
        cache = set(
            OrganisationPerson.objects.filter(user=user, role=OrganisationRole.MANAGER).values_list(
                "organisation_id", flat=True
            )
        )
        user._maillon_managed_organisations = cache
    return getattr(organisation, "pk", organisation) in cache


def managed_organisations(user):
    return Organisation.objects.managed_by(user).select_related("region")


def can_see_people(user, organisation) -> bool:
    return is_platform_admin(user) or is_manager(user, organisation)


def can_manage_organisations(user) -> bool:
    """Create organisations, grant or withdraw managers: the platform admin alone."""
    return is_platform_admin(user)
