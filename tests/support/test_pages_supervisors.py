"""The training supervisors through their pages: every role of the CPTS reads them; the
coordination adds and changes them; refusals name their field in French and write nothing;
another CPTS answers 404."""

import html

import pytest
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.support.factories import PlacementFactory, SupervisorFactory
from maillon.support.models import Supervisor, TraineeLevel

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, cpts, *args):
    return reverse(name, args=[cpts.slug, *args])


def test_every_role_reads_the_supervisors_and_only_the_coordination_adds(cpts, coordinator, member):
    supervisor = SupervisorFactory(
        cpts=cpts, membership__professional__last_name="Agréée", levels=[TraineeLevel.INTERN], capacity=3
    )
    PlacementFactory(supervisor=supervisor)
    page = text(verified_client(member).get(url("supervisor_list", cpts)))
    assert "Agréée" in page and "Interne" in page and supervisor.accreditation_number in page
    assert "Nouveau maître de stage" not in page and "Modifier" not in page
    page = text(verified_client(coordinator).get(url("supervisor_list", cpts)))
    assert "Nouveau maître de stage" in page and url("supervisor_edit", cpts, supervisor.pk) in page


def test_another_cpts_gets_404(cpts, other_cpts):
    supervisor = SupervisorFactory(cpts=cpts)
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(url("supervisor_list", cpts)).status_code == 404
    assert client.get(url("supervisor_create", cpts)).status_code == 404
    assert client.post(url("supervisor_edit", cpts, supervisor.pk), {"capacity": 6}).status_code == 404
    # Its own coordinator does not reach it through its own CPTS either.
    assert verified_client(outsider).get(url("supervisor_edit", other_cpts, supervisor.pk)).status_code == 404


def test_a_member_may_not_add_or_change_a_supervisor(cpts, member):
    supervisor = SupervisorFactory(cpts=cpts)
    client = verified_client(member)
    assert client.get(url("supervisor_create", cpts)).status_code == 403
    assert client.post(url("supervisor_edit", cpts, supervisor.pk), {"capacity": 6}).status_code == 403
    supervisor.refresh_from_db()
    assert supervisor.capacity == 2


def test_the_coordination_adds_a_supervisor_among_the_active_adherents(cpts, coordinator):
    adherent = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Généraliste"))
    MembershipFactory(cpts=cpts, requested=True, professional=ProfessionalFactory(last_name="Candidate"))
    client = verified_client(coordinator)
    form = text(client.get(url("supervisor_create", cpts)))
    assert "Généraliste" in form and "Candidate" not in form
    response = client.post(
        url("supervisor_create", cpts),
        {
            "membership": adherent.pk,
            "levels": [TraineeLevel.INTERN, TraineeLevel.JUNIOR_DOCTOR],
            "capacity": "2",
            "accreditation_number": "DMG-2026-14",
            "accredited_by": "Faculté de santé",
            "accredited_until": "2029-08-31",
            "active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("supervisor_list", cpts)
    supervisor = Supervisor.objects.get(cpts=cpts)
    assert supervisor.membership == adherent and supervisor.capacity == 2
    assert supervisor.levels == [TraineeLevel.INTERN, TraineeLevel.JUNIOR_DOCTOR] and supervisor.active
    assert "Maître de stage ajouté : " in text(client.get(url("supervisor_list", cpts)))
    # Already a supervisor: no longer offered.
    assert "Généraliste" not in text(client.get(url("supervisor_create", cpts)))


def test_a_refused_supervisor_says_why_and_writes_nothing(cpts, coordinator):
    adherent = MembershipFactory(cpts=cpts)
    response = verified_client(coordinator).post(
        url("supervisor_create", cpts), {"membership": adherent.pk, "levels": [], "capacity": "7"}
    )
    page = text(response)
    assert response.status_code == 400
    assert "Niveaux accueillis : cochez au moins un niveau." in page
    assert "Places par semestre : au plus 6." in page
    assert not Supervisor.objects.exists()


def test_the_coordination_changes_a_supervisor_but_not_whose_it_is(cpts, coordinator):
    supervisor = SupervisorFactory(cpts=cpts)
    other = MembershipFactory(cpts=cpts)
    response = verified_client(coordinator).post(
        url("supervisor_edit", cpts, supervisor.pk),
        {"membership": other.pk, "levels": [TraineeLevel.EXTERNAL], "capacity": "4"},
    )
    assert response.status_code == 302
    supervisor.refresh_from_db()
    assert supervisor.capacity == 4 and supervisor.levels == [TraineeLevel.EXTERNAL]
    assert not supervisor.active and supervisor.membership != other
