"""The versions of the projet de santé: one at a time being written or examined, the next one a
copy of the latest, and a submitted version frozen."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.missions import SOCLE, Mission
from maillon.creation import services
from maillon.creation.factories import ProjectVersionFactory
from maillon.creation.models import Funder, ProjectEvent, ProjectStatus, ProjectVersion, ReviewDecision
from tests.creation.helpers import sheet_fields, submitted_project, write_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpts():
    return CptsFactory()


def returned(version):
    services.review_project(
        version, by=UserFactory(), funder=Funder.ARS, decision=ReviewDecision.RETURNED, comments="Précisez le budget."
    )
    version.refresh_from_db()
    assert version.status == ProjectStatus.RETURNED
    return version


def test_the_first_version_starts_empty(cpts):
    version = services.start_version(cpts, by=None)
    assert (version.number, version.status, version.diagnosis) == (1, ProjectStatus.DRAFT, "")
    assert not version.sections.exists()
    assert ProjectEvent.objects.filter(version=version, to_status=ProjectStatus.DRAFT).exists()
    assert services.working_version(cpts) == version


def test_the_next_version_copies_the_previous_one_sections_sheets_and_started_objects(cpts):
    first = submitted_project(cpts, missions=[*SOCLE, Mission.QUALITY])
    section = first.sections.get(mission=Mission.PREVENTION)
    section.diagnosis = "Dépistage en retrait."
    section.save()
    section.sheets.update(started="prevention_action:12")
    returned(first)

    second = services.start_version(cpts, by=None)
    assert second.number == 2
    assert second.status == ProjectStatus.DRAFT
    assert second.diagnosis == first.diagnosis
    assert second.missions == first.missions == [*SOCLE, Mission.QUALITY]
    copied = second.sections.get(mission=Mission.PREVENTION)
    assert copied.diagnosis == "Dépistage en retrait."
    original, copy = section.sheets.get(), copied.sheets.get()
    assert copy.pk != original.pk
    for name in services.SHEET_FIELDS:
        assert getattr(copy, name) == getattr(original, name), name
    assert (copy.position, copy.started) == (original.position, "prevention_action:12")
    # The returned version stays as it was.
    assert first.sections.count() == 5
    assert services.latest_version(cpts) == second


def test_a_new_version_is_refused_while_one_is_written_or_examined(cpts):
    version = services.start_version(cpts, by=None)
    with pytest.raises(ValidationError):
        services.start_version(cpts, by=None)
    write_project(version)
    services.submit_project(version, by=None)
    with pytest.raises(ValidationError):
        services.start_version(cpts, by=None)
    assert ProjectVersion.objects.for_cpts(cpts).count() == 1


@pytest.mark.parametrize("status", [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED])
def test_the_database_holds_one_working_version_per_cpts(cpts, status):
    ProjectVersionFactory(cpts=cpts, number=1, status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectVersionFactory(cpts=cpts, number=2, status=ProjectStatus.DRAFT)
    # Closed versions are as many as needed, beside one working version.
    ProjectVersionFactory(cpts=cpts, number=3, status=ProjectStatus.RETURNED)
    ProjectVersionFactory(cpts=cpts, number=4, status=ProjectStatus.VALIDATED)
    assert ProjectVersion.objects.for_cpts(cpts).count() == 3


def test_a_start_that_lost_the_race_is_refused_in_words(cpts, monkeypatch):
    """Two starts at once: both see no working version; the partial unique constraint refuses
    the second, which the service says as a refusal."""
    ProjectVersionFactory(cpts=cpts, number=1, status=ProjectStatus.DRAFT)
    monkeypatch.setattr(services, "working_version", lambda cpts: None)
    monkeypatch.setattr(services, "latest_version", lambda cpts: None)
    with pytest.raises(ValidationError) as caught:
        services.start_version(cpts, by=None)
    assert "déjà en rédaction" in caught.value.messages[0]
    assert ProjectVersion.objects.for_cpts(cpts).count() == 1


def test_the_socle_missions_are_always_taken_on(cpts):
    version = services.start_version(cpts, by=None)
    services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=[Mission.SUPPORT])
    assert version.missions == [*SOCLE, Mission.SUPPORT]


def test_an_unknown_mission_is_refused(cpts):
    version = services.start_version(cpts, by=None)
    for missions in ([7], ["deux"]):
        with pytest.raises(ValidationError) as caught:
            services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=missions)
        assert "missions" in caught.value.message_dict


def test_a_mission_with_sheets_cannot_be_dropped(cpts):
    version = services.start_version(cpts, by=None)
    services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=[Mission.QUALITY])
    services.save_sheet(version.sections.get(mission=Mission.QUALITY), by=None, **sheet_fields())
    with pytest.raises(ValidationError) as caught:
        services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=[])
    assert "missions" in caught.value.message_dict
    assert Mission.QUALITY in version.missions
    # Without its sheets it goes.
    version.sections.get(mission=Mission.QUALITY).sheets.get().delete()
    services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=[])
    assert version.missions == SOCLE


def test_a_sheet_is_written_and_changed_in_a_draft(cpts):
    version = services.start_version(cpts, by=None)
    services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=[])
    section = version.sections.get(mission=Mission.ACCESS)
    sheet = services.save_sheet(section, by=None, **sheet_fields(title="  Un médecin traitant pour tous "))
    assert (sheet.title, sheet.position) == ("Un médecin traitant pour tous", 1)
    services.save_sheet(section, by=None, sheet=sheet, budget=None)
    sheet.refresh_from_db()
    assert sheet.budget is None
    assert sheet.indicator_lines == ["Taux de participation au dépistage", "Nombre de kits remis"]


def test_a_sheet_missing_a_field_is_refused_naming_it(cpts):
    version = services.start_version(cpts, by=None)
    services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=[])
    with pytest.raises(ValidationError) as caught:
        services.save_sheet(version.sections.first(), by=None, **sheet_fields(objective=""))
    assert "objective" in caught.value.message_dict


def test_a_sheet_is_changed_only_through_its_own_section(cpts):
    version = services.start_version(cpts, by=None)
    services.save_diagnosis(version, by=None, diagnosis="Diagnostic.", missions=[])
    access, pathways = version.sections.get(mission=Mission.ACCESS), version.sections.get(mission=Mission.PATHWAYS)
    sheet = services.save_sheet(access, by=None, **sheet_fields())
    with pytest.raises(ValidationError):
        services.save_sheet(pathways, by=None, sheet=sheet, title="Ailleurs")


def test_a_submitted_version_is_frozen(cpts):
    version = submitted_project(cpts)
    section = version.sections.first()
    sheet = section.sheets.first()
    for write in (
        lambda: services.save_sheet(section, by=None, **sheet_fields()),
        lambda: services.save_sheet(section, by=None, sheet=sheet, title="Changée"),
        lambda: services.delete_sheet(sheet, by=None),
        lambda: services.save_section(section, by=None, diagnosis="Changé"),
        lambda: services.save_diagnosis(version, by=None, diagnosis="Changé", missions=[]),
    ):
        with pytest.raises(ValidationError):
            write()
    sheet.refresh_from_db()
    assert sheet.title != "Changée"
    assert section.sheets.count() == 1
