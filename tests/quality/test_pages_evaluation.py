"""The evaluation of a patient's pathway: for whoever sees the patient (404 for the others, as a
missing inclusion), its findings by kind and by date, its PDF (pseudonymised), each reading
journaled; the inclusion page links to it and to a conference request."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.journal import Action
from maillon.core.models import JournalEntry
from maillon.pathways.factories import CareTaskFactory

from ..conftest import verified_client
from ..www.english import english_strings_in
from .test_pages_conferences import (  # noqa: F401 (fixtures)
    inclusion_fixture,
    invitee_fixture,
    lead_fixture,
    names_patient,
    other_coordinator_fixture,
    outsider_fixture,
    programme_fixture,
    teammate_fixture,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def evaluation_url(inclusion, name="quality_evaluation") -> str:
    return reverse(name, args=[inclusion.cpts.slug, inclusion.pk])


def reads(inclusion, user, note):
    return JournalEntry.objects.filter(
        action=Action.READ, object_type="pathways.Inclusion", object_id=str(inclusion.pk), actor_id=user.pk, note=note
    )


@pytest.fixture(name="late_task")
def late_task_fixture(inclusion):
    """A task still to do, past its tolerance."""
    today = timezone.localdate()
    return CareTaskFactory(
        inclusion=inclusion,
        title="Bilan gériatrique",
        due_on=today - datetime.timedelta(days=20),
        late_from=today - datetime.timedelta(days=10),
    )


WHO_SEES = {"coordinator": 200, "lead": 200, "teammate": 200, "invitee": 404, "outsider": 404, "other": 404}


@pytest.mark.parametrize("who", list(WHO_SEES))
def test_the_evaluation_answers_who_sees_the_patient_and_404_to_the_others(
    who, inclusion, late_task, coordinator, lead, teammate, invitee, outsider, other_coordinator
):
    user = {
        "coordinator": coordinator,
        "lead": lead.professional.user,
        "teammate": teammate.professional.user,
        "invitee": invitee.professional.user,
        "outsider": outsider.professional.user,
        "other": other_coordinator,
    }[who]
    client = verified_client(user)
    response = client.get(evaluation_url(inclusion))
    assert response.status_code == WHO_SEES[who], who
    pdf = client.get(evaluation_url(inclusion, "quality_evaluation_pdf"))
    assert pdf.status_code == WHO_SEES[who], who
    if WHO_SEES[who] == 404:
        assert not names_patient(text(response))
        assert not JournalEntry.objects.filter(actor_id=user.pk, object_type="pathways.Inclusion").exists()
        return
    page = text(response)
    assert not english_strings_in(response.content.decode())
    assert "Tâche en retard, toujours à faire" in page and "Bilan gériatrique" in page
    assert names_patient(page)
    title = page.split("<title>")[1].split("</title>")[0]
    assert f"Évaluation du parcours — inclusion n° {inclusion.pk}" in title and not names_patient(title)
    assert reads(inclusion, user, "évaluation du parcours").exists()
    assert pdf["Content-Type"] == "application/pdf"
    assert f"evaluation-parcours-inclusion-{inclusion.pk}.pdf" in pdf["Content-Disposition"]
    assert reads(inclusion, user, "évaluation du parcours en PDF").exists()


def test_the_counts_and_the_delays_add_up(inclusion, late_task, coordinator):
    page = text(verified_client(coordinator).get(evaluation_url(inclusion)))
    assert "Réévaluation du PPCS manquée" in page  # every kind is counted, zero included
    assert "1 constat ; 20 jours de retard cumulés" in page  # counted from the due date
    assert "Prévue le" in page and "toujours à faire (20 jours de retard)" in page


def test_a_path_without_break_says_so(inclusion, coordinator):
    page = text(verified_client(coordinator).get(evaluation_url(inclusion)))
    assert "Aucune rupture ni aucun retard relevé" in page


def test_a_closed_inclusion_is_evaluated_but_offers_no_conference(inclusion, lead):
    inclusion.close(by=lead.professional.user, reason="completed")
    page = text(verified_client(lead.professional.user).get(evaluation_url(inclusion)))
    assert "Évaluation du parcours" in page
    assert f"?inclusion={inclusion.pk}" not in page


def test_the_inclusion_page_links_to_the_evaluation_and_the_request(inclusion, lead):
    inclusion_url = reverse("pathways_inclusion", args=[inclusion.cpts.slug, inclusion.pk])
    page = text(verified_client(lead.professional.user).get(inclusion_url))
    request = reverse("quality_conference_request", args=[inclusion.cpts.slug]) + f"?inclusion={inclusion.pk}"
    assert request in page and "Demander une concertation" in page
    assert evaluation_url(inclusion) in page and "Évaluer le parcours" in page
    inclusion.close(by=lead.professional.user, reason="completed")
    page = text(verified_client(lead.professional.user).get(inclusion_url))
    assert request not in page and evaluation_url(inclusion) in page
