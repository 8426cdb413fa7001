"""The demo plan: one version validated in each elapsed ACI year (last year's without an
ACI), this year's draft copied from the last."""

import datetime

import pytest

from maillon.crisis import selectors
from maillon.demo.crisis import ensure_plan
from maillon.members.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_demo_plan_is_complete_validated_then_redrafted_and_idempotent(cpts, coordinator):
    for _ in range(3):
        MembershipFactory(cpts=cpts)
    today = datetime.date(2026, 5, 4)

    first = ensure_plan(cpts, coordinator, seed=7, today=today)
    again = ensure_plan(cpts, coordinator, seed=7, today=today)

    assert first == {"validated": [2025], "draft": 2026, "professionals": 3}
    assert again is None
    current = selectors.current_plan(cpts)
    assert current.year == 2025 and current.missing_items() == []
    draft = selectors.working_version(cpts)
    assert "plus précoces" in draft.content["typology_2"]["risks"]


def test_the_demo_plan_of_a_signed_aci_is_validated_in_each_elapsed_contract_year(cpts, coordinator):
    from maillon.contracts import services as contract_services
    from maillon.contracts.factories import ContractFactory
    from maillon.core.models import CptsStatus

    for _ in range(3):
        MembershipFactory(cpts=cpts)
    signed_on = datetime.date(2024, 5, 21)
    cpts.record_step(status=CptsStatus.ACI_SIGNED, on=signed_on, by=None)
    contract = ContractFactory(cpts=cpts, signed_on=signed_on)

    result = ensure_plan(cpts, coordinator, seed=7, today=datetime.date(2026, 11, 23))

    # Year 3 (from May 2026) has not validated its update yet: this year's draft is open.
    assert result["validated"] == [2024, 2025] and result["draft"] == 2026
    facts = [contract_services.facts_of_year(contract, number) for number in (1, 2)]
    assert facts[0]["crisis_plan_first_drafted"] and not facts[0]["crisis_plan_updated"]
    assert facts[1]["crisis_plan_updated"] and not facts[1]["crisis_plan_first_drafted"]
