"""The directory's skill filter ignores accents and case, on SQLite as on PostgreSQL:
it reads a normalised copy of the skills, stored on save (and filled for older cards)."""

import importlib

import pytest
from django.apps import apps

from maillon.members import imports
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.models import Professional
from maillon.members.selectors import DirectoryFilters, directory_professionals

pytestmark = pytest.mark.django_db


def found(cpts, skill):
    return sorted(row.last_name for row in directory_professionals(cpts, DirectoryFilters(skill=skill)))


@pytest.fixture
def cardiologist(cpts):
    professional = ProfessionalFactory(last_name="Cœur", skills="Cardiologie, Échographie cardiaque")
    MembershipFactory(cpts=cpts, professional=professional)
    return professional


@pytest.mark.parametrize("skill", ["cardiologie", "CARDIOLOGIE", "echographie", "ÉCHOGRAPHIE", "  Écho  "])
def test_the_skill_filter_ignores_accents_and_case(cpts, cardiologist, skill):
    assert found(cpts, skill) == ["Cœur"]


def test_the_skill_filter_does_not_search_names(cpts, cardiologist):
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Echo", skills="Pédiatrie"))

    assert found(cpts, "echo") == ["Cœur"]
    assert found(cpts, "pediatrie") == ["Echo"]


def test_an_edited_card_is_found_by_its_new_skills(cpts, cardiologist):
    cardiologist.skills = "Plaies chroniques"
    cardiologist.save(update_fields=["skills"])

    assert found(cpts, "cardiologie") == []
    assert found(cpts, "plaies") == ["Cœur"]


def test_imported_cards_are_found_by_their_skills(cpts, coordinator):
    content = "Nom;Prénom;Profession;RPPS;Compétences\r\nDurand;Éric;Kiné;10002909371;Rééducation périnéale\r\n"
    imports.commit(cpts, content.encode(), by=coordinator)

    assert found(cpts, "reeducation PERINEALE") == ["Durand"]


def test_the_data_migration_fills_the_normalised_skills_of_existing_cards(cpts, cardiologist):
    Professional.objects.filter(pk=cardiologist.pk).update(skills_search="")
    assert found(cpts, "cardiologie") == []

    migration = importlib.import_module("maillon.members.migrations.0008_professional_skills_search")
    migration.fill_skills_search(apps, None)

    assert found(cpts, "cardiologie") == ["Cœur"]
