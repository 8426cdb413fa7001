"""Every ad is stamped with the CPTS whose *current* territory holds its commune, computed when
read (`selectors.stamps`): its id, slug, name, lifecycle status, taille (from the population of
its territory today) and the missions of its ACI in force today; None where no CPTS covers the
commune. A commune that moves to another CPTS is stamped with the new one at once; a row of a
territory that ended (a commune given up, a CPTS dissolved) counts for nothing. The number of
queries does not grow with the number of communes or CPTS."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import services as contracts
from maillon.core.factories import CptsFactory
from maillon.core.models import CptsStatus
from maillon.support import selectors
from maillon.support.factories import AdFactory
from maillon.territories import services as territories
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from maillon.territories.models import Commune

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = datetime.timedelta(days=365)


def covering(*populations, **fields):
    """A CPTS whose current territory holds new communes of these populations; the first returned."""
    cpts = CptsFactory(**fields)
    communes = [CommuneFactory(population=population) for population in populations]
    for commune in communes:
        TerritoryCommuneFactory(cpts=cpts, commune=commune, valid_from=TODAY - YEAR)
    return cpts, communes[0]


def test_a_covered_commune_is_stamped_with_its_cpts_and_the_missions_of_its_aci_in_force(cpts, coordinator):
    contracts.create_contract(cpts=cpts, signed_on=TODAY - YEAR, taille=2, missions=[1, 2, 3, 4, 6], by=coordinator)
    cpts.refresh_from_db()

    stamp = selectors.stamps(["78646"])["78646"]

    assert (stamp.id, stamp.slug, stamp.name) == (cpts.pk, "plaine-de-versailles", "CPTS Plaine de Versailles")
    assert (stamp.status, stamp.status_label) == (CptsStatus.ACI_SIGNED, "ACI signé")
    assert stamp.taille == 3  # Versailles, 83 000 inhabitants
    assert stamp.missions == [1, 2, 3, 4, 6]
    assert stamp.url_path == reverse("cpts_detail", args=["plaine-de-versailles"]) == "/cpts/plaine-de-versailles/"


def test_an_uncovered_or_unknown_commune_is_stamped_with_nobody(cpts):
    alone = CommuneFactory()
    assert selectors.stamps([alone.code, "00000"]) == {alone.code: None, "00000": None}
    assert selectors.stamps([]) == {}


def test_a_cpts_without_an_aci_in_force_is_stamped_with_no_mission(cpts, coordinator):
    assert selectors.stamps(["78646"])["78646"].missions == []
    # A five-year contract signed six years ago has ended.
    contracts.create_contract(cpts=cpts, signed_on=TODAY - 6 * YEAR, taille=2, missions=[1, 2, 3, 4, 6], by=coordinator)
    stamp = selectors.stamps(["78646"])["78646"]
    assert stamp.missions == []
    assert stamp.status == CptsStatus.ACI_SIGNED


def test_a_mission_removed_by_an_avenant_is_no_longer_stamped(cpts, coordinator):
    contract = contracts.create_contract(
        cpts=cpts, signed_on=TODAY - 2 * YEAR, taille=2, missions=[1, 2, 3, 4, 5, 6], by=coordinator
    )
    contracts.sign_amendment(
        contract=contract, signed_on=TODAY - YEAR, summary="Fin de la mission 5", remove_missions=[5], by=coordinator
    )
    contracts.sign_amendment(
        contract=contract,
        signed_on=TODAY + datetime.timedelta(days=10),
        summary="À venir",
        remove_missions=[6],
        by=coordinator,
    )  # not in force yet
    assert selectors.stamps(["78646"])["78646"].missions == [1, 2, 3, 4, 6]


def test_the_stamp_follows_a_commune_moved_to_another_territory_at_read_time(cpts, other_cpts, coordinator):
    ad = AdFactory(cpts=cpts, published=True, commune=Commune.objects.get(pk="78646"))
    assert selectors.stamp_all([ad])[0][1].id == cpts.pk

    territories.set_territory(cpts, [], on=TODAY)
    territories.set_territory(other_cpts, ["78498", "78646"], on=TODAY)

    ((read, stamp),) = selectors.stamp_all([type(ad).objects.get(pk=ad.pk)])
    assert read == ad
    assert (stamp.id, stamp.slug, stamp.name) == (other_cpts.pk, "boucle-de-seine", "CPTS Boucle de Seine")
    assert stamp.taille == 3  # 16 000 + 83 000 inhabitants now
    assert ad.cpts_id == cpts.pk  # the ad still belongs to the CPTS that moderates it


def test_a_territory_row_that_ended_is_not_counted(cpts):
    gone = CommuneFactory(population=200_000)
    TerritoryCommuneFactory(cpts=cpts, commune=gone, valid_from=TODAY - 2 * YEAR, valid_to=TODAY - YEAR)
    ends_today = CommuneFactory(population=200_000)
    TerritoryCommuneFactory(cpts=cpts, commune=ends_today, valid_from=TODAY - 2 * YEAR, valid_to=TODAY)

    found = selectors.stamps([gone.code, ends_today.code, "78646"])

    assert found[gone.code] is None and found[ends_today.code] is None
    assert found["78646"].taille == 3  # Versailles alone: the 400 000 inhabitants gone are not counted


def test_the_communes_of_a_dissolved_cpts_are_stamped_with_nobody(cpts, coordinator):
    territories.dissolve(cpts, on=TODAY, by=coordinator)
    assert selectors.stamps(["78646"]) == {"78646": None}


def test_a_commune_is_stamped_with_the_cpts_of_today_not_of_its_past(cpts, other_cpts):
    commune = CommuneFactory(population=5_000)
    TerritoryCommuneFactory(cpts=other_cpts, commune=commune, valid_from=TODAY - 3 * YEAR, valid_to=TODAY - YEAR)
    TerritoryCommuneFactory(cpts=cpts, commune=commune, valid_from=TODAY - YEAR)
    assert selectors.stamps([commune.code])[commune.code].id == cpts.pk


def stamp_queries(codes) -> int:
    with CaptureQueriesContext(connection) as queries:
        found = selectors.stamps(codes)
    assert set(found) == set(codes)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_communes_or_the_cpts(coordinator):
    first, commune = covering(30_000)
    contracts.create_contract(cpts=first, signed_on=TODAY - YEAR, taille=1, missions=[1, 2, 3, 4], by=coordinator)
    one = stamp_queries([commune.code])

    codes = [commune.code]
    for n in range(6):
        cpts, commune = covering(10_000, 20_000, status=CptsStatus.NEGOTIATION)
        if n % 2:
            contracts.create_contract(
                cpts=cpts, signed_on=TODAY - YEAR, taille=1, missions=[1, 2, 3, 4, 6], by=coordinator
            )
        codes.append(commune.code)
    codes += [CommuneFactory().code for _ in range(5)]  # uncovered

    assert stamp_queries(codes) == one
    assert stamp_queries([]) == 0
    assert stamp_queries([CommuneFactory().code]) <= one  # nothing covered: no CPTS to read
