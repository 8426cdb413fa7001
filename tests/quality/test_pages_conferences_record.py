"""The record of a case conference (conclusions and decisions; for an included patient, a new
PPCS version whose actions are the decisions) and the follow-up of its decisions (done by the
owner or who runs it, dropped with a reason by who runs it)."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.meetings.factories import InvitationFactory
from maillon.pathways.factories import CarePlanActionFactory, CarePlanFactory
from maillon.pathways.models import CarePlan
from maillon.quality.factories import CaseConferenceFactory, ConferenceDecisionFactory
from maillon.quality.models import ConferenceDecision, ConferenceStatus, FollowUpStatus

from ..conftest import verified_client
from .test_pages_conferences import (  # noqa: F401 (fixtures)
    conference_fixture,
    inclusion_fixture,
    invitee_fixture,
    lead_fixture,
    names_patient,
    other_coordinator_fixture,
    outsider_fixture,
    programme_fixture,
    teammate_fixture,
    url,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def record_data(*decisions, held_on=None, conclusions="Renforcer le passage infirmier.", **extra) -> dict:
    data = {
        "held_on": (held_on or timezone.localdate()).isoformat(),
        "conclusions": conclusions,
        "decisions-TOTAL_FORMS": str(max(3, len(decisions))),
        "decisions-INITIAL_FORMS": "0",
    }
    for index, (description, owner, due_on) in enumerate(decisions):
        data |= {
            f"decisions-{index}-description": description,
            f"decisions-{index}-owner": owner,
            f"decisions-{index}-due_on": due_on,
        }
    return data | extra


def in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_the_record_form_explains_the_decisions_go_into_the_ppcs(conference, lead):
    response = verified_client(lead.professional.user).get(url("quality_conference_record", conference))
    page = text(response)
    assert response.status_code == 200
    assert "Les décisions vont dans le PPCS du patient" in page and "Prochaine réévaluation du PPCS" in page
    assert f'value="{timezone.localdate().isoformat()}"' in page  # held today by default
    assert "Compte rendu de la concertation — Cas n°" in page


def test_the_requester_records_the_decisions_into_a_new_ppcs_version(conference, inclusion, lead, teammate, invitee):
    current = CarePlanFactory(inclusion=inclusion)
    CarePlanActionFactory(plan=current, description="Kinésithérapie deux fois par semaine")
    data = record_data(
        ("Visite de l'ergothérapeute à domicile", teammate.pk, in_days(30)),
        ("Bilan nutritionnel", invitee.pk, in_days(15)),
        next_review_on=in_days(60),
    )
    response = verified_client(lead.professional.user).post(url("quality_conference_record", conference), data)
    assert response.status_code == 302 and response["Location"] == url("quality_conference", conference)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD and conference.held_on == timezone.localdate()
    assert conference.recorded_by == lead.professional.user
    decisions = list(conference.decisions.order_by("due_on"))
    assert [(d.description, d.owner_id) for d in decisions] == [
        ("Bilan nutritionnel", invitee.pk),
        ("Visite de l'ergothérapeute à domicile", teammate.pk),
    ]
    plan = conference.plan
    assert plan.version == current.version + 1 and plan.next_review_on.isoformat() == in_days(60)
    descriptions = set(plan.actions.values_list("description", flat=True))
    assert "Kinésithérapie deux fois par semaine" in descriptions
    assert f"Bilan nutritionnel (Cas n° {conference.pk})" in descriptions
    assert all(decision.plan_action_id for decision in decisions)
    # The page shows the record; the care team the PPCS version, the invitee not.
    page = text(verified_client(teammate.professional.user).get(url("quality_conference", conference)))
    assert "Renforcer le passage infirmier." in page and f"version {plan.version} du PPCS" in page
    page = text(verified_client(invitee.professional.user).get(url("quality_conference", conference)))
    assert "Bilan nutritionnel" in page and "du PPCS" not in page and not names_patient(page)


def test_a_refused_record_names_each_field_and_writes_nothing(conference, inclusion, lead, teammate):
    record = url("quality_conference_record", conference)
    client = verified_client(lead.professional.user)
    data = record_data(("Visite de l'ergothérapeute", "", ""), ("", teammate.pk, in_days(5)), conclusions="")
    response = client.post(record, data)
    page = text(response)
    assert response.status_code == 400
    assert "Conclusions : écrivez ce que la concertation a conclu." in page
    assert "Décision 1 — " in page and "Responsable : choisissez un adhérent." in page
    assert "Échéance : indiquez la date." in page and "Décision : décrivez ce qui est décidé." in page
    assert 'value="Visite de l&#x27;ergothérapeute"' in response.content.decode()  # the input is kept
    # The domain's refusals: a decision before the day, the patient's name in the conclusions.
    page = text(client.post(record, record_data(("Bilan", teammate.pk, in_days(3)), conclusions="Voir Mme Durandal.")))
    assert "Conclusions : le texte contient le nom du patient." in page
    page = text(client.post(record, record_data(("Bilan", teammate.pk, in_days(-3)))))
    assert "Décision 1 : l'échéance ne peut pas précéder le" in page
    page = text(client.post(record, record_data(held_on=timezone.localdate() + datetime.timedelta(days=2))))
    assert "Tenue le : la date ne peut pas être dans le futur." in page
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED and conference.conclusions == ""
    assert not ConferenceDecision.objects.exists() and not CarePlan.objects.filter(inclusion=inclusion).exists()


def test_more_decision_rows_keep_what_was_typed(conference, lead):
    data = record_data(("Bilan nutritionnel", "", "")) | {"lignes": "1"}
    response = verified_client(lead.professional.user).post(url("quality_conference_record", conference), data)
    page = text(response)
    assert response.status_code == 200 and "Décision 6" in page and 'value="Bilan nutritionnel"' in page
    assert "n'a pas pu être enregistré" not in page and "Responsable : choisissez un adhérent." not in page
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED


def test_only_who_runs_the_conference_records_it(conference, teammate, invitee, outsider, coordinator):
    record = url("quality_conference_record", conference)
    data = record_data()
    assert verified_client(teammate.professional.user).get(record).status_code == 403
    assert verified_client(invitee.professional.user).post(record, data).status_code == 403
    assert verified_client(outsider.professional.user).post(record, data).status_code == 404
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED
    # The coordination records one it did not ask for.
    assert verified_client(coordinator).post(record, data).status_code == 302
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD and conference.plan is None  # no decision: no new PPCS


# --- The decisions -----------------------------------------------------------------------------


@pytest.fixture(name="held")
def held_fixture(cpts, inclusion, lead, invitee):
    """A conference held, asked for by the lead, the invitee invited."""
    held = CaseConferenceFactory(cpts=cpts, inclusion=inclusion, held=True, requested_by=lead.professional.user)
    InvitationFactory(meeting=held.meeting, membership=invitee)
    return held


@pytest.fixture(name="decision")
def decision_fixture(held, invitee):
    """A decision of the held conference, owned by the invitee, late."""
    return ConferenceDecisionFactory(
        conference=held, owner=invitee, due_on=timezone.localdate() - datetime.timedelta(days=2)
    )


def test_the_owner_marks_their_decision_done_and_comes_back_where_they_were(decision, held, invitee):
    client = verified_client(invitee.professional.user)
    page = text(client.get(url("quality_conference", held)))
    assert "En retard" in page and "Marquer réalisée" in page and "Abandonner" not in page
    complete = reverse("quality_decision_complete", args=[held.cpts.slug, decision.pk])
    back = reverse("quality_conferences", args=[held.cpts.slug]) + "?onglet=tenues"
    prefix = f"decision-{decision.pk}"
    response = client.post(complete, {f"{prefix}-outcome": "Bilan fait.", f"{prefix}-done_on": "", "retour": back})
    assert response.status_code == 302 and response["Location"] == back
    decision.refresh_from_db()
    assert decision.status == FollowUpStatus.DONE and decision.done_on == timezone.localdate()
    assert decision.outcome == "Bilan fait." and decision.events.get().by == invitee.professional.user
    # Done: no longer theirs to change.
    assert client.post(complete, {f"{prefix}-outcome": "", "retour": back}).status_code == 403


def test_a_foreign_return_address_is_ignored(decision, held, invitee):
    complete = reverse("quality_decision_complete", args=[held.cpts.slug, decision.pk])
    response = verified_client(invitee.professional.user).post(complete, {"retour": "https://example.org/"})
    assert response.status_code == 302 and response["Location"] == url("quality_conference", held)


def test_a_refused_completion_shows_the_conference_again_with_the_field_named(decision, held, invitee):
    complete = reverse("quality_decision_complete", args=[held.cpts.slug, decision.pk])
    prefix = f"decision-{decision.pk}"
    response = verified_client(invitee.professional.user).post(complete, {f"{prefix}-done_on": in_days(3)})
    assert response.status_code == 400
    assert "Réalisée le : la date ne peut pas être dans le futur." in text(response)
    decision.refresh_from_db()
    assert decision.status == FollowUpStatus.OPEN


def test_after_a_refused_completion_the_forms_return_to_the_conference_page(decision, held, invitee):
    """The page shown again at the POST-only address keeps the conference's page as `retour`:
    the next submit comes back to a page that answers a GET, never to the action (405)."""
    client = verified_client(invitee.professional.user)
    complete = reverse("quality_decision_complete", args=[held.cpts.slug, decision.pk])
    prefix = f"decision-{decision.pk}"
    refused = text(client.post(complete, {f"{prefix}-done_on": in_days(3)}))
    page = url("quality_conference", held)
    assert f'name="retour" value="{page}"' in refused
    assert f'name="retour" value="{complete}"' not in refused
    response = client.post(complete, {f"{prefix}-outcome": "Bilan fait.", f"{prefix}-done_on": "", "retour": page})
    assert response.status_code == 302 and response["Location"] == page
    assert client.get(response["Location"]).status_code == 200


def test_who_runs_the_conference_drops_a_decision_with_a_reason(decision, held, lead, invitee, outsider):
    drop = reverse("quality_decision_drop", args=[held.cpts.slug, decision.pk])
    prefix = f"drop-{decision.pk}"
    assert verified_client(invitee.professional.user).post(drop, {f"{prefix}-note": "X"}).status_code == 403
    assert verified_client(outsider.professional.user).post(drop, {f"{prefix}-note": "X"}).status_code == 404
    response = verified_client(lead.professional.user).post(drop, {f"{prefix}-note": ""})
    assert response.status_code == 400
    assert "Motif de l'abandon : dites pourquoi la décision est abandonnée." in text(response)
    decision.refresh_from_db()
    assert decision.status == FollowUpStatus.OPEN
    response = verified_client(lead.professional.user).post(drop, {f"{prefix}-note": "Le patient a refusé."})
    assert response.status_code == 302 and response["Location"] == url("quality_conference", held)
    decision.refresh_from_db()
    assert decision.status == FollowUpStatus.DROPPED and decision.outcome == "Le patient a refusé."
