import pytest

from maillon.quality import factories
from maillon.quality.models import ConferenceStatus

pytestmark = pytest.mark.django_db


def test_factories_build_valid_rows():
    conference = factories.CaseConferenceFactory(held=True, included=True)
    conference.full_clean()
    assert conference.status == ConferenceStatus.HELD and conference.held_on and conference.conclusions
    assert conference.meeting.cpts == conference.cpts and conference.meeting.mission == 5
    assert conference.inclusion.cpts == conference.cpts
    decision = factories.ConferenceDecisionFactory(conference=conference)
    decision.full_clean()
    assert decision.owner.cpts == conference.cpts and decision.owner.status == "active"
    factories.ConferenceDecisionFactory(done=True).full_clean()
    review = factories.IncidentReviewFactory(actions=True, shared=True)
    review.full_clean()
    action = factories.ImprovementActionFactory(review=review)
    action.full_clean()
    assert action.owner.cpts == review.cpts
    group = factories.PracticeGroupFactory()
    group.full_clean()
    session = factories.GroupSessionFactory(
        group=group, conference=factories.CaseConferenceFactory(held=True, cpts=group.cpts)
    )
    session.full_clean()
    assert session.meeting.cpts == group.cpts
    for log in (
        factories.CaseConferenceEventFactory,
        factories.ConferenceDecisionEventFactory,
        factories.IncidentReviewEventFactory,
        factories.ImprovementActionEventFactory,
    ):
        row = log()
        row.full_clean()
        assert type(row).objects.filter(pk=row.pk).exists() and row.from_status != row.to_status
