"""Factories of mission 5. Rows are valid as built: a decision's owner is an active adhesion
of the conference's CPTS, a session's meeting is a mission 5 meeting of the group's CPTS, a
held conference has its date and conclusions.

Traits: `CaseConferenceFactory(scheduled=True)` (a mission 5 meeting, date fixed) or
`(held=True)` (its meeting held, `held_on` yesterday, conclusions written), `(included=True)`
(on an inclusion of the same CPTS); `IncidentReviewFactory(analysis=True | actions=True |
closed=True | shared=True)`; `ConferenceDecisionFactory(done=True)` (done on time)."""

import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, UserFactory, transition_log_factory
from maillon.core.missions import Mission
from maillon.meetings.factories import MeetingFactory
from maillon.meetings.models import MeetingStatus
from maillon.members.factories import MembershipFactory
from maillon.pathways.factories import InclusionFactory

from .models import (
    CaseConference,
    ConferenceDecision,
    ConferenceStatus,
    EventCategory,
    FollowUpStatus,
    GroupSession,
    ImprovementAction,
    IncidentReview,
    PracticeGroup,
    ReviewStatus,
)


def _yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def _meeting_starts():
    """Yesterday at 18:00 (local time): a meeting already held."""
    return (timezone.localtime() - datetime.timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)


class QualityMeetingFactory(MeetingFactory):
    """A mission 5 meeting, date fixed yesterday evening (two hours)."""

    title = factory.Sequence(lambda n: f"Concertation pluriprofessionnelle {n}")
    mission = Mission.QUALITY
    status = MeetingStatus.SCHEDULED
    starts_at = factory.LazyFunction(_meeting_starts)
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + datetime.timedelta(hours=2))


class CaseConferenceFactory(CptsOwnedFactory):
    """A conference asked for on a case presented without a name."""

    class Meta:
        model = CaseConference

    context = "Femme de 82 ans, vit seule, diabète de type 2, trois chutes en six mois."
    question = "Faut-il organiser un retour d'hospitalisation renforcé et une adaptation du logement ?"
    requested_by = factory.SubFactory(UserFactory)

    class Params:
        included = factory.Trait(inclusion=factory.SubFactory(InclusionFactory, cpts=factory.SelfAttribute("..cpts")))
        scheduled = factory.Trait(
            status=ConferenceStatus.SCHEDULED,
            meeting=factory.SubFactory(QualityMeetingFactory, cpts=factory.SelfAttribute("..cpts")),
        )
        held = factory.Trait(
            status=ConferenceStatus.HELD,
            meeting=factory.SubFactory(
                QualityMeetingFactory, cpts=factory.SelfAttribute("..cpts"), status=MeetingStatus.HELD
            ),
            held_on=factory.LazyFunction(_yesterday),
            conclusions="Renforcer le passage infirmier et demander une visite de l'ergothérapeute.",
        )
        cancelled = factory.Trait(status=ConferenceStatus.CANCELLED)


class ConferenceDecisionFactory(factory.django.DjangoModelFactory):
    """An open decision of a held conference, due in a month, owned by an active adherent."""

    class Meta:
        model = ConferenceDecision

    conference = factory.SubFactory(CaseConferenceFactory, held=True)
    cpts = factory.SelfAttribute("conference.cpts")
    description = "Visite de l'ergothérapeute à domicile"
    owner = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..cpts"))
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))

    class Params:
        done = factory.Trait(
            status=FollowUpStatus.DONE,
            due_on=factory.LazyFunction(timezone.localdate),
            done_on=factory.LazyFunction(_yesterday),
            outcome="Visite faite, barres d'appui posées.",
        )


class IncidentReviewFactory(CptsOwnedFactory):
    """A reported event, naming nobody."""

    class Meta:
        model = IncidentReview

    title = "Sortie d'hospitalisation sans transmission au médecin traitant"
    category = EventCategory.CARE_BREAK
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    description = "Le compte rendu de sortie n'est arrivé au cabinet que dix jours après le retour à domicile."
    reported_by = factory.SubFactory(UserFactory)

    class Params:
        analysis = factory.Trait(
            status=ReviewStatus.ANALYSIS,
            referent=factory.SubFactory(UserFactory),
            facts="J0 sortie ; J10 réception du compte rendu.",
        )
        actions = factory.Trait(
            status=ReviewStatus.ACTIONS,
            referent=factory.SubFactory(UserFactory),
            facts="J0 sortie ; J10 réception du compte rendu.",
            causes={"team": "Pas de messagerie sécurisée partagée avec le service."},
            lessons="Convenir d'un circuit de sortie avec le service.",
        )
        closed = factory.Trait(
            status=ReviewStatus.CLOSED,
            referent=factory.SubFactory(UserFactory),
            facts="J0 sortie ; J10 réception du compte rendu.",
            causes={"team": "Pas de messagerie sécurisée partagée avec le service."},
            lessons="Convenir d'un circuit de sortie avec le service.",
            closed_on=factory.LazyFunction(timezone.localdate),
        )
        shared = factory.Trait(
            summary="Une sortie d'hospitalisation sans transmission : un circuit de sortie est convenu.",
            shared_at=factory.LazyFunction(timezone.now),
        )


class ImprovementActionFactory(factory.django.DjangoModelFactory):
    """An open improvement action of a review in its actions stage, owned by an active adherent."""

    class Meta:
        model = ImprovementAction

    review = factory.SubFactory(IncidentReviewFactory, actions=True)
    cpts = factory.SelfAttribute("review.cpts")
    description = "Convenir d'un circuit de sortie avec le service de médecine"
    owner = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..cpts"))
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))

    class Params:
        done = factory.Trait(
            status=FollowUpStatus.DONE,
            due_on=factory.LazyFunction(timezone.localdate),
            done_on=factory.LazyFunction(_yesterday),
            outcome="Circuit convenu.",
        )


class PracticeGroupFactory(CptsOwnedFactory):
    """An open group; `members=[...]` sets its members after creation."""

    class Meta:
        model = PracticeGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Groupe d'analyse des pratiques {n}")
    themes = "Chutes, iatrogénie"
    facilitator = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..cpts"))

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class GroupSessionFactory(factory.django.DjangoModelFactory):
    """A session of a group, its meeting a mission 5 meeting of the same CPTS held yesterday."""

    class Meta:
        model = GroupSession

    group = factory.SubFactory(PracticeGroupFactory)
    cpts = factory.SelfAttribute("group.cpts")
    meeting = factory.SubFactory(
        QualityMeetingFactory,
        cpts=factory.SelfAttribute("..cpts"),
        status=MeetingStatus.HELD,
        title=factory.Sequence(lambda n: f"Séance du groupe d'analyse des pratiques {n}"),
    )
    theme = "Prévention des chutes à domicile"


CaseConferenceEventFactory = transition_log_factory(
    CaseConferenceFactory, ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED, subject={"scheduled": True}
)
ConferenceDecisionEventFactory = transition_log_factory(
    ConferenceDecisionFactory, FollowUpStatus.OPEN, FollowUpStatus.DONE, subject={"done": True}
)
IncidentReviewEventFactory = transition_log_factory(
    IncidentReviewFactory, ReviewStatus.REPORTED, ReviewStatus.ANALYSIS, subject={"analysis": True}
)
ImprovementActionEventFactory = transition_log_factory(
    ImprovementActionFactory, FollowUpStatus.OPEN, FollowUpStatus.DONE, subject={"done": True}
)
