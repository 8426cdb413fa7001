"""Next year's draft starts from the last validated version; the improvement actions
carried from a RETEX are listed in the editor until integrated."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.crisis import selectors, services
from maillon.crisis.models import ImprovementStatus
from tests.conftest import verified_client

from .conftest import validated_version

pytestmark = pytest.mark.django_db


def test_the_next_draft_copies_the_last_validated_version(cpts, coordinator, authority):
    first = validated_version(cpts, coordinator, authority, year=2025)

    draft = services.start_version(cpts, by=coordinator)

    assert draft.year == 2026 and draft.status == "draft"
    assert draft.based_on == first
    assert draft.content == first.content
    assert [(row.professional_id, row.role, row.typologies) for row in draft.professionals.all()] == [
        (row.professional_id, row.role, row.typologies) for row in first.professionals.all()
    ]
    services.save_section(draft, "general", {"referent": "Nouveau référent"}, by=coordinator)
    first.refresh_from_db()
    assert first.content["general"]["referent"] != "Nouveau référent"


def test_current_plan_is_the_last_validated_and_professionals_come_from_it(cpts, coordinator, authority):
    assert selectors.current_plan(cpts) is None
    first = validated_version(cpts, coordinator, authority, year=2025)
    draft = services.start_version(cpts, by=coordinator)
    services.remove_professional(draft.professionals.first(), by=coordinator)

    assert selectors.current_plan(cpts) == first
    rows = list(selectors.mobilisable_professionals(cpts))
    assert len(rows) == 1
    assert rows[0].role == "Vaccinateur" and "Vaccination" in rows[0].skill_list


def test_carried_improvements_are_listed_in_the_draft_until_integrated(cpts, coordinator, authority):
    validated_version(cpts, coordinator, authority, year=2025)
    created = services.carry_improvements(
        cpts,
        items=["Tenir à jour les numéros d'astreinte", "  ", "Prévoir un lieu de repli"],
        source="RETEX canicule 2025",
        by=coordinator,
    )
    draft = services.start_version(cpts, by=coordinator)
    client = verified_client(coordinator)
    url = reverse("crisis_plan_version", args=[cpts.slug, draft.year])

    page = client.get(url).content.decode()
    client.post(url, {"action": "integrate", "improvement": created[0].pk})

    assert len(created) == 2
    assert "Tenir à jour les numéros d&#x27;astreinte" in page and "RETEX canicule 2025" in page
    created[0].refresh_from_db()
    assert created[0].status == ImprovementStatus.INTEGRATED and created[0].integrated_in == draft
    assert list(services.open_improvements(cpts)) == [created[1]]


def test_improvements_need_a_source_and_are_all_or_nothing(cpts, coordinator):
    with pytest.raises(ValidationError, match="Origine"):
        services.carry_improvements(cpts, items=["Action"], source=" ", by=coordinator)

    assert not services.open_improvements(cpts).exists()


def test_an_improvement_is_integrated_only_into_a_draft(cpts, coordinator, authority):
    validated_version(cpts, coordinator, authority, year=2025)
    improvement = services.carry_improvements(cpts, items=["Action"], source="Exercice", by=coordinator)[0]

    with pytest.raises(ValidationError, match="brouillon"):
        services.integrate_improvement(improvement, by=coordinator)


def test_the_coordinator_opens_the_next_draft_from_the_overview(cpts, coordinator, authority):
    validated_version(cpts, coordinator, authority, year=2025)

    response = verified_client(coordinator).post(reverse("crisis_plan", args=[cpts.slug]), {"action": "start"})

    assert response.status_code == 302
    assert response["Location"] == reverse("crisis_plan_version", args=[cpts.slug, 2026])
