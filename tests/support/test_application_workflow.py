"""Applications to placements, sent without an account (`services.apply`): to an open placement
of the CPTS or spontaneous (no placement). An application moves only through its workflow
(received → accepted | declined). Accepting fills the placement with the applicant and declines
the other applications it received (« Stage pourvu »), all or nothing; every refusal is in French
and names its field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import TransitionNotAllowed
from maillon.support import services
from maillon.support.factories import PlacementApplicationFactory, PlacementFactory, SupervisorFactory
from maillon.support.models import (
    ApplicationStatus,
    Placement,
    PlacementApplication,
    PlacementApplicationEvent,
    PlacementEvent,
    PlacementStatus,
    TraineeLevel,
)

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def applicant(**fields):
    return {
        "first_name": "Inès",
        "last_name": "Moreau",
        "email": "ines.moreau@example.org",
        "school": "Faculté de santé de Versailles",
        "level": TraineeLevel.JUNIOR_DOCTOR,
        **fields,
    }


def logged(application):
    return list(
        PlacementApplicationEvent.objects.filter(application=application).values_list(
            "from_status", "to_status", "note"
        )
    )


def fresh(row):
    return type(row).objects.get(pk=row.pk)


# --- Applying -----------------------------------------------------------------------------------------


def test_an_application_to_an_open_placement_is_received(cpts):
    placement = PlacementFactory(supervisor=SupervisorFactory(cpts=cpts))
    application = services.apply(
        cpts=cpts,
        placement=placement,
        **applicant(first_name="  Inès ", phone=" 06 12 34 56 78 ", wished_period="Semestre de mai", message="Bonjour"),
    )
    stored = fresh(application)
    assert (stored.status, stored.cpts, stored.placement) == (ApplicationStatus.RECEIVED, cpts, placement)
    assert (stored.first_name, stored.last_name, stored.phone, stored.applicant_name) == (
        "Inès",
        "Moreau",
        "06 12 34 56 78",
        "Inès Moreau",
    )
    assert stored.submitted_at is not None
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.OPEN


def test_a_spontaneous_application_has_no_placement(cpts):
    application = services.apply(cpts=cpts, **applicant(wished_period="N'importe quel semestre de 2027"))
    assert (application.placement, application.status) == (None, ApplicationStatus.RECEIVED)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", " ", "Prénom : ce champ est obligatoire."),
        ("last_name", "", "Nom : ce champ est obligatoire."),
        ("school", "  ", "Faculté ou école : ce champ est obligatoire."),
    ],
)
def test_an_application_names_the_missing_field(cpts, field, value, message):
    with pytest.raises(ValidationError) as refused:
        services.apply(cpts=cpts, **applicant(**{field: value}))
    assert refused.value.message_dict[field] == [message]
    assert not PlacementApplication.objects.exists()


def test_an_application_needs_a_valid_address_and_level(cpts):
    with pytest.raises(ValidationError) as refused:
        services.apply(cpts=cpts, **applicant(email="pas-une-adresse", level="surgeon"))
    assert set(refused.value.message_dict) == {"email", "level"}


@pytest.mark.parametrize(
    "traits",
    [
        {"filled": True},
        {"cancelled": True},
        {"starts_on": TODAY - 180 * DAY, "ends_on": TODAY - DAY},  # over
    ],
)
def test_no_application_to_a_placement_no_longer_open(cpts, traits):
    placement = PlacementFactory(supervisor=SupervisorFactory(cpts=cpts), **traits)
    with pytest.raises(ValidationError) as refused:
        services.apply(cpts=cpts, placement=placement, **applicant())
    assert refused.value.message_dict == {"placement": ["Stage : ce stage n'est plus ouvert aux candidatures."]}
    assert not PlacementApplication.objects.exists()


def test_no_application_to_a_placement_of_another_cpts(cpts, other_cpts):
    placement = PlacementFactory(supervisor=SupervisorFactory(cpts=other_cpts))
    with pytest.raises(ValidationError) as refused:
        services.apply(cpts=cpts, placement=placement, **applicant())
    assert list(refused.value.message_dict) == ["placement"]
    assert not PlacementApplication.objects.exists()


# --- Deciding ----------------------------------------------------------------------------------------------


def test_the_workflow_declares_its_transitions():
    workflow = PlacementApplication.workflow
    assert workflow.targets_from(ApplicationStatus.RECEIVED) == {ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED}
    assert workflow.targets_from(ApplicationStatus.ACCEPTED) == set()
    assert workflow.targets_from(ApplicationStatus.DECLINED) == set()


def test_accepting_fills_the_placement_and_declines_the_other_applications(coordinator):
    placement = PlacementFactory()
    chosen = PlacementApplicationFactory(
        placement=placement,
        first_name="Inès",
        last_name="Moreau",
        school="Faculté de Versailles",
        email="ines@example.org",
    )
    other = PlacementApplicationFactory(placement=placement)
    already_declined = PlacementApplicationFactory(placement=placement, declined=True)
    elsewhere = PlacementApplicationFactory(
        placement=PlacementFactory(supervisor=placement.supervisor, starts_on=placement.ends_on + 30 * DAY)
    )

    chosen.accept(by=coordinator)

    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.status, stored.trainee_name, stored.trainee_school, stored.trainee_email) == (
        PlacementStatus.FILLED,
        "Inès Moreau",
        "Faculté de Versailles",
        "ines@example.org",
    )
    assert fresh(chosen).status == ApplicationStatus.ACCEPTED
    assert fresh(other).status == ApplicationStatus.DECLINED
    assert logged(chosen) == [("received", "accepted", "")]
    assert logged(other) == [("received", "declined", "Stage pourvu")]
    assert logged(already_declined) == []
    assert fresh(elsewhere).status == ApplicationStatus.RECEIVED
    assert list(PlacementEvent.objects.filter(placement=placement).values_list("to_status", "by")) == [
        ("filled", coordinator.pk)
    ]
    assert JournalEntry.objects.filter(action="transition", object_type="support.PlacementApplication").count() == 2


def test_a_spontaneous_application_is_accepted_for_a_placement_the_coordination_picks(coordinator, cpts):
    application = PlacementApplicationFactory(spontaneous=True, cpts=cpts)
    with pytest.raises(ValidationError) as missing:
        application.accept(by=coordinator)
    assert missing.value.message_dict == {"placement": ["Stage : choisissez le stage proposé à ce candidat."]}
    placement = PlacementFactory(supervisor=SupervisorFactory(cpts=cpts))

    application.accept(by=coordinator, placement=placement)

    stored = fresh(application)
    assert (stored.status, stored.placement) == (ApplicationStatus.ACCEPTED, placement)
    assert Placement.objects.get(pk=placement.pk).trainee_name == application.applicant_name


def test_a_placement_of_another_cpts_cannot_be_given(coordinator, cpts, other_cpts):
    application = PlacementApplicationFactory(spontaneous=True, cpts=cpts)
    foreign = PlacementFactory(supervisor=SupervisorFactory(cpts=other_cpts))
    with pytest.raises(ValidationError) as refused:
        application.accept(by=coordinator, placement=foreign)
    assert list(refused.value.message_dict) == ["placement"]
    assert fresh(application).status == ApplicationStatus.RECEIVED
    assert Placement.objects.get(pk=foreign.pk).status == PlacementStatus.OPEN


def test_accepting_for_a_placement_filled_meanwhile_changes_nothing(coordinator):
    placement = PlacementFactory()
    first, second = PlacementApplicationFactory(placement=placement), PlacementApplicationFactory(placement=placement)
    late = fresh(second)  # the page the other decider read
    first.accept(by=coordinator)
    with pytest.raises(ValidationError):
        late.accept(by=coordinator)
    assert fresh(second).status == ApplicationStatus.DECLINED  # by the first acceptance
    assert Placement.objects.get(pk=placement.pk).trainee_name == first.applicant_name
    assert logged(second) == [("received", "declined", "Stage pourvu")]


def test_an_application_to_a_filled_placement_is_not_accepted(coordinator):
    placement = PlacementFactory()
    waiting = PlacementApplicationFactory(placement=placement)
    placement.fill(by=coordinator, trainee_name="Trouvé ailleurs")
    with pytest.raises(TransitionNotAllowed) as refused:
        waiting.accept(by=coordinator)
    assert refused.value.detail == "Ce stage est « Pourvu » : l'action n'est pas possible."
    assert fresh(waiting).status == ApplicationStatus.RECEIVED
    assert logged(waiting) == []


def test_decline_keeps_its_note(member):
    application = PlacementApplicationFactory()
    application.decline(by=member, note="Période trop courte")
    assert fresh(application).status == ApplicationStatus.DECLINED
    assert logged(application) == [("received", "declined", "Période trop courte")]
    assert Placement.objects.get(pk=application.placement_id).status == PlacementStatus.OPEN


@pytest.mark.parametrize(
    ("decided", "label"),
    [
        ("accept", "Acceptée"),
        ("decline", "Déclinée"),
    ],
)
def test_a_decided_application_moves_no_more(coordinator, decided, label):
    application = PlacementApplicationFactory()
    getattr(application, decided)(by=coordinator)
    for move in (lambda: application.accept(by=coordinator), lambda: application.decline(by=coordinator)):
        with pytest.raises(TransitionNotAllowed) as refused:
            move()
        assert refused.value.detail == f"Cette candidature est « {label} » : l'action n'est pas possible."
    assert len(logged(application)) == 1


def test_a_stale_copy_is_refused(coordinator):
    application = PlacementApplicationFactory()
    stale = fresh(application)
    application.decline(by=coordinator)
    with pytest.raises(TransitionNotAllowed) as refused:
        stale.decline(by=coordinator, note="Deux fois")
    assert refused.value.detail == "Cette candidature a changé entre-temps : l'action n'est pas possible."
    assert logged(application) == [("received", "declined", "")]
