import pytest

from maillon.contracts import registry
from maillon.contracts.models import FactCode


@pytest.fixture(autouse=True)
def _facts_stated_by_hand():
    """The contract's own tests state the crisis facts by hand, as for a contract whose
    mission apps compute nothing; tests of the registry register their own."""
    with registry.isolated(without_facts=tuple(FactCode.values)):
        yield
