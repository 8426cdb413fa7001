"""Reads of the shared directory (annuaire partagé) of a CPTS."""

import math
from dataclasses import dataclass

from django.db.models import Prefetch

from maillon.territories.models import Commune, normalize_name

from .models import Membership, PracticePlace, Professional

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    profession: str = ""
    commune: str = ""  # INSEE code: practising in that commune, or within radius_km of it
    radius_km: float | None = None
    skill: str = ""
    language: str = ""
    accepts_new_patients: bool | None = None
    takes_part_in_snp: bool | None = None


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(latitude, longitude, radius_km):
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(math.cos(math.radians(latitude)), 0.01))
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def directory_professionals(cpts, filters: DirectoryFilters = DirectoryFilters()):
    """Professionals with an active adhesion to `cpts`, filtered; a QuerySet
    with their practice places (and communes) and languages prefetched."""
    queryset = Professional.objects.filter(memberships__cpts=cpts, memberships__status="active").prefetch_related(
        Prefetch("practice_places", queryset=PracticePlace.objects.select_related("commune", "structure")),
        "languages",
    )
    if filters.q:
        for word in normalize_name(filters.q).split():
            queryset = queryset.filter(search_text__contains=word)
    if filters.profession:
        queryset = queryset.filter(profession=filters.profession)
    if filters.skill:
        queryset = queryset.filter(skills__icontains=filters.skill.strip())
    if filters.language:
        queryset = queryset.filter(languages__code=filters.language)
    if filters.accepts_new_patients is not None:
        queryset = queryset.filter(accepts_new_patients=filters.accepts_new_patients)
    if filters.takes_part_in_snp is not None:
        queryset = queryset.filter(takes_part_in_snp=filters.takes_part_in_snp)
    if filters.commune:
        queryset = _near_commune(queryset, filters.commune, filters.radius_km)
    return queryset.distinct().order_by("last_name", "first_name", "pk")


def _near_commune(queryset, code, radius_km):
    if not radius_km:
        return queryset.filter(practice_places__commune_id=code)
    centre = Commune.objects.filter(pk=code).values("latitude", "longitude").first()
    if not centre or centre["latitude"] is None:
        return queryset.none()
    south, north, west, east = bounding_box(centre["latitude"], centre["longitude"], radius_km)
    # The bounding box narrows in SQL; the exact distance is checked on the few left.
    return queryset.filter(
        practice_places__commune__latitude__range=(south, north),
        practice_places__commune__longitude__range=(west, east),
    )


def within_radius(professionals, code, radius_km):
    """Keep, in Python, those with a practice place within `radius_km`, nearest first."""
    centre = Commune.objects.filter(pk=code).values("latitude", "longitude").first()
    if not centre or centre["latitude"] is None:
        return []
    ranked = []
    for professional in professionals:
        distances = [
            distance_km(centre["latitude"], centre["longitude"], place.commune.latitude, place.commune.longitude)
            for place in professional.practice_places.all()
            if place.commune.latitude is not None
        ]
        if distances and min(distances) <= radius_km:
            ranked.append((min(distances), professional))
    ranked.sort(key=lambda pair: pair[0])
    return [(professional, round(distance, 1)) for distance, professional in ranked]


def active_memberships(cpts):
    return (
        Membership.objects.for_cpts(cpts)
        .active()
        .select_related("professional", "structure", "college")
        .order_by("professional__last_name", "structure__name")
    )
