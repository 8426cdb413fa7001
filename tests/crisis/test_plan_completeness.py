"""The completeness check lists what the national template still expects."""

import pytest
from django.core.exceptions import ValidationError

from maillon.crisis import services, template

from .conftest import fill

pytestmark = pytest.mark.django_db


def test_an_empty_draft_misses_every_field_of_every_section_and_a_professional(cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)

    missing = version.missing_items()

    expected_fields = sum(len(section.fields) for section in template.SECTIONS)
    assert len(missing) == expected_fields + 1
    titles = {item.section_title for item in missing}
    for typology in template.TYPOLOGIES:
        assert any(title.startswith(f"Typologie {typology.number} ") for title in titles)
    assert "Professionnels mobilisables : au moins un professionnel mobilisable" in [str(item) for item in missing]


def test_each_typology_expects_risks_response_resources_and_continuity_of_care(cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)

    labels = {item.label for item in version.missing_items() if item.section_key == "typology_4"}

    assert labels == {
        "Risques propres au territoire",
        "Modalités de réponse : qui fait quoi",
        "Moyens mobilisables",
        "Continuité des soins des patients chroniques et fragiles",
    }


def test_a_filled_section_leaves_the_check(cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)
    services.save_section(version, "general", {"referent": "Dr Anne Morel, 06 12 34 56 78"}, by=coordinator)

    labels = [item.label for item in version.missing_items() if item.section_key == "general"]

    assert "Référent SSE (nom, profession, téléphone)" not in labels
    assert "Suppléant du référent SSE (nom, profession, téléphone)" in labels


def test_a_complete_plan_misses_nothing(cpts, coordinator):
    version = fill(services.start_version(cpts, by=coordinator), coordinator)

    assert version.missing_items() == []
    assert version.is_complete


def test_an_incomplete_plan_cannot_be_submitted_and_the_refusal_names_what_is_missing(cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)

    with pytest.raises(ValidationError, match="Organisation générale : Référent SSE"):
        services.submit_version(version, by=coordinator)
    version.refresh_from_db()
    assert version.status == "draft"


def test_unknown_sections_and_fields_are_not_stored(cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)
    version.content = {"general": {"referent": "  Dr Morel  ", "script": "x"}, "other": {"a": "b"}}
    version.save()
    version.refresh_from_db()

    assert "other" not in version.content
    assert "script" not in version.content["general"]
    assert version.content["general"]["referent"] == "Dr Morel"
    with pytest.raises(ValidationError, match="Section"):
        services.save_section(version, "nope", {}, by=coordinator)
