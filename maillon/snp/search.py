"""Free slots for a request: nearest first, inside the département's SAS radius, widening.

The window is now → the request's deadline (24 h or 48 h after it was received). One query
reads the candidates through the `snp_slot_search` index (profession, status, start) and a
bounding box on the slot's point for the largest radius; distances are then computed in
Python (haversine) and the radius grows from the SAS default by its step until at least
`ENOUGH` slots fit or `MAX_STEPS` widenings are done.

Who sees which slot (the SAS slot types, TRE_R314):
- a request of the SAS regulation: slots the member chose to share with the SAS
  (`shared_with_sas`), of audience PUBLIC, PRO (the regulator is a health professional) or
  SNP (reserved to the regulation) — never CPTS, which is for the CPTS's own members;
- a request of a member or of the coordination: PUBLIC, PRO and CPTS slots of the CPTS,
  shared with the SAS or not; SNP slots stay reserved to the SAS regulation.
"""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import Audience, CareRequest, RequesterKind, Slot
from .radius import radius_for

# Defaults of MAILLON_SNP_SEARCH_ENOUGH / MAILLON_SNP_SEARCH_MAX_STEPS (docs/snp.md).
ENOUGH = 5
MAX_STEPS = 4
MAX_RESULTS = 50
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LATITUDE = 111.32

SAS_AUDIENCES = (Audience.PUBLIC, Audience.PRO, Audience.SNP)
MEMBER_AUDIENCES = (Audience.PUBLIC, Audience.PRO, Audience.CPTS)


@dataclass(frozen=True)
class SlotHit:
    slot: Slot
    distance_km: float | None


@dataclass(frozen=True)
class SearchResult:
    hits: list[SlotHit]
    radius_km: int
    default_km: int
    step_km: int


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a square that holds the circle of `km` around the point."""
    dlat = km / KM_PER_DEGREE_LATITUDE
    dlon = km / (KM_PER_DEGREE_LATITUDE * max(0.01, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def audiences_for(request: CareRequest) -> tuple[str, ...]:
    return SAS_AUDIENCES if request.requester_kind == RequesterKind.SAS else MEMBER_AUDIENCES


def visible_slots(request: CareRequest, *, now: datetime.datetime | None = None, free_only: bool = True):
    """The (free) slots of the request's CPTS that its requester may book, inside its window."""
    now = now or timezone.now()
    slots = (Slot.objects.bookable(now) if free_only else Slot.objects.of_active_members()).filter(
        profession=request.profession,
        start__gte=now,
        start__lte=request.deadline,
        cpts_id=request.cpts_id,
        audience__in=audiences_for(request),
    )
    if request.specialty:
        slots = slots.filter(specialty=request.specialty)
    if request.requester_kind == RequesterKind.SAS:
        slots = slots.filter(shared_with_sas=True)
    return slots


def slot_fits(request: CareRequest, slot: Slot, *, now: datetime.datetime | None = None) -> bool:
    """The same rule as the search, for one slot, free or not (a booking names its slot)."""
    return visible_slots(request, now=now, free_only=False).filter(pk=slot.pk).exists()


def search(request: CareRequest, *, now: datetime.datetime | None = None) -> SearchResult:
    """Nearest first, then earliest; widened from the SAS default radius by its step."""
    now = now or timezone.now()
    radius = radius_for(request.commune.departement_id)
    lat, lon = request.commune.latitude, request.commune.longitude
    slots = visible_slots(request, now=now).select_related("professional", "commune", "agenda__practice_place")
    if lat is None or lon is None:
        # No point for the patient's commune: the CPTS's slots by time, without distance.
        hits = [SlotHit(slot, None) for slot in slots.order_by("start", "pk")[:MAX_RESULTS]]
        return SearchResult(hits, radius.default_km, radius.default_km, radius.step_km)
    enough = getattr(settings, "MAILLON_SNP_SEARCH_ENOUGH", ENOUGH)
    max_km = radius.default_km + getattr(settings, "MAILLON_SNP_SEARCH_MAX_STEPS", MAX_STEPS) * radius.step_km
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, max_km)
    # Only the point and the time of each candidate: whole rows are read for the hits alone.
    candidates = (
        visible_slots(request, now=now)
        .filter(latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lon, longitude__lte=max_lon)
        .values_list("pk", "latitude", "longitude", "start")
    )
    measured = sorted(
        (haversine_km(lat, lon, slot_lat, slot_lon), start, pk) for pk, slot_lat, slot_lon, start in candidates
    )
    km = radius.default_km
    while True:
        inside = [row for row in measured if row[0] <= km]
        if len(inside) >= enough or km >= max_km:
            break
        km += radius.step_km
    shown = inside[:MAX_RESULTS]
    by_pk = slots.in_bulk([pk for _, _, pk in shown])
    hits = [SlotHit(by_pk[pk], distance) for distance, _, pk in shown if pk in by_pk]
    return SearchResult(hits, km, radius.default_km, radius.step_km)
