import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillon.core.factories import CptsFactory, UserFactory
from maillon.members import services
from maillon.members.factories import (
    CollegeFactory,
    MembershipFactory,
    ProfessionalFactory,
    StructureFactory,
)
from maillon.members.models import Membership, MembershipStatus, Professional, Structure
from maillon.members.professions import NationalCategory, Profession, Specialty

pytestmark = pytest.mark.django_db


def test_a_professional_exists_once_by_rpps():
    ProfessionalFactory(rpps="10100901734")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProfessionalFactory(rpps="101 009 017 34")


def test_a_professional_needs_an_rpps_or_adeli_and_valid_keys():
    professional = Professional(first_name="Alice", last_name="Martin", profession=Profession.INFIRMIER)
    with pytest.raises(ValidationError) as error:
        professional.full_clean()
    assert "RPPS" in str(error.value.message_dict["rpps"])
    professional.rpps = "10100901735"
    with pytest.raises(ValidationError) as error:
        professional.full_clean()
    assert "clé de contrôle" in error.value.message_dict["rpps"][0]


def test_a_specialty_must_match_the_profession():
    professional = ProfessionalFactory.build(profession=Profession.MASSEUR_KINESITHERAPEUTE, specialty=Specialty.IPA)
    with pytest.raises(ValidationError) as error:
        professional.full_clean(exclude=["rpps"])
    assert "specialty" in error.value.message_dict


def test_a_structure_exists_once_by_finess_and_checks_its_keys():
    StructureFactory(finess="750712184")
    with pytest.raises(IntegrityError), transaction.atomic():
        StructureFactory(finess="750712184")
    structure = StructureFactory.build(finess="750712185", commune=StructureFactory().commune)
    with pytest.raises(ValidationError) as error:
        structure.full_clean()
    assert "FINESS" in error.value.message_dict["finess"][0]


def test_national_categories_split_doctors_and_nurses_by_specialty():
    assert (
        ProfessionalFactory.build(specialty=Specialty.GENERAL_PRACTICE).national_category
        == NationalCategory.GENERALISTES
    )
    assert (
        ProfessionalFactory.build(specialty=Specialty.OTHER_MEDICAL).national_category == NationalCategory.SPECIALISTES
    )
    assert ProfessionalFactory.build(nurse=True, specialty=Specialty.IPA).national_category == NationalCategory.IPA
    assert (
        ProfessionalFactory.build(profession=Profession.PSYCHOLOGUE).national_category == NationalCategory.PSYCHOLOGUES
    )


def test_a_professional_may_belong_to_several_cpts_but_has_one_open_adhesion_per_cpts():
    professional = ProfessionalFactory()
    first, second = CptsFactory(), CptsFactory()
    services.request_membership(first, professional=professional)
    services.request_membership(second, professional=professional)
    with pytest.raises(ValidationError, match="déjà une adhésion"):
        services.request_membership(first, professional=professional)


def test_adhesion_workflow_keeps_its_history():
    coordinator = UserFactory()
    cpts = CptsFactory()
    college = CollegeFactory(cpts=cpts)
    membership = services.request_membership(cpts, professional=ProfessionalFactory(), college=college)
    membership.accept(by=coordinator, on=datetime.date(2025, 1, 10))
    membership.leave(by=coordinator, on=datetime.date(2026, 3, 1), reason="Déménagement")
    assert membership.status == MembershipStatus.LEFT
    assert [(e.from_status, e.to_status) for e in membership.events.all()] == [
        ("requested", "active"),
        ("active", "left"),
    ]
    # Leaving frees the way for a new adhesion later; the old one stays.
    services.request_membership(cpts, professional=membership.professional)
    assert Membership.objects.filter(professional=membership.professional).count() == 2


def test_invalid_transitions_are_refused_in_french():
    membership = MembershipFactory(requested=True)
    with pytest.raises(ValidationError, match="pas possible"):
        membership.leave(by=None)
    membership.refuse(by=None, reason="Hors territoire")
    with pytest.raises(ValidationError, match="pas possible"):
        membership.accept(by=None)


def test_a_college_of_another_cpts_is_refused():
    with pytest.raises(ValidationError, match="collège"):
        services.request_membership(CptsFactory(), professional=ProfessionalFactory(), college=CollegeFactory())


def test_a_structure_can_join_too():
    cpts = CptsFactory()
    membership = services.enrol(cpts, by=UserFactory(), structure=StructureFactory())
    assert membership.status == MembershipStatus.ACTIVE
    assert isinstance(membership.member, Structure)


def test_control_characters_never_reach_a_card():
    professional = ProfessionalFactory(last_name="Dur\x01and", skills="plaies\x0bdiabète")
    professional.refresh_from_db()
    assert (professional.last_name, professional.skills) == ("Durand", "plaiesdiabète")
