"""Two sends of a year's report at the same moment: versions never collide (the contract's
row lock, then the unique constraint on (contract, year, version))."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from maillon.contracts import services
from maillon.contracts.models import ManagementReport
from maillon.contracts.report import send_report
from maillon.core.factories import CptsFactory

from .test_report import small_contract

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]


@pytest.fixture(autouse=True)
def _only_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are exercised on PostgreSQL")


def race(target, count=2):
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(("ok", target().version))
        except ValidationError as refusal:
            outcomes.append(("refused", refusal.messages[0]))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_concurrent_freezes_get_two_version_numbers():
    contract = small_contract(CptsFactory())
    outcomes = race(lambda: services.freeze_report(contract=contract, contract_year=1, data={"n": 1}, by=None))
    assert sorted(outcomes) == [("ok", 1), ("ok", 2)]


def test_two_concurrent_sends_freeze_one_version():
    contract = small_contract(CptsFactory())
    outcomes = race(lambda: send_report(contract, 1, by=None))
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert ManagementReport.objects.filter(contract=contract).count() == 1


def test_the_database_refuses_a_second_row_with_the_same_version():
    contract = small_contract(CptsFactory())
    services.freeze_report(contract=contract, contract_year=1, data={}, by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ManagementReport.objects.create(contract=contract, contract_year=1, version=1, data={})
