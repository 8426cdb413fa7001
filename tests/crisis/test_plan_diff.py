"""The diff between two versions reads section by section: removed and added lines."""

import pytest
from django.urls import reverse

from maillon.crisis import document, services
from tests.conftest import verified_client

from .conftest import validated_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(cpts, coordinator, authority):
    first = validated_version(cpts, coordinator, authority, year=2025)
    second = services.start_version(cpts, by=coordinator)
    values = dict(second.content["typology_2"], risks="Canicule\nÉpisodes de pollution à l'ozone")
    services.save_section(second, "typology_2", values, by=coordinator)
    return first, second


def test_only_the_changed_section_is_marked_with_its_removed_and_added_lines(two_versions):
    first, second = two_versions

    sections = {section.key: section for section in document.diff(first, second)}

    assert [key for key, section in sections.items() if section.changed] == ["typology_2"]
    changed = sections["typology_2"].lines
    assert [line.text for line in changed if line.kind == "removed"] == [
        f"Risques propres au territoire : {first.content['typology_2']['risks']}"
    ]
    assert [line.text for line in changed if line.kind == "added"] == [
        "Risques propres au territoire : Canicule",
        "    Épisodes de pollution à l'ozone",
    ]
    assert "## Typologie 2" in document.unified(first, second)


def test_the_diff_page_compares_with_the_previous_year(two_versions, coordinator):
    _, second = two_versions

    html = verified_client(coordinator).get(reverse("crisis_plan_diff", args=[second.cpts.slug, 2026])).content.decode()

    assert "Du plan 2025 au plan 2026" in html
    assert "1 section modifiée" in html
    assert "+ Risques propres au territoire : Canicule" in html


def test_the_first_version_has_nothing_to_compare(cpts, coordinator):
    services.start_version(cpts, by=coordinator, year=2025)

    response = verified_client(coordinator).get(reverse("crisis_plan_diff", args=[cpts.slug, 2025]))

    assert response.status_code == 200
    assert "rien à comparer" in response.content.decode()
