"""What the tests of the mission 6 API (tests/support/test_api_*.py) share. The callers and the
requests are those of the quality API's tests (tests/quality/api_helpers.py); here, the roles
mission 6 names: `supervisor` (an adherent who is a training supervisor), `author` (an adherent
who writes an ad), `member` (another adherent), besides the coordinator, the authority of the
territory, a coordinator elsewhere (`outsider`) and a platform admin."""

from tests.quality.api_helpers import Callers, call, callers, field_errors

__all__ = ["Callers", "call", "field_errors", "people", "support_url"]

# The adherents of `tests.quality.api_helpers.callers`, under the names of mission 6.
ALIASES = {"supervisor": "owner", "author": "requester", "tutor": "referent"}


def people(cpts) -> Callers:
    """The callers around `cpts`, with the mission 6 names of its adherents."""
    world = callers(cpts)
    for name, role in ALIASES.items():
        world.users[name] = world.users[role]
        world.adhesions[name] = world.adhesions[role]
    return world


def support_url(cpts, tail="") -> str:
    return f"/cpts/{cpts.pk}/support/{tail}".rstrip("/")
