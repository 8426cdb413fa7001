"""A member edits their own directory card: contact, practice, places — never identity nor numbers."""

import pytest
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.members.models import PracticePlace
from maillon.territories.factories import CommuneFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

RPPS = "10100901734"


def card_url(cpts):
    return reverse("members_my_card", args=[cpts.slug])


@pytest.fixture
def versailles(cpts):
    return CommuneFactory(code="78646")


@pytest.fixture
def professional(cpts, member, versailles):
    professional = ProfessionalFactory(
        user=member, first_name="Alice", last_name="Martin", rpps=RPPS, email="alice@example.org", nurse=True
    )
    PracticePlaceFactory(professional=professional, address="1 rue de la Paix", commune=versailles)
    MembershipFactory(cpts=cpts, professional=professional)
    return professional


def form_data(professional, **overrides):
    place = professional.practice_places.get()
    data = {
        "email": "alice.pro@example.org",
        "phone": "0612345678",
        "skills": "plaies, soins palliatifs",
        "languages": ["en", "es"],
        "accepts_new_patients": "on",
        "takes_part_in_snp": "on",
        "lieux-TOTAL_FORMS": "2",
        "lieux-INITIAL_FORMS": "1",
        "lieux-MIN_NUM_FORMS": "0",
        "lieux-MAX_NUM_FORMS": "10",
        "lieux-0-place_id": place.pk,
        "lieux-0-address": "2 avenue de Paris",
        "lieux-0-commune_query": "Versailles",
        "lieux-0-commune": "78646",
        "lieux-0-phone": "",
        "lieux-0-mssante_email": "alice@infirmier.mssante.fr",
        "lieux-0-is_main": "on",
        "lieux-1-place_id": "",
        "lieux-1-address": "",
        "lieux-1-commune_query": "",
        "lieux-1-commune": "",
        "lieux-1-phone": "",
        "lieux-1-mssante_email": "",
    }
    data.update(overrides)
    return data


def test_the_member_edits_contact_practice_and_places(cpts, member, professional):
    response = verified_client(member).post(card_url(cpts), form_data(professional))

    assert response.status_code == 302
    professional.refresh_from_db()
    assert (professional.email, professional.phone, professional.skills) == (
        "alice.pro@example.org",
        "06 12 34 56 78",
        "plaies, soins palliatifs",
    )
    assert professional.accepts_new_patients and professional.takes_part_in_snp
    assert set(professional.languages.values_list("code", flat=True)) == {"en", "es"}
    place = professional.practice_places.get()
    assert (place.address, place.mssante_email, place.is_main) == (
        "2 avenue de Paris",
        "alice@infirmier.mssante.fr",
        True,
    )


def test_identity_profession_and_numbers_cannot_be_changed(cpts, member, professional):
    data = form_data(
        professional, first_name="Autre", last_name="Nom", profession="10", specialty="SM54", rpps="10002909371"
    )

    verified_client(member).post(card_url(cpts), data)

    professional.refresh_from_db()
    assert (professional.first_name, professional.last_name, professional.profession, professional.rpps) == (
        "Alice",
        "Martin",
        "60",
        RPPS,
    )


def test_the_page_says_where_identity_comes_from(cpts, member, professional):
    page = verified_client(member).get(card_url(cpts)).content.decode()

    assert "viennent des registres nationaux" in page and RPPS in page
    assert 'name="first_name"' not in page and 'name="rpps"' not in page


def test_a_place_is_added_and_another_removed(cpts, member, professional):
    CommuneFactory(code="78100", name="Saint-Cyr-l'École")
    data = form_data(
        professional,
        **{
            "lieux-0-DELETE": "on",
            "lieux-1-address": "5 place de la Gare",
            "lieux-1-commune_query": "Saint-Cyr",
            "lieux-1-phone": "01 30 00 00 00",
        },
    )

    response = verified_client(member).post(card_url(cpts), data)

    assert response.status_code == 302
    place = PracticePlace.objects.get(professional=professional)
    assert (place.address, place.commune_id, place.is_main, place.phone) == (
        "5 place de la Gare",
        "78100",
        True,
        "01 30 00 00 00",
    )


def test_htmx_answers_the_communes_of_one_place_with_its_prefix(cpts, member, professional):
    response = verified_client(member).get(card_url(cpts), {"lieux-1-commune_query": "versa"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'name="lieux-1-commune"' in html and 'value="78646"' in html and "<html" not in html


def test_the_last_place_cannot_be_removed(cpts, member, professional):
    response = verified_client(member).post(card_url(cpts), form_data(professional, **{"lieux-0-DELETE": "on"}))

    assert "Lieux d&#x27;exercice : gardez au moins un lieu d&#x27;exercice." in response.content.decode()
    assert professional.practice_places.exists()


def test_a_place_of_someone_else_cannot_be_edited(cpts, member, professional):
    foreign = PracticePlaceFactory(address="Ailleurs")

    response = verified_client(member).post(card_url(cpts), form_data(professional, **{"lieux-0-place_id": foreign.pk}))

    assert "ce lieu n&#x27;est pas sur votre fiche" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.address == "Ailleurs" and foreign.professional != professional


def test_wrong_values_are_refused_naming_the_field(cpts, member, professional):
    response = verified_client(member).post(
        card_url(cpts), form_data(professional, phone="123", **{"lieux-0-mssante_email": "pas-une-adresse"})
    )

    html = response.content.decode()
    assert "Téléphone : saisissez un numéro valide" in html
    assert "Messagerie sécurisée de santé (MSSanté) : saisissez une adresse électronique valide" in html
    professional.refresh_from_db()
    assert professional.phone == ""


def test_nothing_is_written_when_a_place_is_wrong(cpts, member, professional):
    verified_client(member).post(card_url(cpts), form_data(professional, **{"lieux-0-commune_query": "Atlantide"}))

    professional.refresh_from_db()
    assert professional.email == "alice@example.org"


def test_editing_is_journaled_by_the_models_without_values(cpts, member, professional):
    verified_client(member).post(card_url(cpts), form_data(professional))

    entries = JournalEntry.objects.filter(object_type="members.Professional", object_id=str(professional.pk))
    fields = {field for entry in entries.filter(action="update") for field in entry.fields}
    assert {"email", "phone", "skills", "languages"} <= fields
    assert all(entry.actor_id == member.pk for entry in entries.filter(action="update"))
    assert not any("alice" in entry.note.lower() for entry in JournalEntry.objects.all())


def test_a_user_without_a_card_gets_no_form(cpts, coordinator):
    response = verified_client(coordinator).get(card_url(cpts))

    assert "n'est relié à aucune fiche" in response.content.decode()
    assert 'name="email"' not in response.content.decode()


def test_a_former_member_cannot_edit_their_card(cpts, member, professional):
    membership = professional.memberships.get()
    membership.leave(by=None)

    response = verified_client(member).post(card_url(cpts), form_data(professional))

    assert response.status_code == 200 and "n'est relié à aucune fiche" in response.content.decode()
    professional.refresh_from_db()
    assert professional.email == "alice@example.org"


def test_a_card_active_elsewhere_only_is_not_editable_here(cpts, other_cpts, professional):
    user = UserFactory(with_totp=True)
    CptsRoleFactory(user=user, cpts=cpts)
    card = ProfessionalFactory(user=user)
    MembershipFactory(cpts=other_cpts, professional=card)

    response = verified_client(user).get(card_url(cpts))

    assert "n'est relié à aucune fiche" in response.content.decode()


def test_someone_without_a_role_here_gets_404(cpts, other_cpts, professional):
    user = UserFactory(with_totp=True)
    CptsRoleFactory(user=user, cpts=other_cpts)

    assert verified_client(user).get(card_url(cpts)).status_code == 404


def test_the_dashboard_links_to_my_card_for_a_member_with_a_card(cpts, member, professional):
    page = verified_client(member).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()

    assert card_url(cpts) in page and reverse("members_directory", args=[cpts.slug]) in page
    assert f'href="{reverse("members_list", args=[cpts.slug])}"' not in page
