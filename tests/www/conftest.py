import pytest

from maillon.core.factories import CptsFactory
from maillon.territories.factories import (
    CommuneFactory,
    DepartementFactory,
    RegionFactory,
    TerritoryCommuneFactory,
)


@pytest.fixture
def pas_de_calais(db):
    return DepartementFactory(code="62", name="Pas-de-Calais", region=RegionFactory(code="32", name="Hauts-de-France"))


@pytest.fixture
def nord(pas_de_calais):
    return DepartementFactory(code="59", name="Nord", region=pas_de_calais.region)


@pytest.fixture
def communes_in(db):
    """`communes_in(departement, count)`: communes with codes 62001, 62002… of that département."""

    def make(departement, count, *, population=1_000, start=0):
        return [
            CommuneFactory(
                code=f"{departement.code}{start + index + 1:03d}",
                name=f"Commune {departement.code}-{start + index + 1}",
                departement=departement,
                population=population,
            )
            for index in range(count)
        ]

    return make


@pytest.fixture
def cpts_with(db):
    """`cpts_with(communes, **fields)`: a CPTS whose current territory is `communes`."""

    def make(communes, **fields):
        cpts = CptsFactory(**fields)
        for commune in communes:
            TerritoryCommuneFactory(cpts=cpts, commune=commune)
        return cpts

    return make
