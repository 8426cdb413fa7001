"""The inclusion page's actions, each posted to its own address by the lead or the
coordination: the care team (an adherent, a person outside the CPTS, the end of a member),
the lead, and the closing — consent withdrawn included."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.pathways.models import CareTeamMember, InclusionStatus

from ..conftest import verified_client
from .test_pages_access import inclusion_fixture, lead_fixture, outsider_fixture, programme_fixture, teammate_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def post(user, name, inclusion, data):
    return verified_client(user).post(reverse(name, args=[inclusion.cpts.slug, inclusion.pk]), data)


def back(inclusion):
    return reverse("pathways_inclusion", args=[inclusion.cpts.slug, inclusion.pk])


def test_the_lead_adds_an_adherent_and_a_family_carer(inclusion, lead, outsider):
    user = lead.professional.user
    response = post(
        user, "pathways_team_add_adherent", inclusion, {"adherent-membership": outsider.pk, "adherent-role": "Kiné"}
    )
    assert response.status_code == 302 and response["Location"] == back(inclusion)
    response = post(
        user,
        "pathways_team_add_person",
        inclusion,
        {"person-name": "Marc Durandal", "person-relationship": "family_carer", "person-contact": "06 11 22 33 44"},
    )
    assert response.status_code == 302
    page = unescape(verified_client(user).get(back(inclusion)).content.decode())
    assert "Marc Durandal" in page and "Aidant familial" in page and "06 11 22 33 44" in page and "Kiné" in page
    # The adherent now sees the patient.
    assert verified_client(outsider.professional.user).get(back(inclusion)).status_code == 200


def test_a_bad_team_member_names_its_field(inclusion, lead, teammate):
    user = lead.professional.user
    response = post(user, "pathways_team_add_person", inclusion, {"person-name": "", "person-relationship": ""})
    page = unescape(response.content.decode())
    assert response.status_code == 400
    assert (
        "Nom et prénom : ce champ est obligatoire." in page and "Lien avec le patient : choisissez une valeur." in page
    )
    response = post(user, "pathways_team_add_adherent", inclusion, {"adherent-membership": teammate.pk})
    assert "Adhérent : il fait déjà partie de l'équipe de soins." in unescape(response.content.decode())
    assert inclusion.care_team.count() == 2


def test_a_member_leaves_the_team_tonight_and_then_no_longer_sees_the_patient(inclusion, lead, teammate):
    member = inclusion.care_team.get(membership=teammate)
    response = post(lead.professional.user, "pathways_team_end", inclusion, {"member": member.pk})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.ends_on == timezone.localdate()  # the last day in the team
    page = unescape(verified_client(lead.professional.user).get(back(inclusion)).content.decode())
    assert "inclus" in page and "Quitte l'équipe" in page
    assert post(lead.professional.user, "pathways_team_end", inclusion, {"member": member.pk}).status_code == 404
    # The next days (the period is over):
    member.starts_on = member.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    member.save()
    assert verified_client(teammate.professional.user).get(back(inclusion)).status_code == 404
    page = unescape(verified_client(lead.professional.user).get(back(inclusion)).content.decode())
    assert "Ont fait partie de l'équipe" in page


def test_the_lead_cannot_leave_the_team(inclusion, coordinator, lead):
    member = inclusion.care_team.get(membership=lead)
    response = post(coordinator, "pathways_team_end", inclusion, {"member": member.pk})
    assert "le référent reste ; nommez-en un autre d'abord." in unescape(response.content.decode())
    member.refresh_from_db()
    assert member.ends_on is None


def test_the_coordination_changes_the_lead_who_joins_the_team(inclusion, coordinator, outsider):
    response = post(coordinator, "pathways_lead_change", inclusion, {"lead-lead": outsider.pk})
    assert response.status_code == 302
    inclusion.refresh_from_db()
    assert inclusion.lead == outsider
    assert CareTeamMember.objects.filter(inclusion=inclusion, membership=outsider, role="Référent").exists()


def test_withdrawn_consent_closes_the_inclusion_and_the_page_says_when_the_data_goes(settings, inclusion, lead):
    settings.MAILLON_PATHWAYS_RETENTION_DAYS = 200
    user = lead.professional.user
    page = unescape(verified_client(user).get(back(inclusion)).content.decode())
    assert "Consentement retiré" in page and "effacées 200 jours après la clôture" in page
    response = post(user, "pathways_inclusion_close", inclusion, {"close-reason": "consent_withdrawn"})
    assert response.status_code == 302
    inclusion.refresh_from_db()
    assert inclusion.status == InclusionStatus.CLOSED
    assert inclusion.consent_withdrawn_on == timezone.localdate() and inclusion.close_reason == "consent_withdrawn"
    assert inclusion.events.get().by == user
    page = unescape(verified_client(user).get(back(inclusion)).content.decode())
    assert "a retiré son consentement" in page and "Clore l'inclusion" not in page
    # A closed inclusion no longer changes.
    response = post(user, "pathways_team_add_person", inclusion, {"person-name": "X", "person-relationship": "other"})
    assert "Cette inclusion est close" in unescape(response.content.decode())
    assert inclusion.care_team.count() == 2


def test_closing_needs_a_reason(inclusion, coordinator):
    response = post(coordinator, "pathways_inclusion_close", inclusion, {"close-reason": ""})
    assert "Motif de clôture : choisissez une valeur." in unescape(response.content.decode())
    inclusion.refresh_from_db()
    assert inclusion.status == InclusionStatus.ACTIVE


def test_the_lead_moves_the_patient_to_the_programme_s_version_in_force(inclusion, lead, teammate):
    from maillon.pathways import services

    newer = services.new_version(
        inclusion.programme, steps=[{"title": "Appel de suivi", "role": "Référent", "offset_days": 3}]
    )
    user = lead.professional.user
    page = unescape(verified_client(user).get(back(inclusion)).content.decode())
    assert f"Passer à la version {newer.version}" in page
    teammate_page = unescape(verified_client(teammate.professional.user).get(back(inclusion)).content.decode())
    assert "Passer à la version" not in teammate_page  # the team reads; the lead decides
    assert post(teammate.professional.user, "pathways_inclusion_move", inclusion, {}).status_code == 403
    response = post(user, "pathways_inclusion_move", inclusion, {})
    assert response.status_code == 302
    inclusion.refresh_from_db()
    assert inclusion.programme == newer
    assert inclusion.care_tasks.open().filter(title="Appel de suivi").exists()
    again = post(user, "pathways_inclusion_move", inclusion, {})
    assert "le patient suit déjà la version en vigueur" in unescape(again.content.decode())
