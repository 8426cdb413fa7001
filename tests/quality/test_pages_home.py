"""The mission 5 home and what waits on the CPTS space's home: the coordination counts the
conferences to prepare, the events to give a referent, the reviews in analysis, the decisions
and actions late; a member counts what they own and the reviews they run; the « Qualité »
section of the menu offers each page its door lets through."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.quality.factories import (
    CaseConferenceFactory,
    ConferenceDecisionFactory,
    GroupSessionFactory,
    ImprovementActionFactory,
    IncidentReviewFactory,
    PracticeGroupFactory,
)
from maillon.quality.models import ReviewStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text as read: tags dropped, entities decoded, blanks collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def days(count) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=count)


@pytest.fixture
def owner(cpts, member):
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))


@pytest.fixture
def work(cpts, member, owner):
    """Two conferences asked for, one programmed, one held with a decision of the member's
    (late) and another adherent's; an event reported, a review in analysis run by the member, an
    improvement action of the member's, one late of another adherent; a group session polled."""
    CaseConferenceFactory.create_batch(2, cpts=cpts)
    CaseConferenceFactory(cpts=cpts, scheduled=True)
    held = CaseConferenceFactory(cpts=cpts, held=True)
    ConferenceDecisionFactory(conference=held, owner=owner, due_on=days(-2))
    ConferenceDecisionFactory(conference=held, due_on=days(5))
    IncidentReviewFactory(cpts=cpts)
    led = IncidentReviewFactory(cpts=cpts, referent=member, status=ReviewStatus.ANALYSIS)
    ImprovementActionFactory(review__cpts=cpts, owner=owner)
    ImprovementActionFactory(review__cpts=cpts, due_on=days(-1))
    group = PracticeGroupFactory(cpts=cpts, name="Groupe iatrogénie")
    GroupSessionFactory(
        group=group, theme="Déprescription", meeting__status="poll", meeting__starts_at=None, meeting__ends_at=None
    )
    return {"led": led}


def home(cpts):
    return reverse("quality_home", args=[cpts.slug])


def test_the_coordination_home_counts_what_waits(cpts, coordinator, work):
    page = words(verified_client(coordinator).get(home(cpts)))
    assert "2 demandes de concertation à programmer" in page
    assert "1 concertation programmée, compte rendu à écrire" in page
    assert "1 événement déclaré, référent à nommer" in page
    assert "1 revue en analyse" in page
    assert "2 décisions de concertation à réaliser dont 1 en retard" in page
    assert "2 actions d'amélioration à réaliser dont 1 en retard" in page
    assert "Groupe iatrogénie — Déprescription, date en cours de sondage" in page
    for route in ("quality_conferences", "quality_reviews", "quality_actions", "quality_groups"):
        assert reverse(route, args=[cpts.slug]) in verified_client(coordinator).get(home(cpts)).content.decode()


def test_a_member_home_counts_what_is_theirs(cpts, member, work):
    page = words(verified_client(member).get(home(cpts)))
    assert "1 décision de concertation à réaliser dont 1 en retard" in page
    assert "1 action d'amélioration à réaliser" in page and "1 action d'amélioration à réaliser dont" not in page
    assert "1 revue dont vous êtes le référent, en analyse" in page
    assert "référent à nommer" not in page
    assert "Groupe iatrogénie" in page


def test_another_cpts_gets_404(cpts, other_cpts):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    assert verified_client(outsider).get(home(cpts)).status_code == 404


def test_the_space_home_of_the_coordination_says_what_waits_in_mission_5(cpts, coordinator, work):
    page = words(verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug])))
    assert "3 concertations à préparer" in page
    assert "1 événement indésirable déclaré, référent à nommer" in page
    assert "1 revue d'événement indésirable en analyse" in page
    assert "1 décision de concertation en retard" in page
    assert "1 action d'amélioration en retard" in page


def test_the_space_home_of_a_member_says_what_they_own(cpts, member, work):
    page = words(verified_client(member).get(reverse("cpts_dashboard", args=[cpts.slug])))
    assert "1 décision de concertation qui m'est confiée, à réaliser" in page
    assert "1 décision de concertation qui m'est confiée, en retard" in page
    assert "1 action d'amélioration qui m'est confiée, à réaliser" in page
    assert "action d'amélioration qui m'est confiée, en retard" not in page
    assert "1 revue d'événement indésirable dont je suis référent, en analyse" in page
    assert "concertations à préparer" not in page


def test_the_menu_offers_the_quality_pages_each_role_may_open(cpts, coordinator, member):
    coordination = verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    for route in (
        "quality_home",
        "quality_conferences",
        "quality_conference_request",
        "quality_reviews",
        "quality_review_report",
        "quality_actions",
        "quality_groups",
        "quality_group_create",
    ):
        assert reverse(route, args=[cpts.slug]) in coordination
    members = verified_client(member).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert reverse("quality_review_report", args=[cpts.slug]) in members
    assert reverse("quality_group_create", args=[cpts.slug]) not in members
