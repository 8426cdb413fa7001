"""Who reaches the mission 6 API (maillon/api/support.py), by role, from maillon/support/policies.py:
every role in the CPTS reads its lists; the authority of the territory, a coordinator elsewhere and
a platform admin get 404 as for a CPTS that does not exist; nobody without a token or a session
(401); a token needs the `support` scope; a dissolved CPTS is read, not written."""

import pytest

from maillon.core.models import Cpts, CptsStatus
from maillon.support.factories import EquipmentFactory, HousingFactory
from tests.conftest import api_headers

from .api_helpers import call, people, support_url

pytestmark = pytest.mark.django_db

LISTS = (
    "supervisors",
    "placements",
    "applications",
    "housing",
    "installations",
    "ads",
    "tutoring",
    "cross-trainings",
    "equipment",
    "site",
)


@pytest.mark.parametrize("tail", LISTS)
def test_every_role_in_the_cpts_reads_nobody_else(cpts, tail):
    world = people(cpts)
    url = support_url(cpts, tail)
    for role in ("coordinator", "member"):
        assert call("get", url, world.headers(role)).status_code == 200, role
    for role in ("authority", "outsider", "admin"):
        response = call("get", url, world.headers(role))
        assert (response.status_code, response.json()) == (404, {"detail": "CPTS introuvable."}), role
    assert call("get", url).status_code == 401


def test_a_token_needs_the_support_scope(cpts):
    world = people(cpts)
    user = world.users["coordinator"]
    url = support_url(cpts, "housing")
    body = {"name": "Studio", "commune": "78646"}
    read_only = api_headers(user, scopes=["support:read"])
    assert call("get", url, read_only).status_code == 200
    refused = call("post", url, read_only, body)
    assert refused.status_code == 403
    assert "support:write" in refused.json()["detail"]
    assert call("get", url, api_headers(user, scopes=["quality:write"])).status_code == 403
    assert call("post", url, api_headers(user, scopes=["support:write"]), body).status_code == 201


def test_the_public_operations_need_no_token(cpts):
    assert call("get", "/ads").status_code == 200
    assert call("get", f"/cpts/{cpts.pk}/internships").status_code == 200


def test_a_dissolved_cpts_is_read_not_written(cpts):
    world = people(cpts)
    housing = HousingFactory(cpts=cpts)
    equipment = EquipmentFactory(cpts=cpts)
    Cpts.objects.filter(pk=cpts.pk).update(status=CptsStatus.DISSOLVED)
    coordinator, member = world.headers("coordinator"), world.headers("member")
    assert call("get", support_url(cpts, "housing"), coordinator).json()["count"] == 1
    assert call("patch", support_url(cpts, f"housing/{housing.pk}"), coordinator, {"rooms": 3}).status_code == 403
    assert call("put", support_url(cpts, "site"), coordinator, {"intro": "…"}).status_code == 403
    ad = {
        "kind": "premises",
        "title": "Local",
        "description": "…",
        "profession": "10",
        "commune": "78646",
        "contact_name": "Dr Martin",
        "contact_email": "martin@example.org",
        "expires_on": "2099-01-01",
    }
    assert call("post", support_url(cpts, "ads"), member, ad).status_code == 403
    booking = {"starts_at": "2030-01-07T09:00:00", "ends_at": "2030-01-07T10:00:00"}
    assert call("post", support_url(cpts, f"equipment/{equipment.pk}/bookings"), member, booking).status_code == 403
