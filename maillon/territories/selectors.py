"""Reads on territories for pages and the API: plain data, a fixed number of queries.

Maps are GeoJSON text assembled by string concatenation of the stored contours
(`Commune.contour`), so no geometry is parsed on the server.
"""

import json
import re
from dataclasses import dataclass, field

from django.db.models import Case, Count, FilteredRelation, IntegerField, Max, Min, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce, Lower

from maillon.core.models import Cpts, CptsStatus

from .models import Commune, Departement, Region, TerritoryCommune, normalize_name
from .taille import taille_for_population

# A CPTS covers its population from the lettre d'intention on; a dissolved one covers nothing.
PROJECT_STATUSES = (
    CptsStatus.LETTER_OF_INTENT,
    CptsStatus.PROJECT_SUBMITTED,
    CptsStatus.PROJECT_VALIDATED,
    CptsStatus.NEGOTIATION,
)
COVERING_STATUSES = (*PROJECT_STATUSES, CptsStatus.ACI_SIGNED)

# Margin (degrees) around a territory for the communes shown in the territory editor.
NEIGHBOURHOOD_MARGIN = 0.15
# Decimals kept in map coordinates: ~11 m for a département, ~110 m for a région.
DEPARTEMENT_MAP_DECIMALS = 4
REGION_MAP_DECIMALS = 3

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


# --- Coverage of the population -------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Population of an area split by who covers it."""

    population: int = 0
    signed: int = 0
    project: int = 0

    @property
    def zone_blanche(self) -> int:
        return self.population - self.signed - self.project

    @property
    def covered(self) -> int:
        return self.signed + self.project

    def share(self, part: int) -> float:
        return 100 * part / self.population if self.population else 0.0

    @property
    def signed_share(self) -> float:
        return self.share(self.signed)

    @property
    def project_share(self) -> float:
        return self.share(self.project)

    @property
    def covered_share(self) -> float:
        return self.share(self.covered)

    @property
    def zone_blanche_share(self) -> float:
        return self.share(self.zone_blanche)


@dataclass(frozen=True)
class AreaCoverage:
    code: str
    name: str
    coverage: Coverage


def with_current_territory(communes):
    """Annotate communes with `current`: their territory row in force today (at most one)."""
    return communes.annotate(
        current=FilteredRelation("territory_rows", condition=Q(territory_rows__valid_to__isnull=True))
    )


def _coverage_sums():
    population = "population"
    return {
        "total": Coalesce(Sum(population), 0),
        "signed": Coalesce(
            Sum(Case(When(current__cpts__status=CptsStatus.ACI_SIGNED, then=population), output_field=IntegerField())),
            0,
        ),
        "project": Coalesce(
            Sum(Case(When(current__cpts__status__in=PROJECT_STATUSES, then=population), output_field=IntegerField())),
            0,
        ),
    }


def _coverage_from(row) -> Coverage:
    return Coverage(population=row["total"], signed=row["signed"], project=row["project"])


def coverage_of(communes) -> Coverage:
    """One query: the coverage of any set of communes."""
    row = with_current_territory(communes).aggregate(**_coverage_sums())
    return _coverage_from(row)


def coverage_by_region() -> list[AreaCoverage]:
    """One query: every région with its coverage, in alphabetical order."""
    rows = (
        with_current_territory(Commune.objects.all())
        .values("departement__region__code", "departement__region__name")
        .annotate(**_coverage_sums())
        .order_by("departement__region__code")
    )
    areas = [
        AreaCoverage(row["departement__region__code"], row["departement__region__name"], _coverage_from(row))
        for row in rows
    ]
    return sorted(areas, key=lambda area: normalize_name(area.name))  # « Île-de-France » among the I


def coverage_by_departement(region_code: str) -> list[AreaCoverage]:
    """One query: the départements of a région with their coverage, by code."""
    rows = (
        with_current_territory(Commune.objects.filter(departement__region_id=region_code))
        .values("departement__code", "departement__name")
        .annotate(**_coverage_sums())
        .order_by("departement__code")
    )
    return [AreaCoverage(row["departement__code"], row["departement__name"], _coverage_from(row)) for row in rows]


# --- GeoJSON by concatenation ---------------------------------------------------------------


def _round_coordinates(geojson: str, decimals: int | None) -> str:
    """Drop extra decimals with a regex (no parsing): map pages weigh half as much."""
    if decimals is None:
        return geojson
    return re.sub(rf"(?<=\.\d{{{decimals}}})\d+", "", geojson)


def feature_collection(features: list[tuple[str, dict]], *, decimals: int | None = None) -> str:
    """GeoJSON FeatureCollection text from (stored contour, properties) pairs.

    Safe to put inside `<script type="application/json">`: `<`, `>` and `&` are escaped.
    """
    parts = [
        '{"type":"Feature","geometry":' + contour + ',"properties":' + json.dumps(properties, ensure_ascii=False) + "}"
        for contour, properties in features
        if contour
    ]
    text = '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"
    return _round_coordinates(text, decimals).translate(_JSON_SCRIPT_ESCAPES)


# --- Maps of a département or a région ------------------------------------------------------


@dataclass
class MapCpts:
    """A CPTS seen from an area: its communes there, and its whole territory."""

    id: int
    name: str
    slug: str
    status: str
    communes_in_area: int = 0
    population_in_area: int = 0
    communes_total: int = 0
    population_total: int = 0

    @property
    def status_label(self) -> str:
        return CptsStatus(self.status).label

    @property
    def taille(self) -> int:
        return taille_for_population(self.population_total)

    @property
    def is_signed(self) -> bool:
        return self.status == CptsStatus.ACI_SIGNED


@dataclass
class AreaMap:
    code: str
    name: str
    geojson: str
    coverage: Coverage
    cpts: list[MapCpts] = field(default_factory=list)
    zones_blanches: list[dict] = field(default_factory=list)
    communes_count: int = 0


_AREA_COMMUNE_FIELDS = (
    "code",
    "name",
    "population",
    "contour",
    "current__cpts_id",
    "current__cpts__name",
    "current__cpts__slug",
    "current__cpts__status",
)


def _area_communes(communes):
    """One query: the communes with their covering CPTS (a LEFT JOIN on the current row)."""
    return with_current_territory(communes).values(*_AREA_COMMUNE_FIELDS).order_by("search_name", "code")


def _cpts_totals(communes) -> dict[int, dict]:
    """One query: whole-territory totals of the CPTS having a commune among `communes`."""
    present = TerritoryCommune.objects.current().filter(commune__in=communes.values("code")).values("cpts_id")
    rows = (
        TerritoryCommune.objects.current()
        .filter(cpts_id__in=Subquery(present))
        .values("cpts_id")
        .annotate(population=Coalesce(Sum("commune__population"), 0), communes=Count("commune_id"))
    )
    return {row["cpts_id"]: row for row in rows}


def _covering(row) -> bool:
    return row["current__cpts_id"] is not None and row["current__cpts__status"] in COVERING_STATUSES


def build_area_map(code: str, name: str, communes, *, decimals: int | None) -> AreaMap:
    """Two queries for any number of communes: the communes, then the CPTS totals."""
    totals = _cpts_totals(communes)
    cpts_by_id: dict[int, MapCpts] = {}
    features = []
    zones_blanches = []
    population = signed = project = 0
    count = 0
    for row in _area_communes(communes).iterator(chunk_size=2000):
        count += 1
        population += row["population"]
        if _covering(row):
            cpts = cpts_by_id.get(row["current__cpts_id"])
            if cpts is None:
                total = totals.get(row["current__cpts_id"], {})
                cpts = cpts_by_id[row["current__cpts_id"]] = MapCpts(
                    id=row["current__cpts_id"],
                    name=row["current__cpts__name"],
                    slug=row["current__cpts__slug"],
                    status=row["current__cpts__status"],
                    communes_total=total.get("communes", 0),
                    population_total=total.get("population", 0),
                )
            cpts.communes_in_area += 1
            cpts.population_in_area += row["population"]
            if cpts.is_signed:
                signed += row["population"]
            else:
                project += row["population"]
            properties = {
                "code": row["code"],
                "name": row["name"],
                "population": row["population"],
                "cpts": cpts.name,
                "slug": cpts.slug,
                "status": cpts.status,
            }
        else:
            zones_blanches.append({"code": row["code"], "name": row["name"], "population": row["population"]})
            properties = {"code": row["code"], "name": row["name"], "population": row["population"], "status": None}
        features.append((row["contour"], properties))
    return AreaMap(
        code=code,
        name=name,
        geojson=feature_collection(features, decimals=decimals),
        coverage=Coverage(population=population, signed=signed, project=project),
        cpts=sorted(cpts_by_id.values(), key=lambda cpts: cpts.name.casefold()),
        zones_blanches=zones_blanches,
        communes_count=count,
    )


@dataclass
class DepartementOverview:
    departement: Departement
    map: AreaMap
    region_coverage: Coverage


def departement_overview(code: str) -> DepartementOverview | None:
    """Four queries whatever the size of the département; None if the code is unknown."""
    departement = Departement.objects.select_related("region").filter(code=code).first()
    if departement is None:
        return None
    communes = Commune.objects.filter(departement_id=departement.code)
    area = build_area_map(departement.code, departement.name, communes, decimals=DEPARTEMENT_MAP_DECIMALS)
    region_coverage = coverage_of(Commune.objects.filter(departement__region_id=departement.region_id))
    return DepartementOverview(departement=departement, map=area, region_coverage=region_coverage)


@dataclass
class RegionOverview:
    region: Region
    map: AreaMap
    departements: list[AreaCoverage]


def region_overview(code: str) -> RegionOverview | None:
    """Four queries whatever the size of the région; None if the code is unknown."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        return None
    communes = Commune.objects.filter(departement__region_id=region.code)
    area = build_area_map(region.code, region.name, communes, decimals=REGION_MAP_DECIMALS)
    return RegionOverview(region=region, map=area, departements=coverage_by_departement(region.code))


# --- One CPTS -------------------------------------------------------------------------------


@dataclass
class CptsTerritory:
    communes: list[dict]
    geojson: str
    population: int

    @property
    def taille(self) -> int:
        return taille_for_population(self.population)

    @property
    def departements(self) -> list[str]:
        return sorted({commune["departement"] for commune in self.communes})


def cpts_territory(cpts) -> CptsTerritory:
    """One query: the current communes of a CPTS with their contours."""
    rows = list(
        Commune.objects.filter(territory_rows__cpts=cpts, territory_rows__valid_to__isnull=True)
        .values("code", "name", "population", "contour", "departement_id", "departement__name")
        .order_by("search_name", "code")
    )
    communes = [
        {
            "code": row["code"],
            "name": row["name"],
            "population": row["population"],
            "departement": f"{row['departement__name']} ({row['departement_id']})",
        }
        for row in rows
    ]
    features = [
        (row["contour"], {"code": row["code"], "name": row["name"], "population": row["population"]}) for row in rows
    ]
    return CptsTerritory(
        communes=communes,
        geojson=feature_collection(features, decimals=DEPARTEMENT_MAP_DECIMALS),
        population=sum(row["population"] for row in rows),
    )


def neighbourhood_geojson(codes, *, margin: float = NEIGHBOURHOOD_MARGIN, limit: int = 3000) -> str:
    """The communes `codes` and those whose bbox meets their bbox widened by `margin`.

    Two queries. Each feature names its current CPTS, so the editor can style
    communes by owner. Empty collection when `codes` is empty.
    """
    codes = list(codes)
    box = Commune.objects.filter(code__in=codes).aggregate(
        min_lon=Min("min_longitude"),
        max_lon=Max("max_longitude"),
        min_lat=Min("min_latitude"),
        max_lat=Max("max_latitude"),
    )
    if box["min_lon"] is None:
        return feature_collection([])
    communes = with_current_territory(
        Commune.objects.filter(
            Q(code__in=codes)
            | Q(
                min_longitude__lte=box["max_lon"] + margin,
                max_longitude__gte=box["min_lon"] - margin,
                min_latitude__lte=box["max_lat"] + margin,
                max_latitude__gte=box["min_lat"] - margin,
            )
        )
    ).values("code", "name", "population", "contour", "current__cpts_id", "current__cpts__name")[:limit]
    features = [
        (
            row["contour"],
            {
                "code": row["code"],
                "name": row["name"],
                "population": row["population"],
                "owner": row["current__cpts_id"],
                "owner_name": row["current__cpts__name"],
            },
        )
        for row in communes
    ]
    return feature_collection(features, decimals=DEPARTEMENT_MAP_DECIMALS)


# --- Lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CptsSummary:
    id: int
    name: str
    slug: str
    status: str
    population: int
    communes: int

    @property
    def status_label(self) -> str:
        return CptsStatus(self.status).label

    @property
    def taille(self) -> int | None:
        return taille_for_population(self.population) if self.communes else None


def cpts_summaries(*, statuses=None, departement: str | None = None) -> list[CptsSummary]:
    """One query: CPTS with their current population and commune count.

    `statuses` None means every CPTS but dissolved ones; `departement` keeps the
    CPTS having at least one current commune there.
    """
    queryset = Cpts.objects.all() if statuses else Cpts.objects.active()
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if departement:
        queryset = queryset.filter(
            pk__in=TerritoryCommune.objects.current().filter(commune__departement_id=departement).values("cpts_id")
        )
    rows = (
        queryset.annotate(
            current=FilteredRelation("territory_rows", condition=Q(territory_rows__valid_to__isnull=True)),
            population=Coalesce(Sum("current__commune__population"), 0),
            communes=Count("current"),
        )
        .values("id", "name", "slug", "status", "population", "communes")
        .order_by(Lower("name"))
    )
    return [CptsSummary(**row) for row in rows]


@dataclass(frozen=True)
class CommuneResult:
    code: str
    name: str
    population: int
    departement: str
    cpts_name: str | None
    cpts_slug: str | None
    cpts_status: str | None

    @property
    def is_zone_blanche(self) -> bool:
        return self.cpts_status not in COVERING_STATUSES

    @property
    def cpts_status_label(self) -> str:
        return CptsStatus(self.cpts_status).label if self.cpts_status else ""


def commune_results(communes, *, limit: int) -> list[CommuneResult]:
    """Two queries: a page of `communes` (any ordered queryset), then who covers them today."""
    page = list(communes.select_related("departement")[:limit])
    owners = {
        row["commune_id"]: row
        for row in TerritoryCommune.objects.current()
        .filter(commune_id__in=[commune.code for commune in page] or [""])
        .values("commune_id", "cpts__name", "cpts__slug", "cpts__status")
    }
    return [
        CommuneResult(
            code=commune.code,
            name=commune.name,
            population=commune.population,
            departement=str(commune.departement),
            cpts_name=owners.get(commune.code, {}).get("cpts__name"),
            cpts_slug=owners.get(commune.code, {}).get("cpts__slug"),
            cpts_status=owners.get(commune.code, {}).get("cpts__status"),
        )
        for commune in page
    ]
