"""Reads of the care pathways that span CPTS: the programmes other CPTS share, for a user who
holds a role in at least one CPTS (the right is the one of `policies.can_see_programmes`)."""

from maillon.core.models import CptsRole

from . import policies
from .models import Programme


def can_see_shared_programmes(user) -> bool:
    """Any role in a CPTS: its coordinators copy a shared programme, its members read it."""
    if user is None or not user.is_authenticated:
        return False
    cpts_ids = CptsRole.objects.filter(user=user).values_list("cpts_id", flat=True)
    return any(policies.can_see_programmes(user, cpts_id) for cpts_id in cpts_ids)


def shared_programmes(user):
    """The current versions of the programmes CPTS share, for a user who may see them."""
    if not can_see_shared_programmes(user):
        return Programme.objects.none()
    return Programme.objects.shared().select_related("cpts")
