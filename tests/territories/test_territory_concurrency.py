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
