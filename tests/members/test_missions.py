"""The missions an adherent takes part in: their own card, the coordinator's page, the
directory filter, the import column and the rule « a mailing-list adherent has none »."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.members import imports
from maillon.members.factories import (
    MembershipFactory,
    MissionParticipationFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
)
from maillon.members.models import Involvement, Membership, MissionParticipation
from maillon.members.services import set_missions
from maillon.territories.models import Commune
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def missions(membership):
    return sorted(MissionParticipation.objects.filter(membership=membership).values_list("mission", flat=True))


# --- The service ---


def test_set_missions_replaces_the_missions_and_journals_each_row(cpts):
    membership = MembershipFactory(cpts=cpts, involvement=Involvement.MISSION)
    MissionParticipationFactory(membership=membership, mission=2)
    before = JournalEntry.objects.count()

    assert set_missions(membership, ["1", 3, 3]) is True

    assert missions(membership) == [1, 3]
    entries = JournalEntry.objects.order_by("pk")[before:]
    assert sorted((entry.object_type, entry.action) for entry in entries) == [
        ("members.MissionParticipation", "create"),
        ("members.MissionParticipation", "create"),
        ("members.MissionParticipation", "delete"),
    ]


@pytest.mark.parametrize("bad", [0, 7, "x", "1.5"])
def test_set_missions_refuses_numbers_outside_1_to_6(cpts, bad):
    membership = MembershipFactory(cpts=cpts, involvement=Involvement.MISSION)

    with pytest.raises(ValidationError, match=r"Missions : .* n'est pas une mission"):
        set_missions(membership, [1, bad])
    assert missions(membership) == []


def test_a_mailing_list_adherent_takes_part_in_no_mission(cpts):
    membership = MembershipFactory(cpts=cpts, involvement=Involvement.MAILING_LIST)

    with pytest.raises(ValidationError, match="liste de diffusion"):
        set_missions(membership, [1])
    assert set_missions(membership, []) is False


# --- The member's own card ---


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
        "lieux-0-commune_query": "",
        "lieux-0-commune": place.commune_id,
        "lieux-0-phone": "",
        "lieux-0-mssante_email": "",
        "lieux-0-is_main": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def own_card(cpts, member):
    professional = ProfessionalFactory(user=member, email="alice@example.org")
    PracticePlaceFactory(professional=professional, commune=Commune.objects.get(pk="78646"))
    return professional


def test_an_adherent_in_a_mission_chooses_their_missions_on_their_card(cpts, member, own_card):
    membership = MembershipFactory(cpts=cpts, professional=own_card, involvement=Involvement.PROJECT_LEAD)
    client = verified_client(member)
    url = reverse("members_my_card", args=[cpts.slug])

    assert 'name="missions"' in client.get(url).content.decode()
    response = client.post(url, card_data(own_card, missions=["2", "5"]))

    assert response.status_code == 302
    assert missions(membership) == [2, 5]


def test_a_mission_number_outside_1_to_6_is_refused_on_the_card(cpts, member, own_card):
    membership = MembershipFactory(cpts=cpts, professional=own_card, involvement=Involvement.MISSION)

    response = verified_client(member).post(
        reverse("members_my_card", args=[cpts.slug]), card_data(own_card, missions=["1", "9"])
    )

    assert response.status_code == 200
    assert "Missions de la CPTS auxquelles je participe : choisissez parmi les missions 1 à 6." in (
        response.content.decode()
    )
    assert missions(membership) == []


def test_a_mailing_list_adherent_sees_no_mission_choice_and_cannot_post_one(cpts, member, own_card):
    membership = MembershipFactory(cpts=cpts, professional=own_card, involvement=Involvement.MAILING_LIST)
    client = verified_client(member)
    url = reverse("members_my_card", args=[cpts.slug])

    page = client.get(url).content.decode()
    response = client.post(url, card_data(own_card, missions=["1"]))

    assert 'name="missions"' not in page
    assert "demandez-le à la coordination" in page
    assert response.status_code == 302
    assert missions(membership) == []


# --- The coordinator's page ---


def test_the_coordinator_sees_and_edits_the_missions_of_an_adhesion(cpts, coordinator):
    membership = MembershipFactory(cpts=cpts, involvement=Involvement.MISSION)
    MissionParticipationFactory(membership=membership, mission=4)
    client = verified_client(coordinator)
    url = reverse("members_membership", args=[cpts.slug, membership.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {"action": "placement", "placement-involvement": "mission", "placement-missions": ["1", "6"]},
    )

    assert 'name="placement-missions" value="4"' in page and "checked" in page
    assert response.status_code == 302
    assert missions(membership) == [1, 6]


def test_the_coordinator_cannot_give_missions_to_a_mailing_list_adherent(cpts, coordinator):
    membership = MembershipFactory(cpts=cpts, involvement=Involvement.MISSION)
    MissionParticipationFactory(membership=membership, mission=4)

    response = verified_client(coordinator).post(
        reverse("members_membership", args=[cpts.slug, membership.pk]),
        {"action": "placement", "placement-involvement": "mailing_list", "placement-missions": ["4"]},
    )

    assert response.status_code == 200
    assert "Missions : un adhérent de la liste de diffusion ne participe à aucune mission" in (
        response.content.decode()
    )
    membership.refresh_from_db()
    assert membership.involvement == Involvement.MISSION and missions(membership) == [4]


# --- The directory ---


def test_the_directory_filters_by_mission(cpts, member):
    inside = MembershipFactory(
        cpts=cpts, involvement=Involvement.MISSION, professional=ProfessionalFactory(last_name="Dedans")
    )
    MissionParticipationFactory(membership=inside, mission=3)
    other = MembershipFactory(
        cpts=cpts, involvement=Involvement.MISSION, professional=ProfessionalFactory(last_name="Ailleurs")
    )
    MissionParticipationFactory(membership=other, mission=1)

    page = verified_client(member).get(reverse("members_directory", args=[cpts.slug]), {"mission": "3"})

    content = page.content.decode()
    assert "Dedans" in content and "Ailleurs" not in content


def test_a_mission_in_another_cpts_does_not_count_in_the_directory(cpts, other_cpts, member):
    professional = ProfessionalFactory(last_name="Double")
    MembershipFactory(cpts=cpts, professional=professional, involvement=Involvement.MISSION)
    elsewhere = MembershipFactory(cpts=other_cpts, professional=professional, involvement=Involvement.MISSION)
    MissionParticipationFactory(membership=elsewhere, mission=3)

    page = verified_client(member).get(reverse("members_directory", args=[cpts.slug]), {"mission": "3"})

    assert "Double" not in page.content.decode()


# --- The import ---

HEADERS = "Nom;Prénom;Profession;RPPS;Implication;Missions"


def analyse(cpts, *lines):
    return imports.analyse(cpts, ("\r\n".join([HEADERS, *lines]) + "\r\n").encode())


def test_the_import_reads_the_missions_column_with_commas_or_semicolons(cpts, coordinator):
    content = (
        HEADERS + '\r\nMartin;Claire;Infirmière;10100901734;;"1;3"\r\nDurand;Éric;Kiné;10002909371;Pilote;2, 5\r\n'
    ).encode()

    imports.commit(cpts, content, by=coordinator)

    claire = Membership.objects.get(professional__rpps="10100901734")
    eric = Membership.objects.get(professional__rpps="10002909371")
    assert (claire.involvement, missions(claire)) == (Involvement.MISSION, [1, 3])
    assert (eric.involvement, missions(eric)) == (Involvement.PROJECT_LEAD, [2, 5])


@pytest.mark.parametrize("value", ["7", "1, deux", "0"])
def test_a_bad_mission_is_a_row_error_naming_the_column(cpts, value):
    preview = analyse(cpts, f"Martin;Claire;Infirmière;10100901734;Participe;{value}")

    assert not preview.is_valid
    (message,) = preview.rows[0].error_messages
    assert message.startswith("Missions : ") and "numéros de 1 à 6" in message


def test_missions_on_a_mailing_list_row_are_a_row_error(cpts):
    preview = analyse(cpts, "Martin;Claire;Infirmière;10100901734;Liste de diffusion;1")

    assert preview.rows[0].error_messages == [
        "Missions : un adhérent de la liste de diffusion ne participe à aucune mission : "
        "videz la case ou choisissez « Participe à une mission » ou « Pilote un projet »."
    ]
