"""The one list of improvement actions: the coordination follows the event reviews' actions, the
conferences' decisions (by their case's pseudonym only) and the crisis RETEX's actions still to
take into the crisis plan, filtered by source, state and lateness; a member sees what they own.
An improvement action is marked done by its owner or the review's lead, dropped with a reason
by the lead only; refusals are said in French and write nothing."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.crisis.factories import CrisisPlanFactory, PlanImprovementFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.pathways.factories import InclusionFactory
from maillon.quality.factories import (
    CaseConferenceFactory,
    ConferenceDecisionFactory,
    ImprovementActionFactory,
    IncidentReviewFactory,
)
from maillon.quality.models import FollowUpStatus, ImprovementActionEvent

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def adherent(cpts, user, **professional):
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user, **professional))


def days(count) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=count)


@pytest.fixture
def owner(cpts, member):
    return adherent(cpts, member, last_name="Responsable")


@pytest.fixture
def follow_ups(cpts, owner):
    """An action of a review and a decision of a conference on an included patient, both the
    member's; an action of another adherent, late; an open RETEX action of the crisis plan."""
    inclusion = InclusionFactory(cpts=cpts, birth_name="Zorglub", given_names="Hermine")
    conference = CaseConferenceFactory(cpts=cpts, held=True, inclusion=inclusion)
    return {
        "mine": ImprovementActionFactory(review__cpts=cpts, owner=owner, description="Annuaire des cabinets"),
        "decision": ConferenceDecisionFactory(conference=conference, owner=owner, description="Passage infirmier"),
        "late": ImprovementActionFactory(review__cpts=cpts, description="Circuit de sortie", due_on=days(-3)),
        "crisis": PlanImprovementFactory(plan=CrisisPlanFactory(cpts=cpts), text="Liste des pharmacies de garde"),
    }


def list_url(cpts, query=""):
    return reverse("quality_actions", args=[cpts.slug]) + query


def test_the_coordination_sees_every_source_in_one_list(cpts, coordinator, follow_ups):
    page = text(verified_client(coordinator).get(list_url(cpts)))
    for label in ("Annuaire des cabinets", "Passage infirmier", "Circuit de sortie", "Liste des pharmacies de garde"):
        assert label in page
    conference = follow_ups["decision"].conference
    assert f"Cas n° {conference.pk}" in page and "Zorglub" not in page and "Hermine" not in page
    assert reverse("quality_conference", args=[cpts.slug, conference.pk]) in page
    assert reverse("crisis_plan", args=[cpts.slug]) in page
    assert reverse("quality_review", args=[cpts.slug, follow_ups["late"].review_id]) in page
    assert "En retard" in page


def test_the_filters_narrow_by_source_state_and_lateness(cpts, coordinator, follow_ups):
    client = verified_client(coordinator)
    reviews_only = text(client.get(list_url(cpts, "?source=revues")))
    assert "Annuaire des cabinets" in reviews_only and "Passage infirmier" not in reviews_only
    assert "Liste des pharmacies de garde" not in reviews_only
    crisis_only = text(client.get(list_url(cpts, "?source=crise")))
    assert "Liste des pharmacies de garde" in crisis_only and "Annuaire des cabinets" not in crisis_only
    late = text(client.get(list_url(cpts, "?retard=1")))
    assert "Circuit de sortie" in late and "Annuaire des cabinets" not in late and "pharmacies" not in late
    ConferenceDecisionFactory(conference=follow_ups["decision"].conference, done=True, description="Kiné fait")
    done = text(client.get(list_url(cpts, "?etat=done")))
    assert "Kiné fait" in done and "Passage infirmier" not in done
    every = text(client.get(list_url(cpts, "?etat=tous")))
    assert "Kiné fait" in every and "Passage infirmier" in every


def test_a_member_sees_only_what_they_own(cpts, member, follow_ups):
    page = text(verified_client(member).get(list_url(cpts)))
    assert "Annuaire des cabinets" in page and "Passage infirmier" in page
    assert "Circuit de sortie" not in page and "Liste des pharmacies de garde" not in page
    assert "Mes décisions et actions" in page


def test_another_cpts_gets_404(cpts, other_cpts, follow_ups):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(list_url(cpts)).status_code == 404
    action = follow_ups["mine"]
    assert client.post(reverse("quality_action_complete", args=[cpts.slug, action.pk])).status_code == 404


def test_the_owner_marks_their_action_done_and_returns_to_the_list(cpts, member, follow_ups):
    action = follow_ups["mine"]
    back = list_url(cpts, "?source=revues")
    response = verified_client(member).post(
        reverse("quality_action_complete", args=[cpts.slug, action.pk]),
        {"outcome": "Annuaire partagé avec le laboratoire", "retour": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    action.refresh_from_db()
    assert action.status == FollowUpStatus.DONE and action.done_on == timezone.localdate()
    assert action.outcome == "Annuaire partagé avec le laboratoire"
    assert ImprovementActionEvent.objects.filter(action=action, to_status=FollowUpStatus.DONE, by=member).exists()


def test_a_return_address_outside_the_quality_pages_is_ignored(cpts, member, follow_ups):
    action = follow_ups["mine"]
    response = verified_client(member).post(
        reverse("quality_action_complete", args=[cpts.slug, action.pk]), {"retour": "https://exemple.fr/"}
    )
    assert response["Location"] == list_url(cpts)


def test_a_date_to_come_is_refused_and_writes_nothing(cpts, member, follow_ups):
    action = follow_ups["mine"]
    response = verified_client(member).post(
        reverse("quality_action_complete", args=[cpts.slug, action.pk]), {"done_on": days(2).isoformat()}
    )
    assert response.status_code == 400
    assert "Réalisée le : la date ne peut pas être dans le futur." in text(response)
    action.refresh_from_db()
    assert action.status == FollowUpStatus.OPEN


def test_only_the_review_lead_drops_an_action_with_a_reason(cpts, coordinator, member, follow_ups):
    action = follow_ups["mine"]
    drop = reverse("quality_action_drop", args=[cpts.slug, action.pk])
    assert verified_client(member).post(drop, {"note": "Plus utile"}).status_code == 403
    client = verified_client(coordinator)
    response = client.post(drop, {"note": ""})
    assert response.status_code == 400
    assert "Motif de l'abandon : dites pourquoi l'action est abandonnée." in text(response)
    action.refresh_from_db()
    assert action.status == FollowUpStatus.OPEN
    assert client.post(drop, {"note": "Le laboratoire a changé d'outil"}).status_code == 302
    action.refresh_from_db()
    assert action.status == FollowUpStatus.DROPPED and action.outcome == "Le laboratoire a changé d'outil"


def test_an_action_neither_owned_nor_led_is_404_to_a_member(cpts, member, follow_ups):
    other = follow_ups["late"]
    response = verified_client(member).post(reverse("quality_action_complete", args=[cpts.slug, other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == FollowUpStatus.OPEN


def test_the_referent_follows_the_actions_of_their_review_from_its_page(cpts, follow_ups):
    referent = CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user
    review = IncidentReviewFactory(cpts=cpts, actions=True, referent=referent)
    action = ImprovementActionFactory(review=review, description="Fiche de liaison")
    client = verified_client(referent)
    page = text(client.get(reverse("quality_review", args=[cpts.slug, review.pk])))
    assert reverse("quality_action_drop", args=[cpts.slug, action.pk]) in page
    back = reverse("quality_review", args=[cpts.slug, review.pk])
    response = client.post(
        reverse("quality_action_drop", args=[cpts.slug, action.pk]), {"note": "Remplacée", "retour": back}
    )
    assert response["Location"] == back
