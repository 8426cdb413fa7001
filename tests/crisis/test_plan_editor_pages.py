"""The coordinator edits a draft section by section and picks the professionals from
the directory; a frozen version has no editor."""

import pytest
from django.urls import reverse

from maillon.crisis import services
from maillon.members.factories import MembershipFactory
from tests.conftest import verified_client

from .conftest import complete_draft

pytestmark = pytest.mark.django_db


def test_a_section_is_saved_and_shown_on_the_version_page(cpts, coordinator):
    version = services.start_version(cpts, by=coordinator, year=2026)
    client = verified_client(coordinator)
    url = reverse("crisis_plan_section", args=[cpts.slug, 2026, "typology_2"])

    form = client.get(url)
    response = client.post(url, {"risks": "Canicule estivale", "response": "", "resources": "", "continuity": ""})

    assert (
        form.status_code == 200 and "Continuité des soins des patients chroniques et fragiles" in form.content.decode()
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.content["typology_2"]["risks"] == "Canicule estivale"
    page = client.get(reverse("crisis_plan_version", args=[cpts.slug, 2026])).content.decode()
    assert "Canicule estivale" in page
    assert "Il manque" in page


def test_an_unknown_section_answers_404(cpts, coordinator):
    services.start_version(cpts, by=coordinator, year=2026)

    response = verified_client(coordinator).get(reverse("crisis_plan_section", args=[cpts.slug, 2026, "nope"]))

    assert response.status_code == 404


def test_a_member_is_found_in_the_directory_and_picked_with_a_role(cpts, coordinator):
    services.start_version(cpts, by=coordinator, year=2026)
    nurse = MembershipFactory(
        cpts=cpts, professional__last_name="Garnier", professional__skills="Plaies, vaccination"
    ).professional
    client = verified_client(coordinator)
    url = reverse("crisis_plan_professionals", args=[cpts.slug, 2026])

    found = client.get(url, {"q": "garnier"}).content.decode()
    missing_role = client.post(url, {"professional": nurse.pk, "role": "", "typologies": ["3"]})
    added = client.post(url, {"professional": nurse.pk, "role": "Vaccinateur", "typologies": ["3"]})

    assert "Garnier" in found
    assert missing_role.status_code == 422 and "Rôle : précisez" in missing_role.content.decode()
    assert added.status_code == 302
    row = services.selectors.working_version(cpts).professionals.get()
    assert (row.role, row.skills, row.typologies) == ("Vaccinateur", "Plaies, vaccination", [3])
    client.post(url, {"action": "remove", "row": row.pk})
    assert not services.selectors.working_version(cpts).professionals.exists()


def test_a_submitted_version_has_no_editor(cpts, coordinator):
    version = complete_draft(cpts, coordinator, year=2026)
    services.submit_version(version, by=coordinator)
    client = verified_client(coordinator)

    assert client.get(reverse("crisis_plan_section", args=[cpts.slug, 2026, "general"])).status_code == 404
    assert client.post(reverse("crisis_plan_professionals", args=[cpts.slug, 2026]), {}).status_code == 404
    assert "Modifier" not in client.get(reverse("crisis_plan_version", args=[cpts.slug, 2026])).content.decode()
