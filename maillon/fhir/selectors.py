"""The slots a SAS client may see (`maillon.snp.policies.visible_sas_slots`: free, shared with
the SAS by the member's choice, ahead, of active members, in a living CPTS that has a FINESS
number, at a place whose commune has a postal code), narrowed to the requested practitioners
and the window."""

from maillon.members.models import Professional
from maillon.snp import policies
from maillon.snp.models import Slot

from .params import SlotSearch


def requested_professionals(search: SlotSearch) -> list[int]:
    by_rpps = Professional.objects.filter(rpps__in=search.rpps).values_list("pk", flat=True)
    by_adeli = Professional.objects.filter(adeli__in=search.adeli).values_list("pk", flat=True)
    return sorted({*by_rpps, *by_adeli})


def shared_slots(user, search: SlotSearch, now=None):
    """What the SAS client's `user` may read of the search (none for anyone else)."""
    professionals = requested_professionals(search)
    if not professionals:
        return Slot.objects.none()
    return (
        policies.visible_sas_slots(user, Slot.objects.all(), now)
        # (professional, start) is indexed for this search.
        .filter(professional_id__in=professionals, start__gte=search.start_from, start__lte=search.start_until)
        .select_related(
            "cpts",
            "professional",
            "agenda__practice_place__commune",
            "agenda__practice_place__structure",
            "agenda__practice_place__professional",
        )
        .prefetch_related("agenda__practice_place__commune__postal_codes")
        .order_by("start", "pk")
    )
