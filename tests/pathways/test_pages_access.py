"""Who opens the care pathways pages: the coordination, the lead and the care team of today
see an inclusion; a member outside the team, another CPTS's coordination and everyone else
get a 404, as for a missing one; the rest of the team reads but does not change (403).

The fixtures here serve the other test_pages_* modules of the pathways."""

import pytest
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.pathways.factories import CareTeamMemberFactory, InclusionFactory, ProgrammeFactory, ProgrammeStepFactory

from ..conftest import verified_client
from ..www.english import english_strings_in

pytestmark = pytest.mark.django_db


def adherent(cpts, **professional):
    """A user with a role in the CPTS and an active professional adhesion; returns the adhesion."""
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user, **professional))


@pytest.fixture(name="programme")
def programme_fixture(cpts):
    programme = ProgrammeFactory(cpts=cpts, name="Maintien à domicile", description="Rester chez soi.")
    ProgrammeStepFactory(programme=programme, position=1, title="Évaluation gériatrique", profession="10")
    ProgrammeStepFactory(programme=programme, position=2, title="Visite infirmière", profession="60")
    return programme


@pytest.fixture(name="lead")
def lead_fixture(cpts):
    return adherent(cpts, first_name="Jeanne", last_name="Référente")


@pytest.fixture(name="teammate")
def teammate_fixture(cpts):
    return adherent(cpts, first_name="Paul", last_name="Infirmier", nurse=True)


@pytest.fixture(name="outsider")
def outsider_fixture(cpts):
    """A member of the CPTS who is not in the patient's care team."""
    return adherent(cpts, first_name="Luc", last_name="Ailleurs")


@pytest.fixture(name="inclusion")
def inclusion_fixture(cpts, programme, lead, teammate):
    inclusion = InclusionFactory(
        cpts=cpts,
        programme=programme,
        lead=lead,
        birth_name="Durandal",
        given_names="Odile Marie",
        first_given_name="Odile",
    )
    CareTeamMemberFactory(inclusion=inclusion, membership=lead, role="Référent")
    CareTeamMemberFactory(inclusion=inclusion, membership=teammate)
    return inclusion


@pytest.fixture(name="other_coordinator")
def other_coordinator_fixture(other_cpts):
    return CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user


def pages(cpts, programme, inclusion):
    return {
        "home": reverse("pathways_home", args=[cpts.slug]),
        "include": reverse("pathways_include", args=[cpts.slug]),
        "library": reverse("pathways_library", args=[cpts.slug]),
        "programme": reverse("pathways_programme", args=[cpts.slug, programme.pk]),
        "edit": reverse("pathways_programme_edit", args=[cpts.slug, programme.pk]),
        "inclusion": reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk]),
    }


ANSWERS = {
    "coordinator": {"home": 200, "include": 200, "library": 200, "programme": 200, "edit": 200, "inclusion": 200},
    "lead": {"home": 200, "include": 200, "library": 404, "programme": 200, "edit": 404, "inclusion": 200},
    "teammate": {"home": 200, "include": 200, "library": 404, "programme": 200, "edit": 404, "inclusion": 200},
    "outsider": {"home": 200, "include": 200, "library": 404, "programme": 200, "edit": 404, "inclusion": 404},
    "other_coordinator": dict.fromkeys(["home", "include", "library", "programme", "edit", "inclusion"], 404),
}


@pytest.mark.parametrize("who", list(ANSWERS))
def test_each_page_answers_the_roles_it_is_for_and_404_to_the_others(
    request, who, cpts, programme, inclusion, coordinator, lead, teammate, outsider, other_coordinator
):
    user = {
        "coordinator": coordinator,
        "lead": lead.professional.user,
        "teammate": teammate.professional.user,
        "outsider": outsider.professional.user,
        "other_coordinator": other_coordinator,
    }[who]
    client = verified_client(user)
    for name, url in pages(cpts, programme, inclusion).items():
        response = client.get(url)
        assert response.status_code == ANSWERS[who][name], (who, name, response.status_code)
        if response.status_code == 200:
            assert not english_strings_in(response.content.decode()), (who, name)
        else:
            assert "Durandal" not in response.content.decode()


def test_a_visitor_is_sent_to_the_login(client, cpts, programme, inclusion):
    for url in pages(cpts, programme, inclusion).values():
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


ACTIONS = {
    "pathways_team_add_adherent": {"adherent-membership": "", "adherent-role": ""},
    "pathways_team_add_person": {"person-name": "Aidant", "person-relationship": "family_carer"},
    "pathways_team_end": {"member": "0"},
    "pathways_lead_change": {"lead-lead": ""},
    "pathways_inclusion_close": {"close-reason": "completed"},
}


def test_the_care_team_reads_but_only_the_lead_and_the_coordination_change_the_inclusion(
    cpts, inclusion, teammate, outsider
):
    for name, data in ACTIONS.items():
        url = reverse(name, args=[cpts.slug, inclusion.pk])
        assert verified_client(teammate.professional.user).post(url, data).status_code == 403, name
        assert verified_client(outsider.professional.user).post(url, data).status_code == 404, name
        assert verified_client(teammate.professional.user).get(url).status_code == 405, name
    inclusion.refresh_from_db()
    assert inclusion.status == "active" and inclusion.care_team.count() == 2


def test_the_inclusion_page_shows_the_forms_only_to_who_may_change_it(cpts, inclusion, coordinator, lead, teammate):
    url = reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk])
    for user in (coordinator, lead.professional.user):
        assert "Clore l'inclusion" in verified_client(user).get(url).content.decode()
    page = verified_client(teammate.professional.user).get(url).content.decode()
    assert "Durandal" in page and "Clore l'inclusion" not in page and "Changer de référent" not in page


def test_no_patient_name_in_the_title_or_the_address(cpts, inclusion, coordinator):
    url = reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk])
    html = verified_client(coordinator).get(url).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Durandal" not in title and "Odile" not in title and f"n° {inclusion.pk}" in title
    assert "Durandal" not in url
    home = verified_client(coordinator).get(reverse("pathways_home", args=[cpts.slug])).content.decode()
    assert "DURANDAL Odile" in home
    assert f'href="/cpts/{cpts.slug}/parcours/inclusions/{inclusion.pk}/"' in home


def test_the_menu_of_the_space_offers_the_pathways(cpts, coordinator, outsider):
    dashboard = reverse("cpts_dashboard", args=[cpts.slug])
    coordination = verified_client(coordinator).get(dashboard).content.decode()
    assert reverse("pathways_home", args=[cpts.slug]) in coordination
    assert reverse("pathways_library", args=[cpts.slug]) in coordination
    member = verified_client(outsider.professional.user).get(dashboard).content.decode()
    assert reverse("pathways_home", args=[cpts.slug]) in member
    assert reverse("pathways_library", args=[cpts.slug]) not in member


def test_the_coordination_sees_the_patients_reminders_counts_and_a_member_does_not(cpts, inclusion, coordinator, lead):
    from django.utils import timezone

    from maillon.core.notifications.models import Delivery, DeliveryStatus

    Delivery.objects.create(
        kind="pathways.reminder",
        message="pathways.reminder:1:",
        recipient=f"inclusion:{inclusion.pk}",
        channel="sms",
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
    )
    url = reverse("pathways_home", args=[cpts.slug])
    page = verified_client(coordinator).get(url).content.decode()
    assert "Rappels aux patients, douze derniers mois : 1 envoyé, 0 en échec, 0 patient ayant demandé l" in page
    assert "Rappels aux patients" not in verified_client(lead.professional.user).get(url).content.decode()
