"""Reads of mission 6 that the pages and the API share: the CPTS an ad is stamped with, the
public search of ads, the public page's texts and the welcome kit of a professional settling."""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import ExpressionWrapper, F, FloatField, Sum
from django.urls import reverse
from django.utils import timezone

from maillon.contracts.models import Contract
from maillon.core.missions import Mission
from maillon.core.models import Cpts
from maillon.members.selectors import DirectoryFilters, bounding_box, directory_professionals
from maillon.territories.models import Commune, TerritoryCommune
from maillon.territories.taille import taille_for_population

from .models import Ad, PublicSite, nights_booked

KM_PER_DEGREE_LATITUDE = 111.0
# The welcome kit lists the adherents practising within this distance of the commune envisaged.
KIT_RADIUS_KM = 15
KIT_DIRECTORY_LIMIT = 60


@dataclass(frozen=True)
class CptsStamp:
    """The CPTS at work where an ad is, as read today."""

    id: int
    slug: str
    name: str
    status: str
    status_label: str
    taille: int
    missions: list[int] = field(default_factory=list)

    @property
    def url_path(self) -> str:
        return reverse("cpts_detail", args=[self.slug])


def _missions_in_force(cpts_ids, today) -> dict[int, list[int]]:
    """The missions of each CPTS's ACI in force today (two queries for all of them)."""
    contracts = Contract.objects.filter(cpts_id__in=cpts_ids, signed_on__lte=today).prefetch_related("missions")
    missions = {}
    for contract in contracts.order_by("cpts_id", "-signed_on"):
        if contract.cpts_id in missions or not contract.is_in_force_on(today):
            continue
        missions[contract.cpts_id] = sorted(
            {
                commitment.mission
                for commitment in contract.missions.all()
                if commitment.included_on <= today and (commitment.removed_on is None or commitment.removed_on > today)
            }
        )
    return missions


def stamps(commune_codes) -> dict[str, CptsStamp | None]:
    """For each commune code, the CPTS whose territory holds it today, or None (computed when
    read: a territory that changes moves the stamp of every ad in it). Five queries whatever the
    number of communes and CPTS."""
    codes = set(commune_codes)
    if not codes:
        return {}
    today = timezone.localdate()
    # Rows in force today, the latest last (as `GET /communes/{code}`: a back-dated change may overlap).
    rows = TerritoryCommune.objects.on(today).filter(commune_id__in=codes).order_by("valid_from", "pk")
    holders = dict(rows.values_list("commune_id", "cpts_id"))
    cpts_ids = set(holders.values())
    population = dict(
        TerritoryCommune.objects.on(today)
        .filter(cpts_id__in=cpts_ids)
        .values("cpts_id")
        .annotate(total=Sum("commune__population"))
        .values_list("cpts_id", "total")
    )
    missions = _missions_in_force(cpts_ids, today) if cpts_ids else {}
    by_id = {
        cpts.pk: CptsStamp(
            id=cpts.pk,
            slug=cpts.slug,
            name=cpts.name,
            status=cpts.status,
            status_label=cpts.get_status_display(),
            taille=taille_for_population(population.get(cpts.pk) or 0),
            missions=missions.get(cpts.pk, []),
        )
        for cpts in Cpts.objects.filter(pk__in=cpts_ids)
    }
    return {code: by_id.get(holders.get(code)) for code in codes}


def stamp_all(ads) -> list[tuple]:
    """[(ad, its stamp or None)…] for a page of ads (five queries whatever their number)."""
    ads = list(ads)
    found = stamps(ad.commune_id for ad in ads)
    return [(ad, found.get(ad.commune_id)) for ad in ads]


def public_ads(*, profession="", kind="", departement="", commune="", radius_km=None, on=None):
    """Published, unexpired ads matching the filters (each optional): within `radius_km` of the
    commune `commune` when a radius is given, in that commune otherwise."""
    ads = Ad.objects.public(on).select_related("commune").defer("commune__contour")
    if profession:
        ads = ads.filter(profession=profession)
    if kind:
        ads = ads.filter(kind=kind)
    if departement:
        ads = ads.filter(commune__departement_id=departement.upper())
    if commune:
        ads = _around(ads, commune, radius_km) if radius_km else ads.filter(commune_id=commune)
    return ads.order_by("-published_on", "-pk")


def _around(ads, code, radius_km):
    centre = Commune.objects.filter(pk=code).values("latitude", "longitude").first()
    if not centre or centre["latitude"] is None:
        return ads.filter(commune_id=code)
    latitude, longitude = centre["latitude"], centre["longitude"]
    south, north, west, east = bounding_box(latitude, longitude, radius_km)
    km_per_degree_longitude = KM_PER_DEGREE_LATITUDE * math.cos(math.radians(latitude))
    dx = (F("commune__longitude") - longitude) * km_per_degree_longitude
    dy = (F("commune__latitude") - latitude) * KM_PER_DEGREE_LATITUDE
    return (
        ads.filter(commune__latitude__range=(south, north), commune__longitude__range=(west, east))
        .annotate(distance_sq=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()))
        .filter(distance_sq__lte=radius_km * radius_km)
    )


def nightly_free_rooms(housings, start, end) -> dict[int, dict]:
    """{housing id: {night: free rooms}} over the nights of [start, end), for all the housings in
    one query (`Housing.free_rooms` reads one housing)."""
    housings = list(housings)
    booked = nights_booked([housing.pk for housing in housings], start, end)
    return {
        housing.pk: {night: max(housing.rooms - count, 0) for night, count in booked[housing.pk].items()}
        for housing in housings
    }


def site_of(cpts) -> PublicSite:
    """The texts of the CPTS's public page, or an unsaved page with the defaults."""
    return PublicSite.objects.filter(cpts=cpts).first() or PublicSite(cpts=cpts)


def welcome_kit(cpts, project) -> dict:
    """What a professional settling receives: the CPTS's contacts, its missions, the adherents
    practising near the commune envisaged (the members' directory, by profession), the coming
    meetings and public sessions."""
    from maillon.contracts.selectors import current_contract
    from maillon.meetings.models import Meeting, MeetingStatus

    today = timezone.localdate()
    contract = current_contract(cpts, today)
    missions = contract.state_on(today).mission_numbers if contract and contract.is_in_force_on(today) else []
    filters = DirectoryFilters(
        commune=project.commune_id or "", radius_km=KIT_RADIUS_KM if project.commune_id else None
    )
    professionals = list(directory_professionals(cpts, filters)[:KIT_DIRECTORY_LIMIT])
    by_profession = defaultdict(list)
    for professional in professionals:
        by_profession[professional.get_profession_display()].append(professional)
    # Mission 6's meetings only (cross-trainings…): the others may name cases or internal matters.
    meetings = (
        Meeting.objects.for_cpts(cpts)
        .filter(status=MeetingStatus.SCHEDULED, starts_at__date__gte=today, mission=Mission.SUPPORT)
        .order_by("starts_at")[:10]
    )
    return {
        "cpts": cpts,
        "site": site_of(cpts),
        "project": project,
        "missions": missions,
        "directory": sorted(by_profession.items()),
        "directory_radius_km": KIT_RADIUS_KM if project.commune_id else None,
        "meetings": list(meetings),
        "generated_on": today,
    }
