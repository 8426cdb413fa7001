import datetime
import json

import factory

from maillon.core.factories import CptsOwnedFactory, UserFactory

from .models import Commune, Departement, Epci, PostalCode, Region, TerritoryCommune, TerritoryRole, normalize_name


def square(longitude, latitude, size=0.05):
    ring = [
        [longitude, latitude],
        [longitude + size, latitude],
        [longitude + size, latitude + size],
        [longitude, latitude + size],
        [longitude, latitude],
    ]
    return json.dumps({"type": "MultiPolygon", "coordinates": [[ring]]})


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "11"
    name = "Île-de-France"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ("code",)

    code = "78"
    name = "Yvelines"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("code",)

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


class CommuneFactory(factory.django.DjangoModelFactory):
    """A small synthetic commune: a 0.05° square east of Versailles."""

    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: SYNTHETIC_CODES[n % len(SYNTHETIC_CODES)])
    name = factory.Sequence(lambda n: f"Commune {n}")
    search_name = factory.LazyAttribute(lambda o: normalize_name(o.name))
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
        model = PostalCode

    code = "78000"
    commune = factory.SubFactory(CommuneFactory)


class TerritoryCommuneFactory(CptsOwnedFactory):
    class Meta:
        model = TerritoryCommune

    commune = factory.SubFactory(CommuneFactory)
    valid_from = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=365))


class TerritoryRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritoryRole

    user = factory.SubFactory(UserFactory)
    role = "observer"
    organisation = "ARS Île-de-France"
    departement = factory.SubFactory(DepartementFactory)


class DatasetImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "territories.DatasetImport"
        django_get_or_create = ("name",)

    name = "communes"
    version = "test"
