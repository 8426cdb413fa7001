"""The placements and their applications through their pages: the coordination offers a
placement (refused over the supervisor's places per semester), accepts or declines the
applications (accepting fills the placement and declines the others), names a trainee, cancels;
a member sees the placements they supervise and decides their applications; another CPTS
answers 404."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.support.factories import PlacementApplicationFactory, PlacementFactory, SupervisorFactory
from maillon.support.models import ApplicationStatus, Placement, PlacementStatus, TraineeLevel

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, cpts, *args):
    return reverse(name, args=[cpts.slug, *args])


def in_days(days) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def supervisor(cpts):
    return SupervisorFactory(cpts=cpts, capacity=1, membership__professional__last_name="Maîtresse")


@pytest.fixture
def placement(supervisor):
    return PlacementFactory(supervisor=supervisor, cpts=supervisor.cpts)


def offer(supervisor, starts_on, ends_on) -> dict:
    return {
        "supervisor": supervisor.pk,
        "level": TraineeLevel.INTERN,
        "starts_on": f"{starts_on:%d/%m/%Y}",
        "ends_on": f"{ends_on:%d/%m/%Y}",
        "description": "Cabinet de groupe, visites à domicile.",
    }


# --- Offering ------------------------------------------------------------------------------------


def test_the_coordination_offers_a_placement(cpts, coordinator, supervisor):
    response = verified_client(coordinator).post(
        url("placement_create", cpts), offer(supervisor, in_days(40), in_days(220))
    )
    placement = Placement.objects.get(cpts=cpts)
    assert response.status_code == 302 and response["Location"] == url("placement_detail", cpts, placement.pk)
    assert placement.status == PlacementStatus.OPEN and placement.supervisor == supervisor


def test_a_placement_over_the_supervisors_places_is_refused_naming_the_period(cpts, coordinator, placement):
    response = verified_client(coordinator).post(
        url("placement_create", cpts),
        offer(placement.supervisor, placement.starts_on + datetime.timedelta(days=10), placement.ends_on),
    )
    page = text(response)
    assert response.status_code == 400
    assert "Période du stage : " in page and "accueille au plus 1 stagiaire" in page
    assert Placement.objects.count() == 1


def test_a_member_may_not_offer_a_placement(cpts, member, supervisor):
    client = verified_client(member)
    assert client.get(url("placement_create", cpts)).status_code == 403
    assert client.post(url("placement_create", cpts), offer(supervisor, in_days(40), in_days(90))).status_code == 403
    assert not Placement.objects.exists()


# --- Reading -------------------------------------------------------------------------------------


def test_a_member_sees_the_placements_they_supervise_only(cpts, placement):
    own = CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user
    mine = PlacementFactory(
        cpts=cpts,
        supervisor=SupervisorFactory(
            cpts=cpts, membership=MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=own))
        ),
    )
    application = PlacementApplicationFactory(placement=mine, last_name="Candidat")
    client = verified_client(own)
    listing = text(client.get(url("placement_list", cpts)))
    assert f"Stage n° {mine.pk}" in listing and f"Stage n° {placement.pk}" not in listing
    assert client.get(url("placement_detail", cpts, placement.pk)).status_code == 404
    page = text(client.get(url("placement_detail", cpts, mine.pk)))
    assert "Candidat" in page and url("application_accept", cpts, application.pk) in page
    assert "Annuler le stage" not in page


def test_another_cpts_gets_404(cpts, other_cpts, placement):
    application = PlacementApplicationFactory(placement=placement)
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(url("placement_list", cpts)).status_code == 404
    assert client.get(url("application_list", cpts)).status_code == 404
    assert client.get(url("placement_detail", other_cpts, placement.pk)).status_code == 404
    assert client.post(url("placement_cancel", other_cpts, placement.pk)).status_code == 404
    assert client.post(url("application_accept", other_cpts, application.pk)).status_code == 404
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.OPEN


# --- Applications --------------------------------------------------------------------------------


def test_accepting_an_application_fills_the_placement_and_declines_the_others(cpts, coordinator, placement):
    chosen = PlacementApplicationFactory(placement=placement, first_name="Léa", last_name="Interne")
    other = PlacementApplicationFactory(placement=placement)
    here = url("placement_detail", cpts, placement.pk)
    response = verified_client(coordinator).post(url("application_accept", cpts, chosen.pk), {"retour": here})
    assert response.status_code == 302 and response["Location"] == here
    placement.refresh_from_db()
    other.refresh_from_db()
    assert placement.status == PlacementStatus.FILLED and placement.trainee_name == "Léa Interne"
    assert other.status == ApplicationStatus.DECLINED


def test_a_spontaneous_application_needs_the_placement_it_fills(cpts, coordinator, placement):
    spontaneous = PlacementApplicationFactory(spontaneous=True, cpts=cpts, last_name="Spontané")
    client = verified_client(coordinator)
    listing = text(client.get(url("application_list", cpts)))
    assert "Candidature spontanée" in listing and f"Stage n° {placement.pk}" not in listing
    assert f'<option value="{placement.pk}">' in listing
    response = client.post(url("application_accept", cpts, spontaneous.pk), {"placement": ""})
    assert response.status_code == 400
    assert "Stage pourvu : choisissez le stage que cette candidature pourvoit." in text(response)
    response = client.post(url("application_accept", cpts, spontaneous.pk), {"placement": placement.pk})
    assert response.status_code == 302
    spontaneous.refresh_from_db()
    assert spontaneous.status == ApplicationStatus.ACCEPTED and spontaneous.placement == placement


def test_a_declined_application_is_decided_once(cpts, coordinator, placement):
    application = PlacementApplicationFactory(placement=placement)
    client = verified_client(coordinator)
    assert client.post(url("application_decline", cpts, application.pk), {"note": "Stage complet"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    # Decided already: not the user's to decide any more.
    assert client.post(url("application_accept", cpts, application.pk)).status_code == 403


# --- The trainee named, the placement cancelled ---------------------------------------------------


def test_the_coordination_names_the_trainee_or_is_told_which_field_is_missing(cpts, coordinator, placement):
    client = verified_client(coordinator)
    response = client.post(url("placement_fill", cpts, placement.pk), {"trainee_name": ""})
    assert response.status_code == 400
    assert "Nom du stagiaire : indiquez le prénom et le nom du stagiaire." in text(response)
    response = client.post(
        url("placement_fill", cpts, placement.pk), {"trainee_name": "Hugo Docteur", "trainee_school": "UVSQ"}
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.FILLED and placement.trainee_school == "UVSQ"


def test_the_coordination_cancels_a_placement_and_a_member_may_not(cpts, coordinator, member, placement):
    assert verified_client(member).post(url("placement_cancel", cpts, placement.pk)).status_code == 404
    response = verified_client(coordinator).post(url("placement_cancel", cpts, placement.pk), {"note": "Congé"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CANCELLED
