"""A version goes draft → submitted → validated (or back to draft with comments); a
submitted or validated version is frozen; each transition is logged."""

import pytest
from django.core.exceptions import ValidationError

from maillon.crisis import services
from maillon.crisis.models import PlanEvent, PlanStatus
from maillon.members.factories import MembershipFactory

from .conftest import complete_draft

pytestmark = pytest.mark.django_db


def test_submit_then_validate_logs_each_transition(cpts, coordinator, authority):
    version = complete_draft(cpts, coordinator)

    services.submit_version(version, by=coordinator)
    services.validate_version(version, by=authority, comment="Conforme.")

    version.refresh_from_db()
    assert version.status == PlanStatus.VALIDATED
    assert version.validated_by == authority and version.validated_at is not None
    steps = [(event.from_status, event.to_status, event.by) for event in PlanEvent.objects.filter(version=version)]
    assert steps == [("draft", "submitted", coordinator), ("submitted", "validated", authority)]


@pytest.mark.parametrize("final", ["submitted", "validated"])
def test_a_submitted_or_validated_version_is_frozen(cpts, coordinator, authority, final):
    version = complete_draft(cpts, coordinator)
    services.submit_version(version, by=coordinator)
    if final == "validated":
        services.validate_version(version, by=authority)
    version.refresh_from_db()

    with pytest.raises(ValidationError, match="figée"):
        services.save_section(version, "general", {"referent": "Quelqu'un d'autre"}, by=coordinator)
    version.content = {"general": {"referent": "Changé en douce"}}
    with pytest.raises(ValidationError, match="figée"):
        version.save()
    other = MembershipFactory(cpts=cpts).professional
    with pytest.raises(ValidationError, match="figée"):
        services.add_professional(version, professional=other, role="Renfort", by=coordinator)
    with pytest.raises(ValidationError, match="figée"):
        services.remove_professional(version.professionals.first(), by=coordinator)
    with pytest.raises(ValidationError, match="figée"):
        version.delete()
    version.refresh_from_db()
    assert version.content["general"]["referent"] != "Changé en douce"
    assert version.professionals.count() == 1


def test_sending_back_needs_comments_and_reopens_the_draft(cpts, coordinator, authority):
    version = complete_draft(cpts, coordinator)
    services.submit_version(version, by=coordinator)

    with pytest.raises(ValidationError, match="Remarques"):
        services.send_back_version(version, by=authority, comment="  ")
    services.send_back_version(version, by=authority, comment="Préciser le lieu de repli de la cellule.")

    version.refresh_from_db()
    assert version.status == PlanStatus.DRAFT
    services.save_section(version, "general", {"cell_place": "Mairie, salle du conseil ; repli : MSP"}, by=coordinator)
    event = PlanEvent.objects.filter(version=version).last()
    assert event.is_send_back and event.comment == "Préciser le lieu de repli de la cellule."


def test_only_a_submitted_version_is_validated_and_only_a_draft_submitted(cpts, coordinator, authority):
    version = complete_draft(cpts, coordinator)

    with pytest.raises(ValidationError, match="seule une version soumise"):
        services.validate_version(version, by=authority)
    services.submit_version(version, by=coordinator)
    with pytest.raises(ValidationError, match="seule une version en brouillon"):
        services.submit_version(version, by=coordinator)


def test_one_version_per_year_and_one_working_version_at_a_time(cpts, coordinator, authority):
    version = complete_draft(cpts, coordinator, year=2025)

    with pytest.raises(ValidationError, match="déjà en brouillon"):
        services.start_version(cpts, by=coordinator, year=2026)
    services.submit_version(version, by=coordinator)
    services.validate_version(version, by=authority)
    with pytest.raises(ValidationError, match="existe déjà"):
        services.start_version(cpts, by=coordinator, year=2025)
    assert services.start_version(cpts, by=coordinator).year == 2026


def test_only_an_active_member_is_picked(cpts, other_cpts, coordinator):
    version = services.start_version(cpts, by=coordinator)
    stranger = MembershipFactory(cpts=other_cpts).professional

    with pytest.raises(ValidationError, match="adhérent actif"):
        services.add_professional(version, professional=stranger, role="Renfort", by=coordinator)
    member = MembershipFactory(cpts=cpts).professional
    with pytest.raises(ValidationError, match="Rôle"):
        services.add_professional(version, professional=member, role=" ", by=coordinator)
    with pytest.raises(ValidationError, match="Typologies"):
        services.add_professional(version, professional=member, role="Renfort", typologies=[6], by=coordinator)
