"""The slots the SAS may see: free, shared with the SAS by the member's choice, of the
requested practitioners, ahead, in the window, of active members, in a living CPTS that has a
FINESS number, at a place whose commune has a postal code."""

from django.db.models import Exists, OuterRef

from maillon.core.models import CptsStatus
from maillon.members.models import Professional
from maillon.snp.models import Slot
from maillon.territories.models import PostalCode

from .params import SlotSearch


def requested_professionals(search: SlotSearch) -> list[int]:
    by_rpps = Professional.objects.filter(rpps__in=search.rpps).values_list("pk", flat=True)
    by_adeli = Professional.objects.filter(adeli__in=search.adeli).values_list("pk", flat=True)
    return sorted({*by_rpps, *by_adeli})


def shared_slots(search: SlotSearch, now=None):
    professionals = requested_professionals(search)
    if not professionals:
        return Slot.objects.none()
    # Location.address.postalCode is 1..1 in the profile: a place whose commune has no postal
    # code is left out of the feed rather than sent invalid (docs/fhir.md).
    has_postal_code = PostalCode.objects.filter(commune=OuterRef("agenda__practice_place__commune"))
    return (
        Slot.objects.bookable(now)
        .shared_with_sas()
        .filter(Exists(has_postal_code))
        # (professional, start) is indexed for this search.
        .filter(professional_id__in=professionals, start__gte=search.start_from, start__lte=search.start_until)
        # The CPTS Organization needs its FINESS (profile: identifier 1..1): without one, nothing to send.
        .exclude(cpts__finess="")
        .exclude(cpts__status=CptsStatus.DISSOLVED)
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
