import datetime
import json

import factory

from maillon.core.factories import CptsOwnedFactory, ReferenceDataFactory, UserOwnedFactory

from . import models


def square(longitude, latitude, size=0.05):
    ring = [
        [longitude, latitude],
        [longitude + size, latitude],
        [longitude + size, latitude + size],
        [longitude, latitude + size],
        [longitude, latitude],
    ]
    return json.dumps({"type": "MultiPolygon", "coordinates": [[ring]]})


class RegionFactory(ReferenceDataFactory):
    class Meta:
        model = models.Region

    code = "11"
    name = "Île-de-France"


class DepartementFactory(ReferenceDataFactory):
    class Meta:
        model = models.Departement

    code = "78"
    name = "Yvelines"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(ReferenceDataFactory):
    class Meta:
        model = models.Epci

    code = "200058519"
    name = "CA Versailles Grand Parc"
    kind = "CA"


# The codes tests write literally (Versailles 78646 in the `cpts` fixture, Le Pecq 78498…): a
# generated commune never takes one, or `get_or_create` would hand back the fixture's commune
# (already in a territory) once the sequence reaches it.
LITERAL_CODES = {
    *("78000", "78001", "78002", "78003", "78009", "78100", "78101", "78123", "78158"),
    *("78310", "78372", "78498", "78517", "78545", "78551", "78646", "78686", "78999"),
}
SYNTHETIC_CODES = [code for code in (f"78{number:03d}" for number in range(1000)) if code not in LITERAL_CODES]


class CommuneFactory(ReferenceDataFactory):
    """A small synthetic commune: a 0.05° square east of Versailles."""

    class Meta:
        model = models.Commune

    code = factory.Sequence(lambda n: SYNTHETIC_CODES[n % len(SYNTHETIC_CODES)])
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: models.normalize_name(o.name))
    departement = factory.SubFactory(DepartementFactory)
    population = 10_000
    longitude = factory.Sequence(lambda n: 2.0 + (n % 40) * 0.05)
    latitude = factory.Sequence(lambda n: 48.7 + (n // 40) * 0.05)
    contour = factory.LazyAttribute(lambda o: square(o.longitude, o.latitude))
    min_longitude = factory.SelfAttribute("longitude")
    min_latitude = factory.SelfAttribute("latitude")
    max_longitude = factory.LazyAttribute(lambda o: o.longitude + 0.05)
    max_latitude = factory.LazyAttribute(lambda o: o.latitude + 0.05)


class PostalCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PostalCode

    code = "78000"
    commune = factory.SubFactory(CommuneFactory)


class TerritoryCommuneFactory(CptsOwnedFactory):
    class Meta:
        model = models.TerritoryCommune

    commune = factory.SubFactory(CommuneFactory)
    valid_from = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=365))


class TerritoryRoleFactory(UserOwnedFactory):
    class Meta:
        model = models.TerritoryRole

    role = models.TerritoryRoleKind.OBSERVER
    organisation = "ARS Île-de-France"
    departement = factory.SubFactory(DepartementFactory)


class DatasetImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "territories.DatasetImport"
        django_get_or_create = ("name",)

    name = "communes"
    version = "test"
