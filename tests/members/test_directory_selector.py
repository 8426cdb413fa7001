"""The directory selector: one row per professional whatever the joins, counts that match."""

import pytest

from maillon.members.factories import LanguageFactory, MembershipFactory, PracticePlaceFactory
from maillon.members.selectors import DirectoryFilters, directory_professionals, distance_km, distance_of
from maillon.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_several_places_and_languages_give_one_row(cpts):
    here = CommuneFactory(code="92001", name="Ici", latitude=48.80, longitude=2.12)
    near = CommuneFactory(code="92002", name="Près", latitude=48.81, longitude=2.13)
    professional = MembershipFactory(cpts=cpts).professional
    professional.languages.add(LanguageFactory(code="en", name="Anglais"), LanguageFactory(code="es", name="Espagnol"))
    for commune in (here, here, near):
        PracticePlaceFactory(professional=professional, commune=commune)

    for filters in (
        DirectoryFilters(),
        DirectoryFilters(commune="92001"),
        DirectoryFilters(commune="92001", radius_km=10),
        DirectoryFilters(language="en", q="medecin"),
    ):
        rows = list(directory_professionals(cpts, filters))
        assert [row.pk for row in rows] == [professional.pk], filters
        assert directory_professionals(cpts, filters).count() == 1


def test_rows_carry_their_adhesion_to_this_cpts_only(cpts, other_cpts):
    membership = MembershipFactory(cpts=cpts, involvement="project_lead")
    MembershipFactory(cpts=other_cpts, professional=membership.professional, involvement="mailing_list")

    row = directory_professionals(cpts).get()

    assert (row.involvement, row.joined_on) == ("project_lead", membership.joined_on)


def test_the_sql_distance_agrees_with_the_haversine(cpts):
    centre = CommuneFactory(code="92001", name="Centre", latitude=48.8049, longitude=2.1204)
    far = CommuneFactory(code="92040", name="Loin", latitude=48.95, longitude=2.45)
    PracticePlaceFactory(professional=MembershipFactory(cpts=cpts).professional, commune=far)

    row = directory_professionals(cpts, DirectoryFilters(commune=centre.code, radius_km=50)).get()

    assert distance_of(row) == pytest.approx(distance_km(48.8049, 2.1204, 48.95, 2.45), abs=0.1)


def test_an_unknown_commune_or_one_without_point_finds_nobody(cpts):
    CommuneFactory(
        code="92099",
        name="Sans point",
        latitude=None,
        longitude=None,
        contour="",
        max_latitude=None,
        max_longitude=None,
    )
    MembershipFactory(cpts=cpts)

    assert not directory_professionals(cpts, DirectoryFilters(commune="99999", radius_km=10)).exists()
    assert not directory_professionals(cpts, DirectoryFilters(commune="92099", radius_km=10)).exists()
