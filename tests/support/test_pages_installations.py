"""The installation projects through their pages: the coordination opens a project (its four
steps come with it), records each step on its own, and closes it (settled, or abandoned with a
reason); the professional whose adhesion is tied to the project reads it; other members and
other CPTS get 404. Refusals name their field in French and write nothing."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.professions import Profession
from maillon.support import services
from maillon.support.models import InstallationProject, InstallationStatus, InstallationStepKind

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name, project, *args):
    return reverse(name, args=[project.cpts.slug, project.pk, *args])


def start(cpts, **fields):
    """A project as the pages open it, with its four steps."""
    fields = {"first_name": "Léa", "last_name": "Nouvelle", "profession": Profession.MEDECIN, **fields}
    return services.start_installation(cpts=cpts, by=None, **fields)


@pytest.fixture
def project(cpts):
    return start(cpts, notes="Cherche un local.")


def test_the_coordination_opens_a_project_with_its_four_steps(cpts, coordinator):
    client = verified_client(coordinator)
    response = client.post(
        reverse("installation_create", args=[cpts.slug]),
        {
            "first_name": "Jeanne",
            "last_name": "Arrivée",
            "profession": Profession.INFIRMIER,
            "email": "jeanne@example.org",
            "commune_query": "Versailles",
            "commune": "78646",
            "wished_on": "2027-09-01",
        },
    )
    project = InstallationProject.objects.get(cpts=cpts)
    assert response.status_code == 302 and response["Location"] == url("installation_detail", project)
    assert project.commune_id == "78646" and project.referent == coordinator
    assert sorted(project.steps.values_list("kind", flat=True)) == sorted(InstallationStepKind.values)
    page = text(client.get(reverse("installation_list", args=[cpts.slug])))
    assert "Jeanne Arrivée" in page and "0 sur 4" in page


def test_a_refused_project_names_its_fields_and_writes_nothing(cpts, coordinator):
    response = verified_client(coordinator).post(
        reverse("installation_create", args=[cpts.slug]),
        {"first_name": "", "last_name": "", "profession": "", "commune_query": "Nullepart"},
    )
    page = text(response)
    assert response.status_code == 400
    assert "Prénom : indiquez le prénom." in page and "Nom : indiquez le nom." in page
    assert "Profession : choisissez la profession." in page
    assert "Commune : aucune commune ne correspond à « Nullepart »." in page
    assert not InstallationProject.objects.exists()


def test_each_step_is_recorded_on_its_own(cpts, coordinator, project):
    client = verified_client(coordinator)
    today = timezone.localdate()
    response = client.post(
        url("installation_step", project, InstallationStepKind.PREMISES),
        {"done_on": today.isoformat(), "note": "Bail signé rue de la Paroisse."},
    )
    assert response.status_code == 302 and response["Location"].endswith("#etape-premises")
    steps = {step.kind: step for step in project.steps.all()}
    assert steps["premises"].done_on == today and steps["premises"].note == "Bail signé rue de la Paroisse."
    assert steps["administrative"].done_on is None
    assert "Étapes franchies : 1 sur 4" in text(client.get(url("installation_detail", project)))
    tomorrow = today + datetime.timedelta(days=1)
    response = client.post(url("installation_step", project, "administrative"), {"done_on": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "Faite le : la date ne peut pas être dans le futur." in text(response)
    assert project.steps.get(kind="administrative").done_on is None
    assert client.post(url("installation_step", project, "unknown"), {}).status_code == 404


def test_an_abandon_needs_its_reason_then_the_project_is_closed(cpts, coordinator, project):
    client = verified_client(coordinator)
    response = client.post(url("installation_abandon", project), {"note": ""})
    assert response.status_code == 400
    assert "Motif de l'abandon : dites pourquoi le projet est abandonné." in text(response)
    project.refresh_from_db()
    assert project.status == InstallationStatus.OPEN
    response = client.post(url("installation_abandon", project), {"note": "Installation dans un autre département."})
    project.refresh_from_db()
    assert response.status_code == 302 and project.status == InstallationStatus.ABANDONED
    page = text(client.get(url("installation_detail", project)))
    assert "Abandonné" in page and "Marquer comme installé" not in page
    # A closed project no longer changes.
    assert client.post(url("installation_step", project, "premises"), {"done_on": ""}).status_code == 403


def test_the_coordination_marks_the_professional_settled(cpts, coordinator, project):
    response = verified_client(coordinator).post(url("installation_settle", project), {"settled_on": ""})
    project.refresh_from_db()
    assert response.status_code == 302
    assert project.status == InstallationStatus.SETTLED and project.settled_on == timezone.localdate()


def test_the_coordination_edits_the_project(cpts, coordinator, project):
    client = verified_client(coordinator)
    assert "Léa" in text(client.get(url("installation_edit", project)))
    response = client.post(
        url("installation_edit", project),
        {
            "first_name": "Léa",
            "last_name": "Nouvelle",
            "profession": Profession.SAGE_FEMME,
            "commune_query": "Versailles",
            "commune": "78646",
            "notes": "Local trouvé.",
        },
    )
    project.refresh_from_db()
    assert response.status_code == 302
    assert project.profession == Profession.SAGE_FEMME and project.commune_id == "78646"
    assert project.notes == "Local trouvé."


def test_the_professional_reads_their_own_project_and_no_other(cpts, member, project):
    own = start(
        cpts,
        first_name="Paul",
        last_name="Moi",
        notes="Note interne de la coordination.",
        membership=MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member)),
    )
    client = verified_client(member)
    listing = text(client.get(reverse("installation_list", args=[cpts.slug])))
    assert "Paul Moi" in listing and "Léa Nouvelle" not in listing
    page = text(client.get(url("installation_detail", own)))
    assert "Paul Moi" in page and "Enregistrer l'étape" not in page
    assert "Note interne de la coordination." not in page
    assert client.get(url("installation_detail", project)).status_code == 404
    assert client.get(reverse("installation_create", args=[cpts.slug])).status_code == 403
    assert client.post(url("installation_step", own, "premises"), {"done_on": ""}).status_code == 403
    assert client.post(url("installation_abandon", own), {"note": "non"}).status_code == 403


def test_another_cpts_gets_404(other_cpts, project):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(reverse("installation_list", args=[project.cpts.slug])).status_code == 404
    assert client.get(url("installation_detail", project)).status_code == 404
    assert client.post(url("installation_settle", project), {}).status_code == 404
    assert client.post(url("installation_step", project, "premises"), {}).status_code == 404
