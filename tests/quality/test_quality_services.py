"""The writes of mission 5 that span apps (maillon/quality/services.py): a conference polls its
date among the picked adherents (a mission 5 meeting), its record writes the decisions into a
new PPCS version that carries the previous one, all or nothing; texts holding the patient's
name or a NIR are refused in French, naming the field; groups and their sessions."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.meetings.models import Meeting
from maillon.members.factories import MembershipFactory
from maillon.members.models import MembershipStatus
from maillon.pathways.factories import CarePlanActionFactory, CarePlanFactory, InclusionFactory
from maillon.pathways.models import CarePlan, InclusionStatus
from maillon.quality import services
from maillon.quality.factories import CaseConferenceFactory, IncidentReviewFactory, PracticeGroupFactory
from maillon.quality.models import (
    CaseConference,
    CaseConferenceEvent,
    ConferenceDecision,
    ConferenceStatus,
    GroupSession,
    ImprovementAction,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
IN_A_MONTH = TODAY + datetime.timedelta(days=30)


def slots():
    start = (timezone.now() + datetime.timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    return [(start, start + datetime.timedelta(hours=1))]


@pytest.fixture
def inclusion(cpts):
    return InclusionFactory(cpts=cpts, birth_name="Lemaire", used_name="Vasseur", given_names="Odette Marie")


@pytest.fixture
def owner(cpts):
    return MembershipFactory(cpts=cpts)


def scheduled_on(inclusion, coordinator):
    return CaseConferenceFactory(cpts=inclusion.cpts, inclusion=inclusion, requested_by=coordinator, scheduled=True)


def decision(owner, description="Visite de l'ergothérapeute", due_on=IN_A_MONTH):
    return {"description": description, "owner": owner, "due_on": due_on}


# --- Requesting and scheduling ------------------------------------------------------------------


def test_a_request_names_nobody(cpts, member, inclusion):
    conference = services.request_conference(
        cpts, by=member, inclusion=inclusion, context=" Femme de 84 ans, vit seule. ", question="Maintien à domicile ?"
    )
    assert (conference.status, conference.requested_by, conference.context) == (
        ConferenceStatus.REQUESTED,
        member,
        "Femme de 84 ans, vit seule.",
    )


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("context", "Mme Vasseur, 84 ans, vit seule.", "Présentation du cas : le texte contient le nom du patient."),
        ("context", "Odette, 84 ans.", "Présentation du cas : le texte contient le nom du patient."),
        ("question", "Que faire pour LEMAIRE ?", "Question posée : le texte contient le nom du patient."),
        (
            "question",
            "NIR 255081416802538 : que faire ?",
            "Question posée : le texte contient un numéro qui ressemble à un NIR ou à un INS.",
        ),
    ],
)
def test_a_request_naming_the_patient_is_refused_in_french(cpts, member, inclusion, field, text, message):
    texts = {"context": "Femme de 84 ans.", "question": "Maintien à domicile ?"} | {field: text}
    with pytest.raises(ValidationError) as refused:
        services.request_conference(cpts, by=member, inclusion=inclusion, **texts)
    (got,) = refused.value.message_dict[field]
    assert got.startswith(message)
    assert not CaseConference.objects.exists()


def test_a_word_that_only_contains_a_name_is_not_refused(cpts, member, inclusion):
    services.request_conference(
        cpts, by=member, inclusion=inclusion, context="Lemaireville est sa commune.", question="Et ensuite ?"
    )


def test_scheduling_invites_only_the_picked_adherents_to_a_mission_5_meeting(cpts, coordinator, inclusion):
    conference = CaseConferenceFactory(cpts=cpts, inclusion=inclusion)
    picked = MembershipFactory.create_batch(2, cpts=cpts)
    MembershipFactory(cpts=cpts)  # not picked

    meeting = services.schedule_conference(
        conference,
        by=coordinator,
        slots=slots(),
        membership_ids=[m.pk for m in picked],
        visio_url="https://visio.example.org/rcp",
    )

    assert meeting.mission == 5 and meeting.cpts == cpts
    assert set(meeting.invitations.values_list("membership_id", flat=True)) == {m.pk for m in picked}
    assert meeting.title == f"Concertation pluriprofessionnelle — Cas n° {conference.pk}"
    assert "Lemaire" not in meeting.title + meeting.description and "Vasseur" not in meeting.description
    stored = CaseConference.objects.get(pk=conference.pk)
    assert (stored.status, stored.meeting) == (ConferenceStatus.SCHEDULED, meeting)


def test_scheduling_with_an_inactive_adherent_writes_nothing(cpts, coordinator):
    conference = CaseConferenceFactory(cpts=cpts)
    gone = MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT)
    with pytest.raises(ValidationError):
        services.schedule_conference(conference, by=coordinator, slots=slots(), membership_ids=[gone.pk])
    assert not Meeting.objects.exists()
    assert CaseConference.objects.get(pk=conference.pk).status == ConferenceStatus.REQUESTED


# --- Recording --------------------------------------------------------------------------------


def test_the_record_writes_the_decisions_into_a_new_ppcs_version_carrying_the_previous_actions(
    coordinator, inclusion, owner
):
    previous = CarePlanFactory(inclusion=inclusion, goals="Rester à domicile", next_review_on=IN_A_MONTH)
    CarePlanActionFactory(plan=previous, description="Passage infirmier", owner="Infirmier", due_on=None)
    conference = scheduled_on(inclusion, coordinator)

    services.record_conference(
        conference,
        by=coordinator,
        conclusions="Renforcer le maintien à domicile.",
        held_on=YESTERDAY,
        decisions=[
            decision(owner),
            decision(owner, "Bilan de kinésithérapie", IN_A_MONTH + datetime.timedelta(days=7)),
        ],
    )

    stored = CaseConference.objects.get(pk=conference.pk)
    plan = CarePlan.objects.get(inclusion=inclusion, version=2)
    assert (stored.status, stored.plan, stored.held_on, stored.recorded_by) == (
        ConferenceStatus.HELD,
        plan,
        YESTERDAY,
        coordinator,
    )
    assert (plan.goals, plan.next_review_on, plan.written_by) == ("Rester à domicile", IN_A_MONTH, coordinator)
    label = f"Cas n° {conference.pk}"
    assert list(plan.actions.order_by("pk").values_list("description", "due_on")) == [
        ("Passage infirmier", None),
        (f"Visite de l'ergothérapeute ({label})", IN_A_MONTH),
        (f"Bilan de kinésithérapie ({label})", IN_A_MONTH + datetime.timedelta(days=7)),
    ]
    decisions = list(ConferenceDecision.objects.filter(conference=conference).order_by("due_on"))
    assert [(d.description, d.owner, d.cpts_id, d.status) for d in decisions] == [
        ("Visite de l'ergothérapeute", owner, inclusion.cpts_id, "open"),
        ("Bilan de kinésithérapie", owner, inclusion.cpts_id, "open"),
    ]
    assert [d.plan_action.description for d in decisions] == [
        f"Visite de l'ergothérapeute ({label})",
        f"Bilan de kinésithérapie ({label})",
    ]
    assert previous.actions.count() == 1  # the earlier version stays as it was


def test_a_first_ppcs_is_written_to_be_reviewed_three_months_after(coordinator, inclusion, owner):
    conference = scheduled_on(inclusion, coordinator)
    services.record_conference(
        conference, by=coordinator, conclusions="Conclusions.", held_on=YESTERDAY, decisions=[decision(owner)]
    )
    (plan,) = CarePlan.objects.filter(inclusion=inclusion)
    assert plan.version == 1 and plan.next_review_on == YESTERDAY + datetime.timedelta(days=90)


def test_a_case_not_included_or_closed_gets_decisions_without_a_ppcs(coordinator, cpts, owner):
    closed = InclusionFactory(cpts=cpts, status=InclusionStatus.CLOSED, closed_on=YESTERDAY, close_reason="moved")
    for inclusion in (None, closed):
        conference = CaseConferenceFactory(cpts=cpts, inclusion=inclusion, scheduled=True)
        services.record_conference(
            conference, by=coordinator, conclusions="Conclusions.", held_on=YESTERDAY, decisions=[decision(owner)]
        )
        (row,) = ConferenceDecision.objects.filter(conference=conference)
        assert row.plan_action is None
        assert CaseConference.objects.get(pk=conference.pk).plan is None
    assert not CarePlan.objects.exists()


def bad_decisions(owner, other_owner):
    return {
        "no description": [decision(owner), decision(owner, " ")],
        "no due date": [decision(owner, due_on=None)],
        "due before the day": [decision(owner, due_on=YESTERDAY - datetime.timedelta(days=1))],
        "owner elsewhere": [decision(owner), decision(other_owner)],
        "patient named": [decision(owner, "Appeler Mme Vasseur")],
        "too long": [decision(owner, "x" * 301)],
    }


@pytest.mark.parametrize(
    "case", ["no description", "no due date", "due before the day", "owner elsewhere", "patient named", "too long"]
)
def test_a_bad_decision_writes_nothing(case, coordinator, inclusion, owner, other_cpts):
    CarePlanFactory(inclusion=inclusion)
    conference = scheduled_on(inclusion, coordinator)
    rows = bad_decisions(owner, MembershipFactory(cpts=other_cpts))[case]

    with pytest.raises(ValidationError):
        services.record_conference(
            conference, by=coordinator, conclusions="Conclusions.", held_on=YESTERDAY, decisions=rows
        )

    assert list(CarePlan.objects.filter(inclusion=inclusion).values_list("version", flat=True)) == [1]
    assert not ConferenceDecision.objects.exists()
    stored = CaseConference.objects.get(pk=conference.pk)
    assert (stored.status, stored.conclusions, stored.plan) == (ConferenceStatus.SCHEDULED, "", None)
    assert not CaseConferenceEvent.objects.filter(conference=conference).exists()


def test_conclusions_naming_the_patient_are_refused_after_the_ppcs_would_be_written_and_nothing_stays(
    coordinator, inclusion, owner
):
    CarePlanFactory(inclusion=inclusion)
    conference = scheduled_on(inclusion, coordinator)
    with pytest.raises(ValidationError) as refused:
        services.record_conference(
            conference,
            by=coordinator,
            conclusions="Odette doit être revue.",
            held_on=YESTERDAY,
            decisions=[decision(owner)],
        )
    (message,) = refused.value.message_dict["conclusions"]
    assert message.startswith("Conclusions : le texte contient le nom du patient.")
    assert CarePlan.objects.filter(inclusion=inclusion).count() == 1
    assert not ConferenceDecision.objects.exists()
    assert CaseConference.objects.get(pk=conference.pk).status == ConferenceStatus.SCHEDULED


def test_the_record_of_a_requested_conference_is_refused(coordinator, inclusion, owner):
    conference = CaseConferenceFactory(cpts=inclusion.cpts, inclusion=inclusion)
    with pytest.raises(ValidationError):
        services.record_conference(
            conference, by=coordinator, conclusions="C.", held_on=YESTERDAY, decisions=[decision(owner)]
        )
    assert not CarePlan.objects.exists() and not ConferenceDecision.objects.exists()


# --- Reviews and groups -----------------------------------------------------------------------


def test_an_improvement_action_is_due_from_today_and_owned_by_an_active_adherent(cpts, coordinator, owner):
    review = IncidentReviewFactory(cpts=cpts, analysis=True)
    action = services.add_improvement_action(
        review, by=coordinator, description=" Un circuit de sortie ", owner=owner.pk, due_on=IN_A_MONTH
    )
    assert (action.description, action.owner, action.review) == ("Un circuit de sortie", owner, review)
    with pytest.raises(ValidationError):
        services.add_improvement_action(review, by=coordinator, description="Trop tard", owner=owner, due_on=YESTERDAY)
    gone = MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT)
    with pytest.raises(ValidationError) as refused:
        services.add_improvement_action(review, by=coordinator, description="X", owner=gone, due_on=IN_A_MONTH)
    assert refused.value.message_dict == {"owner": ["Responsable : choisissez un adhérent actif de la CPTS."]}
    reported = IncidentReviewFactory(cpts=cpts)
    with pytest.raises(ValidationError):
        services.add_improvement_action(reported, by=coordinator, description="X", owner=owner, due_on=IN_A_MONTH)
    assert ImprovementAction.objects.count() == 1


def test_a_group_s_members_are_active_adherents_of_its_cpts(cpts, other_cpts):
    group = PracticeGroupFactory.build(cpts=cpts, facilitator=MembershipFactory(cpts=cpts))
    with pytest.raises(ValidationError):
        services.save_group(group, members=[MembershipFactory(cpts=other_cpts)])
    members = MembershipFactory.create_batch(2, cpts=cpts)
    services.save_group(group, members=members)
    assert set(group.members.all()) == set(members)


def test_a_session_polls_the_group_s_active_members_in_a_mission_5_meeting(cpts, coordinator):
    members = MembershipFactory.create_batch(2, cpts=cpts)
    gone = MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT)
    group = PracticeGroupFactory(cpts=cpts, members=[*members, gone])
    held = CaseConferenceFactory(cpts=cpts, held=True)

    session = services.hold_session(group, by=coordinator, theme="Chutes", slots=slots(), conference=held)

    assert (session.meeting.mission, session.conference, session.cpts) == (5, held, cpts)
    assert set(session.meeting.invitations.values_list("membership_id", flat=True)) == {m.pk for m in members}


def test_a_session_s_material_is_a_held_conference_and_nothing_stays_otherwise(cpts, coordinator):
    group = PracticeGroupFactory(cpts=cpts, members=[MembershipFactory(cpts=cpts)])
    requested = CaseConferenceFactory(cpts=cpts)
    with pytest.raises(ValidationError) as refused:
        services.hold_session(group, by=coordinator, theme="Chutes", slots=slots(), conference=requested)
    assert refused.value.message_dict == {"conference": ["Cas étudié : choisissez une concertation tenue de la CPTS."]}
    assert not GroupSession.objects.exists() and not Meeting.objects.exists()
    empty = PracticeGroupFactory(cpts=cpts)
    with pytest.raises(ValidationError):
        services.hold_session(empty, by=coordinator, theme="Chutes", slots=slots())
