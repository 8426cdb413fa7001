"""Training supervisors and the placements they offer. A supervisor is an active professional
adhesion of the CPTS, with at least one trainee level and a capacity of 1 to 6 trainees at a time.
A placement is offered through `services.offer_placement`, refused over the supervisor's capacity
for overlapping periods, for a level they do not take, after their accreditation or when they no
longer take trainees. It moves only through its workflow (open → filled ; open | filled →
cancelled): each move writes one log row and one journal entry; an illegal move or a stale copy is
refused in French and writes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillon.core.models import JournalEntry
from maillon.core.workflows import StateChangedOutsideWorkflow, TransitionNotAllowed
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.models import MembershipStatus
from maillon.support import services
from maillon.support.factories import PlacementFactory, SupervisorFactory
from maillon.support.models import Placement, PlacementEvent, PlacementStatus, Supervisor, TraineeLevel

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SEMESTER_START = TODAY + 30 * DAY
SEMESTER_END = SEMESTER_START + 181 * DAY


def logged(placement):
    return list(PlacementEvent.objects.filter(placement=placement).values_list("from_status", "to_status", "note"))


def journaled(placement):
    return JournalEntry.objects.filter(
        action="transition", object_type="support.Placement", object_id=str(placement.pk)
    )


def offer(supervisor, by, *, starts_on=SEMESTER_START, ends_on=SEMESTER_END, level=TraineeLevel.INTERN, **fields):
    return services.offer_placement(
        supervisor=supervisor, by=by, level=level, starts_on=starts_on, ends_on=ends_on, **fields
    )


# --- Supervisors --------------------------------------------------------------------------------


def test_a_supervisor_is_named_after_the_professional_of_their_adhesion(cpts):
    professional = ProfessionalFactory(first_name="Claire", last_name="Fontaine")
    supervisor = SupervisorFactory(cpts=cpts, membership=MembershipFactory(cpts=cpts, professional=professional))
    supervisor.full_clean()
    assert (supervisor.professional, supervisor.name, supervisor.profession_label) == (
        professional,
        "Claire Fontaine",
        "Médecin",
    )
    assert str(supervisor) == "Claire Fontaine"


def test_a_supervisor_needs_a_level_from_the_list():
    supervisor = SupervisorFactory(levels=[])
    with pytest.raises(ValidationError) as empty:
        supervisor.full_clean()
    assert empty.value.message_dict["levels"] == ["Stagiaires accueillis : cochez au moins un niveau."]
    supervisor.levels = ["intern", "surgeon"]
    with pytest.raises(ValidationError) as unknown:
        supervisor.full_clean()
    assert unknown.value.message_dict["levels"] == ["Stagiaires accueillis : un niveau n'est pas dans la liste."]


@pytest.mark.parametrize("capacity", [0, 7])
def test_a_supervisor_takes_one_to_six_trainees(capacity):
    supervisor = SupervisorFactory(capacity=capacity)
    with pytest.raises(ValidationError) as refused:
        supervisor.full_clean()
    assert list(refused.value.message_dict) == ["capacity"]


def test_a_supervisor_is_an_active_adhesion_of_the_cpts(cpts, other_cpts):
    outside = SupervisorFactory(cpts=cpts, membership=MembershipFactory(cpts=other_cpts))
    with pytest.raises(ValidationError) as refused:
        outside.full_clean()
    assert refused.value.message_dict["membership"] == ["Adhérent : choisissez un adhérent de la CPTS."]
    left = SupervisorFactory(cpts=cpts, membership=MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT))
    with pytest.raises(ValidationError) as refused:
        left.full_clean()
    assert refused.value.message_dict["membership"] == [
        "Adhérent : choisissez un professionnel adhérent (adhésion active)."
    ]


def test_one_supervisor_per_adhesion(cpts):
    supervisor = SupervisorFactory(cpts=cpts)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupervisorFactory(cpts=cpts, membership=supervisor.membership)


def test_available_supervisors_are_the_active_ones(cpts):
    active = SupervisorFactory(cpts=cpts)
    SupervisorFactory(cpts=cpts, active=False)
    assert list(Supervisor.objects.for_cpts(cpts).available()) == [active]


# --- Offering a placement -------------------------------------------------------------------------


def test_a_placement_is_offered_open_in_the_cpts_of_its_supervisor(coordinator):
    supervisor = SupervisorFactory(capacity=1)
    placement = offer(supervisor, coordinator, description="  Cabinet de groupe, visites  ")
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.status, stored.cpts_id, stored.supervisor, stored.level) == (
        PlacementStatus.OPEN,
        supervisor.cpts_id,
        supervisor,
        TraineeLevel.INTERN,
    )
    assert (stored.starts_on, stored.ends_on, stored.description) == (
        SEMESTER_START,
        SEMESTER_END,
        "Cabinet de groupe, visites",
    )
    assert (stored.trainee_name, stored.trainee_school, stored.trainee_email) == ("", "", "")


def test_the_capacity_counts_the_placements_of_overlapping_periods(coordinator):
    supervisor = SupervisorFactory(capacity=2)
    offer(supervisor, coordinator)
    offer(supervisor, coordinator, starts_on=SEMESTER_START + 60 * DAY, ends_on=SEMESTER_END + 60 * DAY)
    with pytest.raises(ValidationError) as refused:
        offer(supervisor, coordinator, starts_on=SEMESTER_END, ends_on=SEMESTER_END + 90 * DAY)  # its last day
    (message,) = refused.value.message_dict["starts_on"]
    assert message.startswith(f"Période du stage : {supervisor.name} accueille au plus 2 stagiaire(s) à la fois")
    assert Placement.objects.filter(supervisor=supervisor).count() == 2
    # The next semester is free.
    offer(supervisor, coordinator, starts_on=SEMESTER_END + 61 * DAY, ends_on=SEMESTER_END + 240 * DAY)


def test_a_cancelled_placement_frees_its_place_and_a_filled_one_keeps_it(coordinator):
    supervisor = SupervisorFactory(capacity=1)
    first = offer(supervisor, coordinator)
    first.fill(by=coordinator, trainee_name="Léa Martin")
    with pytest.raises(ValidationError):
        offer(supervisor, coordinator)
    first.cancel(by=coordinator, note="L'interne a changé de terrain de stage")
    assert offer(supervisor, coordinator).status == PlacementStatus.OPEN


def test_the_places_of_another_supervisor_do_not_count(coordinator, cpts):
    supervisor = SupervisorFactory(cpts=cpts, capacity=1)
    PlacementFactory(supervisor=SupervisorFactory(cpts=cpts, capacity=1), starts_on=SEMESTER_START)
    assert offer(supervisor, coordinator).supervisor == supervisor


def test_a_placement_of_a_level_the_supervisor_does_not_take_is_refused(coordinator):
    supervisor = SupervisorFactory(levels=[TraineeLevel.EXTERNAL])
    with pytest.raises(ValidationError) as refused:
        offer(supervisor, coordinator, level=TraineeLevel.JUNIOR_DOCTOR)
    assert refused.value.message_dict == {
        "level": ["Niveau : ce maître de stage n'accueille pas ce niveau de stagiaire."]
    }
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        (SEMESTER_START, SEMESTER_START, "Période du stage : la fin doit suivre le début."),
        (SEMESTER_START, SEMESTER_START - DAY, "Période du stage : la fin doit suivre le début."),
        (SEMESTER_START, SEMESTER_START + 400 * DAY, "Période du stage : pas plus de 366 jours."),
    ],
)
def test_the_period_of_a_placement_is_checked(coordinator, starts_on, ends_on, message):
    with pytest.raises(ValidationError) as refused:
        offer(SupervisorFactory(), coordinator, starts_on=starts_on, ends_on=ends_on)
    assert refused.value.message_dict == {"ends_on": [message]}


def test_no_placement_after_the_accreditation_or_from_a_supervisor_who_stopped(coordinator):
    # The whole placement within the accreditation: one ending before the placement's last day is refused.
    expiring = SupervisorFactory(accredited_until=SEMESTER_END - DAY)
    with pytest.raises(ValidationError) as expired:
        offer(expiring, coordinator)
    assert expired.value.message_dict == {
        "ends_on": [f"Période du stage : l'agrément du maître de stage prend fin le {SEMESTER_END - DAY:%d/%m/%Y}."]
    }
    assert offer(SupervisorFactory(accredited_until=SEMESTER_END), coordinator).status == PlacementStatus.OPEN
    stopped = SupervisorFactory(active=False)
    with pytest.raises(ValidationError) as inactive:
        offer(stopped, coordinator)
    assert inactive.value.message_dict == {"supervisor": ["Maître de stage : il n'accueille plus de stagiaires."]}


# --- The workflow ------------------------------------------------------------------------------------


def test_the_workflow_declares_its_transitions():
    workflow = Placement.workflow
    assert workflow.targets_from(PlacementStatus.OPEN) == {PlacementStatus.FILLED, PlacementStatus.CANCELLED}
    assert workflow.targets_from(PlacementStatus.FILLED) == {PlacementStatus.CANCELLED}
    assert workflow.targets_from(PlacementStatus.CANCELLED) == set()


def test_fill_names_the_trainee_and_writes_a_log_row_and_a_journal_entry(coordinator):
    placement = PlacementFactory()
    placement.fill(
        by=coordinator,
        trainee_name="  Léa Martin ",
        trainee_school="Université Paris-Saclay ",
        trainee_email="lea.martin@example.org",
    )
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.status, stored.trainee_name, stored.trainee_school, stored.trainee_email) == (
        PlacementStatus.FILLED,
        "Léa Martin",
        "Université Paris-Saclay",
        "lea.martin@example.org",
    )
    assert logged(placement) == [("open", "filled", "")]
    assert PlacementEvent.objects.get(placement=placement).by == coordinator
    assert list(journaled(placement).values_list("note", flat=True)) == ["open → filled"]


def test_fill_needs_the_trainees_name(coordinator):
    placement = PlacementFactory()
    with pytest.raises(ValidationError) as refused:
        placement.fill(by=coordinator, trainee_name="  ")
    assert refused.value.message_dict == {"trainee_name": ["Stagiaire : donnez son nom."]}
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.OPEN
    assert logged(placement) == []


@pytest.mark.parametrize("traits", [{}, {"filled": True}])
def test_an_open_or_filled_placement_is_cancelled_with_its_note(coordinator, traits):
    placement = PlacementFactory(**traits)
    before = placement.status
    placement.cancel(by=coordinator, note="Le maître de stage part en congé")
    assert Placement.objects.get(pk=placement.pk).status == PlacementStatus.CANCELLED
    assert logged(placement) == [(before, "cancelled", "Le maître de stage part en congé")]


@pytest.mark.parametrize(
    ("traits", "move", "label"),
    [
        ({"filled": True}, "fill", "Pourvu"),
        ({"cancelled": True}, "fill", "Annulé"),
        ({"cancelled": True}, "cancel", "Annulé"),
    ],
)
def test_a_move_from_a_state_it_does_not_leave_is_refused_in_french_and_writes_nothing(
    traits, move, label, coordinator
):
    placement = PlacementFactory(**traits)
    before = Placement.objects.get(pk=placement.pk)
    calls = {
        "fill": lambda: placement.fill(by=coordinator, trainee_name="Léa Martin"),
        "cancel": lambda: placement.cancel(by=coordinator),
    }
    with pytest.raises(TransitionNotAllowed) as refused:
        calls[move]()
    assert refused.value.detail == f"Ce stage est « {label} » : l'action n'est pas possible."
    after = Placement.objects.get(pk=placement.pk)
    assert (after.status, after.trainee_name) == (before.status, before.trainee_name)
    assert logged(placement) == [] and not journaled(placement).exists()


def test_a_stale_copy_is_refused_and_the_winner_stays(coordinator):
    placement = PlacementFactory()
    stale = Placement.objects.get(pk=placement.pk)
    placement.cancel(by=coordinator)
    with pytest.raises(TransitionNotAllowed) as refused:
        stale.fill(by=coordinator, trainee_name="Léa Martin")
    assert refused.value.detail == "Ce stage a changé entre-temps : l'action n'est pas possible."
    stored = Placement.objects.get(pk=placement.pk)
    assert (stored.status, stored.trainee_name) == (PlacementStatus.CANCELLED, "")
    assert logged(placement) == [("open", "cancelled", "")]


def test_the_state_does_not_change_by_saving():
    placement = Placement.objects.get(pk=PlacementFactory().pk)
    placement.status = PlacementStatus.FILLED
    with pytest.raises(StateChangedOutsideWorkflow):
        placement.save()


def test_open_to_applications_are_the_open_placements_not_over_yet(cpts):
    supervisor = SupervisorFactory(cpts=cpts, capacity=6)
    upcoming = PlacementFactory(supervisor=supervisor)
    running = PlacementFactory(supervisor=supervisor, starts_on=TODAY - 60 * DAY, ends_on=TODAY)
    PlacementFactory(supervisor=supervisor, starts_on=TODAY - 60 * DAY, ends_on=TODAY - DAY)  # over
    PlacementFactory(supervisor=supervisor, filled=True)
    PlacementFactory(supervisor=supervisor, cancelled=True)
    PlacementFactory()  # another CPTS
    assert set(Placement.objects.for_cpts(cpts).open_to_applications()) == {upcoming, running}
    assert set(Placement.objects.for_cpts(cpts).open_to_applications(on=TODAY + DAY)) == {upcoming}
