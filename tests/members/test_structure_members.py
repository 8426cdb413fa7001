"""A structure's own members: professionals attach their practice places to a member
structure of the CPTS (their card, or the coordinator on the adhesion page); the structure's
directory card lists them; structures are on the directory map; the structure's
representative edits its card."""

import json
import re

import pytest
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import (
    MembershipFactory,
    MissionParticipationFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
)
from maillon.members.models import Involvement, MembershipStatus
from maillon.territories.factories import CommuneFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def versailles(cpts):
    return CommuneFactory(code="78646", name="Versailles", latitude=48.8049, longitude=2.1204)


def member_structure(cpts, commune, **fields):
    structure = StructureFactory(commune=commune, **fields)
    membership = MembershipFactory(cpts=cpts, professional=None, structure=structure)
    return structure, membership


@pytest.fixture
def msp(cpts, versailles):
    structure, membership = member_structure(
        cpts, versailles, name="MSP des Tilleuls", address="2 rue Hoche", phone="01 39 00 00 01"
    )
    membership.involvement = Involvement.MISSION
    membership.save()
    MissionParticipationFactory(membership=membership, mission=2)
    return structure


@pytest.fixture
def alice(cpts, member, versailles):
    professional = ProfessionalFactory(user=member, first_name="Alice", last_name="Martin", nurse=True)
    PracticePlaceFactory(professional=professional, address="1 rue de la Paix", commune=versailles)
    MembershipFactory(cpts=cpts, professional=professional)
    return professional


def card_data(professional, **overrides):
    place = professional.practice_places.get()
    data = {
        "email": professional.email,
        "phone": "",
        "skills": "",
        "lieux-TOTAL_FORMS": "1",
        "lieux-INITIAL_FORMS": "1",
        "lieux-MIN_NUM_FORMS": "0",
        "lieux-MAX_NUM_FORMS": "10",
        "lieux-0-place_id": place.pk,
        "lieux-0-address": place.address,
        "lieux-0-commune_query": "Versailles",
        "lieux-0-commune": "78646",
        "lieux-0-is_main": "on",
    }
    return data | overrides


def structure_card(client, cpts, structure):
    return client.get(reverse("members_structure_card", args=[cpts.slug, structure.pk]))


# --- Practice places attached to a member structure -------------------------------------


def test_the_professional_attaches_their_place_to_a_member_structure(cpts, member, alice, msp):
    url = reverse("members_my_card", args=[cpts.slug])
    client = verified_client(member)
    assert "MSP des Tilleuls" in client.get(url).content.decode()

    response = client.post(url, card_data(alice, **{"lieux-0-structure": msp.pk}))

    assert response.status_code == 302
    assert alice.practice_places.get().structure == msp
    journaled = JournalEntry.objects.filter(object_type="members.PracticePlace", action="update").latest("pk")
    assert "structure" in journaled.fields


def test_a_structure_that_is_not_a_member_here_is_refused(cpts, other_cpts, member, alice, versailles):
    elsewhere, _ = member_structure(other_cpts, versailles, name="MSP d'ailleurs")
    response = verified_client(member).post(
        reverse("members_my_card", args=[cpts.slug]), card_data(alice, **{"lieux-0-structure": elsewhere.pk})
    )
    assert response.status_code == 200
    assert "Structure : choisissez une des valeurs proposées." in response.content.decode()
    assert alice.practice_places.get().structure is None


def test_the_coordinator_sets_the_structure_of_each_place(cpts, coordinator, alice, msp, versailles):
    second = PracticePlaceFactory(professional=alice, commune=versailles, is_main=False, structure=msp)
    first = alice.practice_places.exclude(pk=second.pk).get()
    membership = alice.memberships.get()
    url = reverse("members_membership", args=[cpts.slug, membership.pk])
    client = verified_client(coordinator)
    assert "Structures des lieux d'exercice" in client.get(url).content.decode()

    response = client.post(
        url,
        {"action": "structures", f"structures-place_{first.pk}": msp.pk, f"structures-place_{second.pk}": ""},
    )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.structure, second.structure) == (msp, None)


def test_the_structure_card_lists_its_practising_professionals_and_missions(cpts, member, alice, msp, versailles):
    PracticePlaceFactory(professional=alice, commune=versailles, structure=msp, is_main=False)
    gone = ProfessionalFactory(last_name="Ancienne")
    PracticePlaceFactory(professional=gone, commune=versailles, structure=msp)
    MembershipFactory(cpts=cpts, professional=gone, status=MembershipStatus.LEFT)

    response = structure_card(verified_client(member), cpts, msp)

    content = response.content.decode()
    assert response.status_code == 200
    assert "MSP des Tilleuls" in content and "2 rue Hoche" in content and msp.finess in content
    assert reverse("members_card", args=[cpts.slug, alice.pk]) in content
    assert "Ancienne" not in content
    assert "<dt>Missions</dt><dd>2 — Parcours pluriprofessionnels</dd>" in content
    entry = JournalEntry.objects.filter(object_type="members.Structure", action="read").latest("pk")
    assert entry.cpts_id == cpts.pk and "practice_places.professional" in entry.fields


def test_a_structure_without_active_adhesion_here_has_no_card(cpts, other_cpts, member, versailles):
    elsewhere, _ = member_structure(other_cpts, versailles)
    assert structure_card(verified_client(member), cpts, elsewhere).status_code == 404


# --- The directory: link and map ------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 12])
def test_structures_are_on_the_map_at_a_fixed_number_of_queries(
    cpts, member, versailles, count, django_assert_num_queries
):
    for index in range(count):
        member_structure(cpts, versailles, name=f"Structure {index:02d}")
    client = verified_client(member)
    url = reverse("members_directory", args=[cpts.slug])

    # Session, user, TOTP device, CPTS, role, menu; structures (with communes); count (no page of
    # professionals: no prefetch); territory; journal — whatever the number of structures.
    with django_assert_num_queries(11):
        content = client.get(url).content.decode()

    points = json.loads(re.search(r'<script id="directory-points" type="application/json">(.*?)</script>', content)[1])
    people = [person for point in points for person in point["people"]]
    assert len(people) == count and all(person["structure"] for person in people)
    assert people[0]["url"].endswith(f"/annuaire/structures/{people[0]['url'].split('/')[-2]}/")
    assert content.count('href="/cpts/') and len(re.findall(r'href="[^"]*/annuaire/structures/\d+/"', content)) == count


# --- The representative of a structure --------------------------------------------------------


def edit_url(cpts, structure):
    return reverse("members_structure_edit", args=[cpts.slug, structure.pk])


def test_the_representative_edits_the_structure_card(cpts, member, msp, versailles):
    msp.representative = member
    msp.save()
    client = verified_client(member)
    assert "Modifier la fiche de la structure" in structure_card(client, cpts, msp).content.decode()

    response = client.post(
        edit_url(cpts, msp),
        {
            "name": "MSP des Tilleuls et du Parc",
            "address": "4 rue Hoche",
            "commune_query": "Versailles",
            "commune": "78646",
            "phone": "0139000002",
            "email": "accueil@msp.example.org",
        },
    )

    assert response.status_code == 302
    msp.refresh_from_db()
    assert (msp.name, msp.address, msp.phone, msp.email) == (
        "MSP des Tilleuls et du Parc",
        "4 rue Hoche",
        "01 39 00 00 02",
        "accueil@msp.example.org",
    )
    journaled = JournalEntry.objects.filter(object_type="members.Structure", action="update").latest("pk")
    assert {"name", "address", "phone", "email"} <= set(journaled.fields)


def test_a_member_who_does_not_represent_the_structure_cannot_edit_it(cpts, member, msp):
    client = verified_client(member)
    assert "Modifier la fiche de la structure" not in structure_card(client, cpts, msp).content.decode()
    # The structure is in the directory they see: 403, not 404.
    assert client.get(edit_url(cpts, msp)).status_code == 403
    assert client.post(edit_url(cpts, msp), {"name": "Pris"}).status_code == 403
    msp.refresh_from_db()
    assert msp.name == "MSP des Tilleuls"


def test_the_coordinator_sets_the_representative(cpts, coordinator, member, msp):
    membership = msp.memberships.get()
    url = reverse("members_membership", args=[cpts.slug, membership.pk])
    response = verified_client(coordinator).post(
        url, {"action": "representative", "representative-representative": member.pk}
    )
    assert response.status_code == 302
    msp.refresh_from_db()
    assert msp.representative == member

    stranger = UserFactory()
    response = verified_client(coordinator).post(
        url, {"action": "representative", "representative-representative": stranger.pk}
    )
    assert response.status_code == 200
    msp.refresh_from_db()
    assert msp.representative == member


def test_inviting_a_structure_makes_the_new_account_its_representative(cpts, coordinator, msp, mailoutbox):
    msp.email = "contact@msp.example.org"
    msp.save()
    membership = msp.memberships.get()
    url = reverse("members_membership", args=[cpts.slug, membership.pk])

    response = verified_client(coordinator).post(url, {"action": "invite"})

    assert response.status_code == 302
    msp.refresh_from_db()
    assert msp.representative is not None and msp.representative.email == "contact@msp.example.org"
    assert msp.representative.cpts_roles.filter(cpts=cpts).exists()


def test_an_existing_account_with_a_role_is_linked_as_representative(cpts, coordinator, msp):
    person = UserFactory(email="contact@msp.example.org")
    CptsRoleFactory(cpts=cpts, user=person)
    msp.email = "contact@msp.example.org"
    msp.save()
    url = reverse("members_membership", args=[cpts.slug, msp.memberships.get().pk])
    verified_client(coordinator).post(url, {"action": "invite"})
    msp.refresh_from_db()
    assert msp.representative == person
