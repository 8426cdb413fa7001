"""A fiche-action of a validated projet de santé starts the mission object it describes, through
the starters the mission apps register (`creation.registry`): a prevention action (mission 3), a
pathway programme in draft (mission 2). Once per sheet, and only a starter of the sheet's mission."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.missions import Mission
from maillon.creation import registry, services
from maillon.creation.factories import ActionSheetFactory, MissionSectionFactory, ProjectVersionFactory
from maillon.creation.models import ProjectStatus
from maillon.pathways.models import Programme
from maillon.prevention.models import ActionStatus, PreventionAction, Theme
from tests.conftest import verified_client
from tests.creation.helpers import sheet_fields

pytestmark = pytest.mark.django_db

PREVENTION, PATHWAYS = "prevention_action", "pathways_programme"


@pytest.fixture
def cpts():
    return CptsFactory()


@pytest.fixture
def coordinator(cpts):
    return CptsRoleFactory(cpts=cpts, coordinator=True, user=UserFactory(with_totp=True)).user


def sheet_of(cpts, mission, status=ProjectStatus.VALIDATED, **fields):
    version = ProjectVersionFactory(cpts=cpts, status=status)
    section = MissionSectionFactory(version=version, mission=mission)
    return ActionSheetFactory(section=section, **sheet_fields() | fields)


def test_the_prevention_and_pathways_apps_register_their_starters():
    assert [starter.kind for starter in registry.starters_for(Mission.PREVENTION)] == [PREVENTION]
    assert [starter.kind for starter in registry.starters_for(Mission.PATHWAYS)] == [PATHWAYS]
    assert registry.starters_for(Mission.CRISIS) == []
    assert registry.starter(PREVENTION).label == "une action de prévention"
    assert registry.starter(PATHWAYS).label == "un programme de parcours"


def test_a_prevention_sheet_starts_a_planned_action_of_its_cpts_with_the_sheets_data(cpts, coordinator):
    other = CptsFactory()
    sheet = sheet_of(cpts, Mission.PREVENTION, title="Dépister le cancer colorectal", budget=Decimal("4500.00"))
    action = registry.start_from_sheet(sheet, PREVENTION, by=coordinator)
    action = PreventionAction.objects.get(pk=action.pk)
    assert action.cpts == cpts
    assert not PreventionAction.objects.for_cpts(other).exists()
    assert (action.title, action.health_project_action) == ("Dépister le cancer colorectal",) * 2
    assert (action.status, action.theme, action.budget) == (ActionStatus.PLANNED, Theme.OTHER, Decimal("4500.00"))
    assert action.partners == sheet.partners
    for text in (sheet.objective, sheet.target_population, sheet.actions, f"Pilote : {sheet.owner}"):
        assert text in action.description
    sheet.refresh_from_db()
    assert sheet.started == f"{PREVENTION}:{action.pk}"
    assert registry.started_kind(sheet) == PREVENTION


def test_a_pathways_sheet_starts_a_programme_without_steps_of_its_cpts(cpts, coordinator):
    sheet = sheet_of(cpts, Mission.PATHWAYS, title="Sortie d'hospitalisation des personnes âgées")
    programme = registry.start_from_sheet(sheet, PATHWAYS, by=coordinator)
    programme = Programme.objects.get(pk=programme.pk)
    assert (programme.cpts, programme.name, programme.version) == (cpts, sheet.title, 1)
    assert programme.is_current
    assert programme.eligibility == sheet.target_population
    assert sheet.objective in programme.description
    assert "Budget prévisionnel : 4500.00 €" in programme.description
    assert not programme.steps.exists()
    sheet.refresh_from_db()
    assert sheet.started == f"{PATHWAYS}:{programme.pk}"


def test_the_started_objects_pages_open_for_the_coordination(cpts, coordinator):
    client = verified_client(coordinator)
    for mission, kind in ((Mission.PREVENTION, PREVENTION), (Mission.PATHWAYS, PATHWAYS)):
        obj = registry.start_from_sheet(sheet_of(cpts, mission), kind, by=coordinator)
        path = registry.starter(kind).path(obj)
        assert path.startswith(f"/cpts/{cpts.slug}/")
        assert client.get(path).status_code == 200


def test_a_sheet_starts_its_object_once(cpts, coordinator):
    sheet = sheet_of(cpts, Mission.PREVENTION)
    registry.start_from_sheet(sheet, PREVENTION, by=coordinator)
    with pytest.raises(ValidationError) as caught:
        registry.start_from_sheet(sheet, PREVENTION, by=coordinator)
    assert "déjà démarré" in caught.value.message_dict["kind"][0]
    assert PreventionAction.objects.count() == 1


def test_the_next_version_keeps_what_its_sheets_started(cpts, coordinator):
    sheet = sheet_of(cpts, Mission.PREVENTION)
    registry.start_from_sheet(sheet, PREVENTION, by=coordinator)
    copy = services.start_version(cpts, by=coordinator).sections.get().sheets.get()
    type(copy.section.version).objects.filter(pk=copy.section.version_id).update(status=ProjectStatus.VALIDATED)
    with pytest.raises(ValidationError):
        registry.start_from_sheet(copy, PREVENTION, by=coordinator)
    assert PreventionAction.objects.count() == 1


@pytest.mark.parametrize(("mission", "kind"), [(Mission.PATHWAYS, PREVENTION), (Mission.PREVENTION, PATHWAYS)])
def test_a_starter_of_another_mission_is_refused(cpts, coordinator, mission, kind):
    sheet = sheet_of(cpts, mission)
    with pytest.raises(ValidationError) as caught:
        registry.start_from_sheet(sheet, kind, by=coordinator)
    assert "kind" in caught.value.message_dict
    assert not PreventionAction.objects.exists()
    assert not Programme.objects.exists()
    sheet.refresh_from_db()
    assert sheet.started == ""


def test_an_unknown_starter_is_refused(cpts, coordinator):
    with pytest.raises(ValidationError):
        registry.start_from_sheet(sheet_of(cpts, Mission.PREVENTION), "crisis_plan", by=coordinator)


@pytest.mark.parametrize("status", [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.RETURNED])
def test_a_sheet_of_a_project_not_validated_starts_nothing(cpts, coordinator, status):
    sheet = sheet_of(cpts, Mission.PREVENTION, status=status)
    with pytest.raises(ValidationError) as caught:
        registry.start_from_sheet(sheet, PREVENTION, by=coordinator)
    assert "validé" in caught.value.message_dict["kind"][0]
    assert not PreventionAction.objects.exists()


@pytest.fixture
def refusing_starter():
    def start(sheet, *, by):
        PreventionAction.objects.create(
            cpts=sheet.section.version.cpts, title="À moitié", theme=Theme.OTHER, starts_on="2026-01-01"
        )
        raise ValidationError({"title": "Intitulé : refusé."})

    registry.register_starter("refusing", mission=Mission.QUALITY, label="rien", start=start, path=str)
    yield
    registry.unregister("refusing")


def test_a_starter_that_refuses_leaves_nothing_and_the_sheet_unstarted(cpts, coordinator, refusing_starter):
    sheet = sheet_of(cpts, Mission.QUALITY)
    with pytest.raises(ValidationError):
        registry.start_from_sheet(sheet, "refusing", by=coordinator)
    assert not PreventionAction.objects.exists()
    sheet.refresh_from_db()
    assert sheet.started == ""


def test_only_a_sheet_of_the_latest_validated_version_starts_an_object(cpts, coordinator):
    older = sheet_of(cpts, Mission.PREVENTION)
    newer = sheet_of(cpts, Mission.PREVENTION)
    assert newer.section.version.number > older.section.version.number
    with pytest.raises(ValidationError) as refused:
        registry.start_from_sheet(older, PREVENTION, by=coordinator)
    assert "dernière version validée" in str(refused.value)
    assert not PreventionAction.objects.for_cpts(cpts).exists()
    registry.start_from_sheet(newer, PREVENTION, by=coordinator)
    assert PreventionAction.objects.for_cpts(cpts).count() == 1
