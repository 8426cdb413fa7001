"""Two coordinators add the same commune at the same moment: one wins, the
other is refused by the database constraint, never both."""

import datetime
import threading

import pytest
from django.db import connection

from maillon.core.factories import CptsFactory
from maillon.territories import services
from maillon.territories.factories import CommuneFactory
from maillon.territories.models import TerritoryCommune

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


@pytest.fixture(autouse=True)
def _only_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are exercised on PostgreSQL")


def test_two_concurrent_requests_cannot_both_take_a_commune():
    commune = CommuneFactory(code="78646", name="Versailles")
    contenders = [CptsFactory(name="CPTS A"), CptsFactory(name="CPTS B")]
    barrier = threading.Barrier(2)
    outcomes = []

    def claim(cpts):
        try:
            barrier.wait(timeout=10)
            services.set_territory(cpts, [commune.code], on=datetime.date(2026, 1, 1))
            outcomes.append("ok")
        except services.TerritoryConflictError as refusal:
            outcomes.append(refusal.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(cpts,)) for cpts in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True]
    refusal = next(outcome for outcome in outcomes if outcome != "ok")
    assert "CPTS A" in refusal or "CPTS B" in refusal
    assert TerritoryCommune.objects.current().filter(commune=commune).count() == 1


def test_a_double_submit_of_the_same_change_does_not_fail():
    CommuneFactory(code="78646", name="Versailles")
    cpts = CptsFactory(name="CPTS A")
    barrier = threading.Barrier(2)
    errors = []

    def submit():
        try:
            barrier.wait(timeout=10)
            services.set_territory(cpts, ["78646"], on=datetime.date(2026, 1, 1))
        except Exception as error:  # any failure is the bug
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert TerritoryCommune.objects.current().filter(commune_id="78646", cpts=cpts).count() == 1


def test_the_database_refuses_overlapping_periods_of_one_commune():
    from django.db import IntegrityError, transaction

    commune = CommuneFactory(code="78646", name="Versailles")
    first, second = CptsFactory(), CptsFactory()
    TerritoryCommune.objects.create(
        cpts=first, commune=commune, valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2026, 1, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        TerritoryCommune.objects.create(
            cpts=second, commune=commune, valid_from=datetime.date(2025, 1, 1), valid_to=datetime.date(2025, 6, 1)
        )
