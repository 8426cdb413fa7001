"""Who a user is in a CPTS, read once per request — the ground every app's `policies.py` stands on.

Rights live in the domain: each app has one `policies.py` whose functions take the user and
the CPTS or the object (`visible_…(user, cpts)` querysets, `can_…(user, obj)` booleans). The
pages, the API and FHIR call them and answer alike:
- `ensure_visible(allowed)`: **404**, the same answer as for a missing object, when the user may
  not see the object or the list (nothing tells them it exists);
- `ensure_allowed(allowed)`: **403** when they may see it but not take this action.

A platform admin (superuser) is no role in a CPTS: policies that open non-personal data to
admins say so with `is_platform_admin`; patient data never does.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import CptsRole, CptsRoleKind

COORDINATOR = CptsRoleKind.COORDINATOR
MEMBER = CptsRoleKind.MEMBER

FORBIDDEN = "Vous n'avez pas le droit de faire cette action."


def read_once(user, name: str, cpts, read):
    """`read(cpts_id)` once per user object and CPTS (an instance or its id), kept on the user
    under `name`: a request asks its policies many times, the database once."""
    cache = getattr(user, name, None)
    if cache is None:
        cache = {}
        setattr(user, name, cache)
    key = getattr(cpts, "pk", cpts)
    if key not in cache:
        cache[key] = read(key)
    return cache[key]


def is_authenticated(user) -> bool:
    return user is not None and user.is_authenticated


# How the pages name the platform admins' role (they hold no role in a CPTS).
PLATFORM_ADMIN_LABEL = "Administration de la plateforme"


def is_platform_admin(user) -> bool:
    return is_authenticated(user) and user.is_superuser


def cpts_role(user, cpts) -> str | None:
    """coordinator, member or None (anonymous, another CPTS's user, an admin without a role)."""
    if not is_authenticated(user) or cpts is None:
        return None
    return read_once(
        user,
        "_maillon_cpts_roles",
        cpts,
        lambda key: CptsRole.objects.filter(user=user, cpts_id=key).values_list("role", flat=True).first(),
    )


def is_coordinator(user, cpts) -> bool:
    return cpts_role(user, cpts) == COORDINATOR


def has_cpts_role(user, cpts) -> bool:
    """Any role in the CPTS (coordinator or member)."""
    return cpts_role(user, cpts) is not None


def ensure_visible(allowed: bool) -> None:
    """404, as for a missing object: the user may not know it exists."""
    if not allowed:
        raise Http404


def ensure_allowed(allowed: bool, message: str = FORBIDDEN) -> None:
    """403: the user sees the object but may not take this action."""
    if not allowed:
        raise PermissionDenied(message)
