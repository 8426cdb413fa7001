"""The directory card of one member: only for an active adhesion to this CPTS, journaled."""

import pytest
from django.urls import NoReverseMatch, reverse

from maillon.core.models import JournalEntry
from maillon.members.factories import (
    CollegeFactory,
    LanguageFactory,
    MembershipFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
)
from maillon.members.models import Involvement, MembershipStatus
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def card(client, cpts, pk):
    return client.get(reverse("members_card", args=[cpts.slug, pk]))


def test_the_card_shows_the_whole_directory_entry(cpts, member):
    professional = ProfessionalFactory(
        first_name="Anne", last_name="Martin", skills="Plaies chroniques, Diabète", accepts_new_patients=True
    )
    professional.languages.add(LanguageFactory(code="es", name="Espagnol"))
    PracticePlaceFactory(
        professional=professional,
        structure=StructureFactory(name="MSP des Lilas"),
        address="3 rue des Lilas",
        phone="01 39 00 00 00",
        mssante_email="anne.martin@medecin.mssante.fr",
    )
    MembershipFactory(
        cpts=cpts,
        professional=professional,
        college=CollegeFactory(cpts=cpts, name="Médecins"),
        involvement=Involvement.PROJECT_LEAD,
    )

    response = card(verified_client(member), cpts, professional.pk)
    html = response.content.decode()

    assert response.status_code == 200
    for text in (
        "Anne Martin",
        "MSP des Lilas",
        "3 rue des Lilas",
        "01 39 00 00 00",
        "anne.martin@medecin.mssante.fr",
        professional.rpps,
        "Espagnol",
        "Plaies chroniques",
        "Diabète",
        "Médecins",
        "Pilote un projet",
        "Accepte de nouveaux patients",
    ):
        assert text in html, text
    assert reverse("members_vcard", args=[cpts.slug, professional.pk]) in html


@pytest.mark.parametrize("status", [MembershipStatus.REQUESTED, MembershipStatus.REFUSED, MembershipStatus.LEFT])
def test_the_card_of_someone_without_an_active_adhesion_is_404(cpts, member, status):
    membership = MembershipFactory(cpts=cpts, status=status)

    assert card(verified_client(member), cpts, membership.professional_id).status_code == 404


def test_the_card_of_a_member_of_another_cpts_is_404(cpts, other_cpts, member):
    elsewhere = MembershipFactory(cpts=other_cpts)

    assert card(verified_client(member), cpts, elsewhere.professional_id).status_code == 404
    assert card(verified_client(member), cpts, 999_999).status_code == 404


def test_reading_a_card_is_journaled_without_names(cpts, member):
    professional = MembershipFactory(cpts=cpts, professional__last_name="Martin").professional

    card(verified_client(member), cpts, professional.pk)

    entry = JournalEntry.objects.get(action="read", object_type="members.Professional")
    assert entry.object_id == str(professional.pk) and entry.cpts_id == cpts.pk and entry.actor_id == member.pk
    assert "rpps" in entry.fields and "Martin" not in entry.note


def test_only_the_professional_themself_gets_the_link_to_edit_their_card(cpts, member):
    try:
        my_card_url = reverse("members_my_card", args=[cpts.slug])
    except NoReverseMatch:
        pytest.skip("members_my_card is not built yet")
    mine = MembershipFactory(cpts=cpts, professional__user=member).professional
    other = MembershipFactory(cpts=cpts).professional
    client = verified_client(member)

    # On the card itself (the menu links « Ma fiche » from every page).
    assert my_card_url in main_of(card(client, cpts, mine.pk))
    assert my_card_url not in main_of(card(client, cpts, other.pk))


def main_of(response) -> str:
    return response.content.decode().split('id="content"', 1)[1]
