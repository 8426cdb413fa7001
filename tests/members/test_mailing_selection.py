"""Who receives a message: the selection by each criterion, and who never does."""

import pytest
from django.utils import timezone

from maillon.members.factories import CollegeFactory, MembershipFactory, ProfessionalFactory, StructureFactory
from maillon.members.mailing import normalize_criteria, select_recipients
from maillon.members.models import Involvement, MembershipStatus
from maillon.members.professions import Profession

pytestmark = pytest.mark.django_db


def selected(cpts, **criteria):
    return set(select_recipients(cpts, criteria))


def test_without_criteria_every_active_member_with_an_address_is_selected(cpts):
    doctor = MembershipFactory(cpts=cpts)
    structure = MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory(email="msp@example.org"))

    rows = {row: row.recipient_email for row in select_recipients(cpts, {})}

    assert rows == {doctor: doctor.professional.email, structure: "msp@example.org"}


def test_selection_by_college(cpts):
    doctors, nurses = CollegeFactory(cpts=cpts, name="Médecins"), CollegeFactory(cpts=cpts, name="Paramédicaux")
    in_doctors = MembershipFactory(cpts=cpts, college=doctors)
    MembershipFactory(cpts=cpts, college=nurses)
    MembershipFactory(cpts=cpts)

    assert selected(cpts, colleges=[doctors.pk]) == {in_doctors}


def test_selection_by_profession_leaves_out_structures(cpts):
    nurse = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(nurse=True))
    MembershipFactory(cpts=cpts)
    MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory(email="msp@example.org"))

    assert selected(cpts, professions=[Profession.INFIRMIER]) == {nurse}


def test_selection_by_involvement_level(cpts):
    lead = MembershipFactory(cpts=cpts, involvement=Involvement.PROJECT_LEAD)
    mission = MembershipFactory(cpts=cpts, involvement=Involvement.MISSION)
    MembershipFactory(cpts=cpts, involvement=Involvement.MAILING_LIST)

    assert selected(cpts, involvements=[Involvement.PROJECT_LEAD, Involvement.MISSION]) == {lead, mission}


def test_criteria_combine_with_and(cpts):
    college = CollegeFactory(cpts=cpts)
    both = MembershipFactory(cpts=cpts, college=college, involvement=Involvement.MISSION)
    MembershipFactory(cpts=cpts, college=college)
    MembershipFactory(cpts=cpts, involvement=Involvement.MISSION)

    assert selected(cpts, colleges=[college.pk], involvements=[Involvement.MISSION]) == {both}


def test_unsubscribed_inactive_addressless_and_other_cpts_members_are_left_out(cpts, other_cpts):
    kept = MembershipFactory(cpts=cpts)
    MembershipFactory(cpts=cpts, unsubscribed_at=timezone.now())
    MembershipFactory(cpts=cpts, requested=True)
    MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT)
    MembershipFactory(cpts=cpts, status=MembershipStatus.REFUSED, joined_on=None)
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(email=""))
    MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory(email=""))
    MembershipFactory(cpts=other_cpts)

    assert selected(cpts) == {kept}


def test_a_college_of_another_cpts_selects_nobody(cpts, other_cpts):
    MembershipFactory(cpts=cpts, college=CollegeFactory(cpts=cpts))
    foreign = CollegeFactory(cpts=other_cpts)
    MembershipFactory(cpts=other_cpts, college=foreign)

    assert selected(cpts, colleges=[foreign.pk]) == set()


def test_unknown_criteria_values_are_dropped_and_statuses_default_to_active():
    criteria = normalize_criteria(
        {
            "colleges": ["3", "x"],
            "professions": ["10", "nope"],
            "missions": ["3", 1, "7", "0", "x", 3],
            "involvements": ["boss"],
            "statuses": ["left"],
        }
    )

    assert criteria == {
        "colleges": [3],
        "professions": ["10"],
        "missions": [1, 3],
        "involvements": [],
        "statuses": ["active"],
    }
