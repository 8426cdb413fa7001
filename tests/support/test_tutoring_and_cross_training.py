"""Peer help. A tutoring pair joins a tutor (an active professional adhesion of the CPTS) and a
newcomer (an adherent, or a name: a trainee, a professional settling who has not joined yet) on a
topic; it ends through its workflow (active → ended) on a day between its start and today. A
cross-training is planned through `services.plan_cross_training`: a mission 6 meeting whose date
is polled among the active adherents of the audience's professions and the trainer, all or
nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.missions import Mission
from maillon.core.workflows import TransitionNotAllowed
from maillon.meetings.models import Meeting, MeetingStatus
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.models import MembershipStatus
from maillon.members.professions import Profession
from maillon.support import services
from maillon.support.factories import (
    InstallationProjectFactory,
    PlacementFactory,
    SupervisorFactory,
    TutoringFactory,
)
from maillon.support.models import CrossTraining, Tutoring, TutoringEvent, TutoringStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def fresh(row):
    return type(row).objects.get(pk=row.pk)


def adherent(cpts, first_name="Anne", last_name="Roux", **fields):
    return MembershipFactory(
        cpts=cpts, professional=ProfessionalFactory(first_name=first_name, last_name=last_name, **fields)
    )


# --- Tutoring ----------------------------------------------------------------------------------------------


def test_a_pair_names_its_tutor_and_its_newcomer(cpts):
    tutor = adherent(cpts, "Paul", "Girard")
    named = TutoringFactory(cpts=cpts, tutor=tutor, tutee_name="Jeanne Petit (interne)")
    named.full_clean()
    assert (named.tutor_name, named.tutee_label, named.status) == (
        "Paul Girard",
        "Jeanne Petit (interne)",
        TutoringStatus.ACTIVE,
    )
    newcomer = adherent(cpts, "Éric", "Morel")
    pair = TutoringFactory(cpts=cpts, tutor=tutor, tutee_membership=newcomer, tutee_name="")
    pair.full_clean()
    assert pair.tutee_label == "Éric Morel"


def test_a_pair_needs_a_newcomer_a_topic_and_two_people(cpts):
    tutor = adherent(cpts)
    pair = TutoringFactory.build(cpts=cpts, tutor=tutor, tutee_name=" ", topic=" ")
    with pytest.raises(ValidationError) as refused:
        pair.full_clean()
    errors = refused.value.message_dict
    assert "Personne accompagnée : choisissez un adhérent ou écrivez son nom." in errors["tutee_name"]
    assert "Objet du tutorat : ce champ est obligatoire." in errors["topic"]
    alone = TutoringFactory.build(cpts=cpts, tutor=tutor, tutee_membership=tutor)
    with pytest.raises(ValidationError) as itself:
        alone.full_clean()
    assert itself.value.message_dict == {
        "tutee_membership": ["Adhérent accompagné : le tuteur ne peut pas s'accompagner lui-même."]
    }


def test_the_tutor_is_an_active_professional_adhesion_of_the_cpts(cpts, other_cpts):
    for tutor, message in (
        (MembershipFactory(cpts=other_cpts), "Tuteur : choisissez un adhérent de la CPTS."),
        (
            MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT),
            "Tuteur : choisissez un professionnel adhérent (adhésion active).",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            TutoringFactory.build(cpts=cpts, tutor=tutor).full_clean()
        assert refused.value.message_dict == {"tutor": [message]}


def test_the_placement_and_installation_of_a_pair_are_of_the_cpts(cpts, other_cpts):
    pair = TutoringFactory.build(
        cpts=cpts,
        tutor=adherent(cpts),
        placement=PlacementFactory(supervisor=SupervisorFactory(cpts=other_cpts)),
        installation=InstallationProjectFactory(cpts=other_cpts),
    )
    with pytest.raises(ValidationError) as refused:
        pair.full_clean()
    assert refused.value.message_dict == {
        "placement": ["Stage : choisissez dans la CPTS."],
        "installation": ["Projet d'installation : choisissez dans la CPTS."],
    }


def test_the_workflow_declares_its_transitions():
    assert Tutoring.workflow.targets_from(TutoringStatus.ACTIVE) == {TutoringStatus.ENDED}
    assert Tutoring.workflow.targets_from(TutoringStatus.ENDED) == set()


def test_ending_records_the_day_and_a_log_row(cpts, coordinator):
    pair = TutoringFactory(cpts=cpts, started_on=TODAY - 90 * DAY)
    pair.end(by=coordinator, on=TODAY - 10 * DAY)
    stored = fresh(pair)
    assert (stored.status, stored.ended_on) == (TutoringStatus.ENDED, TODAY - 10 * DAY)
    assert list(TutoringEvent.objects.filter(tutoring=pair).values_list("from_status", "to_status", "by")) == [
        ("active", "ended", coordinator.pk)
    ]
    other = TutoringFactory(cpts=cpts)
    other.end(by=coordinator)
    assert fresh(other).ended_on == TODAY


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (-31, "Fin : elle ne peut pas précéder le début du tutorat."),
        (1, "Fin : elle ne peut pas être à venir."),
    ],
)
def test_the_end_is_between_the_start_and_today(cpts, coordinator, on, message):
    pair = TutoringFactory(cpts=cpts, started_on=TODAY - 30 * DAY)
    with pytest.raises(ValidationError) as refused:
        pair.end(by=coordinator, on=TODAY + on * DAY)
    assert refused.value.message_dict == {"ended_on": [message]}
    assert fresh(pair).status == TutoringStatus.ACTIVE


def test_an_ended_pair_ends_no_more(cpts, coordinator):
    pair = TutoringFactory(cpts=cpts, ended=True)
    with pytest.raises(TransitionNotAllowed) as refused:
        pair.end(by=coordinator)
    assert refused.value.detail == "Ce tutorat est « Terminé » : l'action n'est pas possible."


def test_active_and_involving(cpts, member):
    own = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))
    tutoring = TutoringFactory(cpts=cpts, tutor=own)
    tutored = TutoringFactory(cpts=cpts, tutee_membership=own, tutee_name="")
    ended = TutoringFactory(cpts=cpts, tutor=own, ended=True)
    TutoringFactory(cpts=cpts)
    rows = Tutoring.objects.for_cpts(cpts)
    assert set(rows.involving(member)) == {tutoring, tutored, ended}
    assert set(rows.involving(member).active()) == {tutoring, tutored}


# --- Cross-trainings ----------------------------------------------------------------------------------------


def slots():
    start = (timezone.now() + 14 * DAY).replace(minute=0, second=0, microsecond=0)
    return [(start, start + datetime.timedelta(hours=2)), (start + DAY, start + DAY + datetime.timedelta(hours=2))]


def test_a_cross_training_is_a_support_meeting_polled_among_the_audience(cpts, coordinator):
    trainer = adherent(cpts, "Sophie", "Lambert", profession=Profession.PHARMACIEN)
    nurses = [adherent(cpts, "Inf", str(n), profession=Profession.INFIRMIER) for n in range(2)]
    adherent(cpts, "Kiné", "Un", profession=Profession.MASSEUR_KINESITHERAPEUTE)  # not in the audience
    MembershipFactory(
        cpts=cpts, professional=ProfessionalFactory(profession=Profession.INFIRMIER), status=MembershipStatus.LEFT
    )

    training = services.plan_cross_training(
        cpts=cpts,
        by=coordinator,
        title="  Les dispositifs d'inhalation ",
        description="Erreurs fréquentes et éducation du patient.",
        trainer=trainer,
        audience=[Profession.INFIRMIER],
        slots=slots(),
        place=" Maison de santé ",
    )

    stored = CrossTraining.objects.get(pk=training.pk)
    assert (stored.title, stored.trainer, stored.audience, stored.created_by) == (
        "Les dispositifs d'inhalation",
        trainer,
        [Profession.INFIRMIER],
        coordinator,
    )
    assert stored.audience_labels == ["Infirmier"]
    meeting = stored.meeting
    assert (meeting.cpts, meeting.mission, meeting.status, meeting.place) == (
        cpts,
        Mission.SUPPORT,
        MeetingStatus.POLL,
        "Maison de santé",
    )
    assert meeting.title == "Formation croisée — Les dispositifs d'inhalation"
    assert meeting.slots.count() == 2
    # The audience's active adherents, and the trainer (whose profession is not in it).
    assert set(meeting.invitations.values_list("membership", flat=True)) == {nurse.pk for nurse in nurses} | {
        trainer.pk
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"audience": []}, "audience", "Professions invitées : cochez au moins une profession."),
        ({"audience": ["99"]}, "audience", "Professions invitées : une profession n'est pas dans la liste."),
        ({"title": "  "}, "title", "Intitulé : ce champ est obligatoire."),
        ({"slots": []}, "slots", "Créneaux : proposez au moins une date."),
    ],
)
def test_a_cross_training_is_refused_naming_its_field_and_writes_nothing(cpts, coordinator, overrides, field, message):
    arguments = {
        "cpts": cpts,
        "by": coordinator,
        "title": "Plaies chroniques",
        "description": "",
        "trainer": adherent(cpts, profession=Profession.INFIRMIER),
        "audience": [Profession.MEDECIN],
        "slots": slots(),
        **overrides,
    }
    with pytest.raises(ValidationError) as refused:
        services.plan_cross_training(**arguments)
    assert message in refused.value.message_dict[field]
    assert not CrossTraining.objects.exists() and not Meeting.objects.exists()


def test_the_trainer_is_an_active_professional_adhesion_of_the_cpts(cpts, other_cpts, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.plan_cross_training(
            cpts=cpts,
            by=coordinator,
            title="Plaies chroniques",
            description="",
            trainer=MembershipFactory(cpts=other_cpts),
            audience=[Profession.MEDECIN],
            slots=slots(),
        )
    assert refused.value.message_dict == {"trainer": ["Formateur : choisissez un adhérent de la CPTS."]}
    assert not Meeting.objects.exists()
