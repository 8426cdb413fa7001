"""Filing a lettre d'intention: its région, its draft territory, its promoters — and a refusal
writes nothing."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import CptsFactory
from maillon.creation.models import LetterCommune, LetterEvent, LetterOfIntent, LetterStatus, Promoter
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from tests.creation.helpers import FINESS, SIRET, file_letter, other_region_departement, professional, structure

pytestmark = pytest.mark.django_db


def refusal(field, **arguments) -> list[str]:
    """The messages of the refusal of `file_letter(**arguments)` on `field`; nothing was written."""
    with pytest.raises(ValidationError) as caught:
        file_letter(**arguments)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert not LetterOfIntent.objects.exists()
    assert not LetterCommune.objects.exists()
    assert not Promoter.objects.exists()
    return caught.value.message_dict[field]


def test_a_filed_letter_waits_for_the_ars_with_its_territory_promoters_and_population():
    communes = [CommuneFactory(population=12_000), CommuneFactory(population=8_000)]
    letter = file_letter(communes, promoters=[professional(), structure(email="MSP@Exemple.fr")])
    assert letter.status == LetterStatus.SUBMITTED
    assert letter.population == 20_000
    assert sorted(letter.communes.values_list("commune_id", flat=True)) == sorted(c.code for c in communes)
    assert list(letter.promoters.values_list("kind", "position", "email")) == [
        ("professional", 1, "claire.martin@exemple.fr"),
        ("structure", 2, "msp@exemple.fr"),
    ]
    assert LetterEvent.objects.filter(letter=letter, to_status=LetterStatus.SUBMITTED).count() == 1
    assert LetterOfIntent.objects.waiting().get() == letter


def test_the_region_of_a_letter_is_the_one_holding_most_of_its_population():
    gironde = other_region_departement()
    small = CommuneFactory(population=5_000)  # Île-de-France
    large = CommuneFactory(population=40_000, departement=gironde)
    assert file_letter([small, large]).region_id == "75"


def test_a_territory_within_one_region_gives_that_region():
    assert file_letter([CommuneFactory(), CommuneFactory()]).region_id == "11"


def test_a_commune_of_a_cpts_territory_is_refused_naming_that_cpts():
    taken = CommuneFactory(name="Chevreuse")
    TerritoryCommuneFactory(commune=taken, cpts=CptsFactory(name="CPTS de la Haute Vallée"))
    messages = refusal("communes", communes=[CommuneFactory(), taken])
    assert any("Chevreuse" in message and "CPTS de la Haute Vallée" in message for message in messages)


def test_an_unknown_commune_is_refused_naming_its_code():
    messages = refusal("communes", communes=[CommuneFactory(), "99999"])
    assert "99999" in messages[0]


def test_a_letter_needs_at_least_one_commune():
    refusal("communes", communes=[])


def test_the_number_of_communes_is_bounded_by_the_setting(settings):
    settings.MAILLON_LETTER_MAX_COMMUNES = 2
    messages = refusal("communes", communes=CommuneFactory.create_batch(3))
    assert "2 communes au plus" in messages[0]


def test_the_number_of_promoters_is_bounded_by_the_setting(settings):
    settings.MAILLON_LETTER_MAX_PROMOTERS = 1
    refusal("promoters", communes=[CommuneFactory()], promoters=[professional(), structure()])


def test_a_letter_needs_a_promoter():
    refusal("promoters", communes=[CommuneFactory()], promoters=[])


def test_a_professional_whose_rpps_key_is_wrong_is_refused():
    messages = refusal("promoters", communes=[CommuneFactory()], promoters=[professional(rpps="10100901735")])
    assert messages[0].startswith("Porteur n° 1 — RPPS : ")


def test_a_professional_needs_a_profession():
    messages = refusal("promoters", communes=[CommuneFactory()], promoters=[structure(), professional(profession="")])
    assert messages[0].startswith("Porteur n° 2")
    assert "profession" in messages[0]


def test_a_professional_needs_an_rpps():
    messages = refusal("promoters", communes=[CommuneFactory()], promoters=[professional(rpps="")])
    assert "s'identifie par son RPPS" in messages[0]


def test_a_structure_is_identified_by_its_finess_or_its_siret():
    assert file_letter([CommuneFactory()], promoters=[structure(finess=FINESS)]).promoters.get().finess == FINESS
    LetterOfIntent.objects.all().delete()
    letter = file_letter([CommuneFactory()], promoters=[structure(finess="", siret="732 829 320 00074")])
    assert letter.promoters.get().identifier == f"SIRET {SIRET}"


def test_a_structure_without_finess_nor_siret_is_refused():
    messages = refusal("promoters", communes=[CommuneFactory()], promoters=[structure(finess="")])
    assert "FINESS ou son SIRET" in messages[0]


def test_a_wrong_finess_or_siret_is_refused():
    refusal("promoters", communes=[CommuneFactory()], promoters=[structure(finess="750712185")])
    refusal("promoters", communes=[CommuneFactory()], promoters=[structure(finess="", siret="73282932000075")])


def test_the_name_of_an_existing_cpts_is_refused_whatever_its_case():
    CptsFactory(name="CPTS du Val Test")
    messages = refusal("project_name", communes=[CommuneFactory()], project_name="cpts du val test")
    assert "une CPTS porte déjà ce nom" in messages[0]


def test_a_name_whose_address_is_taken_is_refused():
    CptsFactory(name="CPTS Ancienne", slug="cpts-du-val-test")
    refusal("project_name", communes=[CommuneFactory()])


def test_the_professions_come_from_the_list_and_one_at_least():
    refusal("professions", communes=[CommuneFactory()], professions=[])
    refusal("professions", communes=[CommuneFactory()], professions=["10", "plombier"])


def test_an_unknown_legal_form_is_refused():
    refusal("legal_form", communes=[CommuneFactory()], legal_form="sarl")


def test_a_wrong_contact_address_is_refused_and_nothing_is_written():
    refusal("contact_email", communes=[CommuneFactory()], contact_email="pas-une-adresse")
