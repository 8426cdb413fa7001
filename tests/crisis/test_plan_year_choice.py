"""The coordinator opens the plan of the current year or the next one after the last version,
never a far year (validated, it would stay the plan in force for good): pages, API, service."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillon.crisis import services
from maillon.crisis.models import PlanVersion
from tests.conftest import verified_client

from .conftest import validated_version
from .test_plan_api import base, call

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return timezone.localdate().year


def test_the_api_refuses_a_far_year_naming_the_field(client, cpts, coordinator):
    response = call(client, coordinator, "POST", f"{base(cpts)}/versions", {"year": 2099})
    assert response.status_code == 409
    assert "Année : le plan 2099 ne peut pas être ouvert" in response.json()["detail"]
    assert not PlanVersion.objects.exists()


def test_the_api_refuses_a_past_year_and_opens_the_current_one(client, cpts, coordinator):
    past = call(client, coordinator, "POST", f"{base(cpts)}/versions", {"year": this_year() - 3})
    assert past.status_code == 409 and "Année" in past.json()["detail"]
    created = call(client, coordinator, "POST", f"{base(cpts)}/versions", {"year": this_year()})
    assert created.status_code == 201 and created.json()["year"] == this_year()


def test_next_year_after_the_current_version_is_allowed_but_not_the_one_after(cpts, coordinator, authority):
    validated_version(cpts, coordinator, authority, year=this_year())
    assert services.allowed_years(cpts) == [this_year(), this_year() + 1]
    with pytest.raises(ValidationError, match="Année"):
        services.open_draft(cpts, by=coordinator, year=this_year() + 2)
    draft = services.open_draft(cpts, by=coordinator)
    assert draft.year == this_year() + 1


def test_the_page_does_not_open_a_draft_beyond_next_year(cpts, coordinator, authority):
    validated_version(cpts, coordinator, authority, year=this_year() + 1)  # e.g. opened early, by the demo
    client = verified_client(coordinator)
    response = client.post(reverse("crisis_plan", args=[cpts.slug]), {"action": "start"}, follow=True)
    assert f"Année : le plan {this_year() + 2} ne peut pas être ouvert" in response.content.decode()
    assert not PlanVersion.objects.filter(year=this_year() + 2).exists()
