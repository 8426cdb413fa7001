"""Only an authority (ARS, CPAM) of the CPTS's territory validates or sends back a plan;
the coordinator submits; members and observers read (an action that is not theirs: 403, as
the API answers); anyone else gets 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.crisis import services
from maillon.crisis.models import PlanStatus
from tests.conftest import verified_client

from .conftest import complete_draft, territorial_user

pytestmark = pytest.mark.django_db


def version_url(version, name="crisis_plan_version"):
    return reverse(name, args=[version.cpts.slug, version.year])


@pytest.fixture
def submitted(cpts, coordinator):
    version = complete_draft(cpts, coordinator)
    services.submit_version(version, by=coordinator)
    return version


def test_the_coordinator_submits_through_the_page(cpts, coordinator):
    version = complete_draft(cpts, coordinator)

    response = verified_client(coordinator).post(version_url(version), {"action": "submit"})

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == PlanStatus.SUBMITTED


def test_the_coordinator_cannot_validate(submitted, coordinator):
    response = verified_client(coordinator).post(version_url(submitted), {"action": "validate"})

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.validate_version(submitted, by=coordinator)
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED


def test_the_authority_of_the_territory_validates(submitted, authority):
    client = verified_client(authority)
    page = client.get(version_url(submitted)).content.decode()

    response = client.post(version_url(submitted), {"action": "validate", "comment": ""})

    assert 'value="validate"' in page
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.VALIDATED and submitted.validated_by == authority


def test_the_authority_sends_back_with_comments_shown_to_the_cpts(submitted, authority, coordinator):
    client = verified_client(authority)

    refused = client.post(version_url(submitted), {"action": "send_back", "comment": ""})
    client.post(version_url(submitted), {"action": "send_back", "comment": "Ajouter le numéro d'astreinte ARS."})

    assert refused.status_code == 422
    assert "Remarques" in refused.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.DRAFT
    assert (
        "Ajouter le numéro d&#x27;astreinte ARS."
        in verified_client(coordinator).get(version_url(submitted)).content.decode()
    )


def test_an_authority_of_another_departement_gets_404(submitted, foreign_authority):
    client = verified_client(foreign_authority)

    assert client.get(version_url(submitted)).status_code == 404
    assert client.post(version_url(submitted), {"action": "validate"}).status_code == 404
    assert client.get(reverse("crisis_plan", args=[submitted.cpts.slug])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.validate_version(submitted, by=foreign_authority)
    submitted.refresh_from_db()
    assert submitted.status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("who", ["member", "observer"])
def test_members_and_observers_read_without_forms(cpts, submitted, member, who):
    user = member if who == "member" else territorial_user("observer")
    client = verified_client(user)

    response = client.get(version_url(submitted))

    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()
    assert client.post(version_url(submitted), {"action": "validate"}).status_code == 403
    assert client.get(version_url(submitted, "crisis_plan_pdf")).status_code == 200


def test_a_member_cannot_edit_a_draft(cpts, coordinator, member):
    version = services.start_version(cpts, by=coordinator)
    client = verified_client(member)

    edit = reverse("crisis_plan_section", args=[cpts.slug, version.year, "general"])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"referent": "Moi"}).status_code == 403
    assert client.post(reverse("crisis_plan", args=[cpts.slug]), {"action": "start"}).status_code == 403


def test_a_stranger_and_a_member_elsewhere_get_404(cpts, other_cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)
    elsewhere = CptsRoleFactory(cpts=other_cpts, user=UserFactory(with_totp=True)).user
    for user in (UserFactory(with_totp=True), elsewhere):
        client = verified_client(user)
        assert client.get(reverse("crisis_plan", args=[cpts.slug])).status_code == 404
        assert client.get(version_url(version)).status_code == 404
