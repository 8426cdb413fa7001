"""The public adhesion request: a professional or a structure asks to join a CPTS."""

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.models import CptsStatus, JournalEntry
from maillon.members.factories import CollegeFactory, MembershipFactory, ProfessionalFactory, StructureFactory
from maillon.members.models import Membership, MembershipStatus, Professional, Structure
from maillon.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

RPPS = "10100901734"  # DOMAIN.md §7
FINESS = "750712184"
SIRET = "73282932000074"


def join_url(cpts, **query):
    url = reverse("members_join", args=[cpts.slug])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def professional_data(**overrides):
    data = {
        "qui": "professionnel",
        "first_name": "Alice",
        "last_name": "Martin",
        "profession": "60",
        "specialty": "",
        "rpps": RPPS,
        "adeli": "",
        "email": "alice.martin@example.org",
        "phone": "01 23 45 67 89",
        "address": "1 rue de la Paix",
        "commune_query": "Versailles",
        "commune": "",
        "place_phone": "",
        "mssante_email": "alice.martin@infirmier.mssante.fr",
        "skills": "plaies, diabète, Plaies",
        "languages": ["en"],
        "accepts_new_patients": "on",
        "involvement": "mission",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def structure_data(**overrides):
    data = {
        "qui": "structure",
        "name": "MSP des Chantiers",
        "structure_kind": "msp",
        "finess": FINESS,
        "siret": "",
        "address": "3 rue des Chantiers",
        "commune_query": "Versailles",
        "commune": "",
        "email": "contact@msp-chantiers.example.org",
        "phone": "",
        "involvement": "mailing_list",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def errors_of(response) -> str:
    return response.content.decode()


def test_a_new_professional_asks_to_join_without_logging_in(client, cpts):
    college = CollegeFactory(cpts=cpts, name="Paramédicaux")

    response = client.post(join_url(cpts), professional_data(college=college.pk))

    assert response.status_code == 302
    assert response["Location"] == join_url(cpts, envoye=1)
    professional = Professional.objects.get(rpps=RPPS)
    assert (professional.first_name, professional.email, professional.skills) == (
        "Alice",
        "alice.martin@example.org",
        "plaies, diabète",
    )
    assert professional.accepts_new_patients and not professional.takes_part_in_snp
    assert list(professional.languages.values_list("code", flat=True)) == ["en"]
    place = professional.practice_places.get()
    assert (place.commune_id, place.is_main, place.mssante_email) == (
        "78646",
        True,
        "alice.martin@infirmier.mssante.fr",
    )
    membership = Membership.objects.get(professional=professional)
    assert (membership.cpts, membership.status, membership.college, membership.involvement) == (
        cpts,
        MembershipStatus.REQUESTED,
        college,
        "mission",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Demande d'adhésion envoyée" in page and "Alice" not in page


def test_an_existing_rpps_only_creates_the_request_and_leaves_the_card_untouched(client, cpts, other_cpts):
    card = ProfessionalFactory(rpps=RPPS, first_name="Bernard", email="vrai@example.org", skills="gériatrie")
    MembershipFactory(cpts=other_cpts, professional=card)

    response = client.post(
        join_url(cpts), professional_data(first_name="Usurpateur", email="faux@example.org", rpps="101 0090 1734")
    )

    assert response.status_code == 302
    card.refresh_from_db()
    assert (card.first_name, card.email, card.skills) == ("Bernard", "vrai@example.org", "gériatrie")
    assert not card.practice_places.exists() and not card.languages.exists()
    assert Professional.objects.count() == 1
    request = Membership.objects.get(cpts=cpts)
    assert request.professional == card and request.card_existed


def test_a_second_open_request_writes_nothing_and_looks_like_any_request(client, cpts):
    first = client.post(join_url(cpts), professional_data())

    response = client.post(join_url(cpts), professional_data())

    # The same answer as a new request: trying RPPS numbers reveals no membership.
    assert response.status_code == 302 and response["Location"] == first["Location"]
    assert Membership.objects.filter(cpts=cpts).count() == 1


def test_an_active_member_asking_again_writes_nothing(client, cpts):
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(rpps=RPPS))

    response = client.post(join_url(cpts), professional_data())

    assert response.status_code == 302
    assert Membership.objects.filter(cpts=cpts).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rpps", "10100901735", "Le numéro RPPS doit compter 11 chiffres et sa clé de contrôle doit être juste."),
        ("rpps", "1234", "Le numéro RPPS doit compter 11 chiffres"),
        ("email", "pas-une-adresse", "Adresse électronique : saisissez une adresse électronique valide"),
        ("phone", "12345", "Téléphone : saisissez un numéro valide"),
        ("first_name", "", "Prénom : ce champ est obligatoire."),
        ("profession", "99", "Profession : choisissez une des valeurs proposées."),
    ],
)
def test_wrong_fields_are_refused_with_a_french_message_naming_the_field(client, cpts, field, value, message):
    response = client.post(join_url(cpts), professional_data(**{field: value}))

    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Membership.objects.exists() and not Professional.objects.exists()


def test_an_adeli_number_is_checked_and_accepted_without_rpps(client, cpts):
    wrong = client.post(join_url(cpts), professional_data(rpps="", adeli="78ABC"))
    assert "Le numéro ADELI doit compter 9 caractères" in errors_of(wrong)

    client.post(join_url(cpts), professional_data(rpps="", adeli="786012345", profession="91"))
    assert Professional.objects.get().adeli == "786012345"


def test_an_rpps_or_adeli_is_required(client, cpts):
    response = client.post(join_url(cpts), professional_data(rpps="", adeli=""))

    assert "Numéro RPPS : indiquez votre numéro RPPS ou, à défaut, votre numéro ADELI." in errors_of(response)


def test_a_doctor_says_general_practice_or_another_specialty(client, cpts):
    missing = client.post(join_url(cpts), professional_data(profession="10", specialty=""))
    assert "Spécialité : précisez médecine générale" in errors_of(missing)

    wrong = client.post(join_url(cpts), professional_data(profession="70", specialty="ipa"))
    assert "ne va pas avec la profession choisie" in errors_of(wrong)


def test_consent_is_required(client, cpts):
    response = client.post(join_url(cpts), professional_data(consent=None))

    assert "Consentement : cochez la case" in errors_of(response)
    assert not Membership.objects.exists()


def test_the_consent_names_the_cpts_and_links_to_the_privacy_page(client, cpts):
    html = client.get(join_url(cpts)).content.decode()

    consent = html[html.index('id="id_consent"') : html.index("</label>", html.index('id="id_consent"'))]
    assert "la CPTS Plaine de Versailles traite les données" in consent
    assert f'href="{reverse("privacy")}"' in consent


def test_a_robot_filling_the_hidden_field_gets_the_same_answer_and_nothing_is_written(client, cpts):
    response = client.post(join_url(cpts), professional_data(website="http://spam.example"))

    assert response.status_code == 302
    assert response["Location"] == join_url(cpts, envoye=1)
    assert not Professional.objects.exists() and not Membership.objects.exists()


def test_an_ambiguous_commune_is_picked_from_the_matches(client, cpts):
    CommuneFactory(code="78100", name="Saint-Cyr-l'École")
    CommuneFactory(code="78101", name="Saint-Cyr-en-Arthies")

    ambiguous = client.post(join_url(cpts), professional_data(commune_query="saint cyr"))
    assert "Commune : plusieurs communes correspondent" in errors_of(ambiguous)
    assert 'value="78101"' in errors_of(ambiguous)

    client.post(join_url(cpts), professional_data(commune_query="saint cyr", commune="78101"))
    assert Professional.objects.get().practice_places.get().commune_id == "78101"


def test_an_unknown_commune_is_refused(client, cpts):
    response = client.post(join_url(cpts), professional_data(commune_query="Atlantide"))

    assert "Commune : aucune commune ne correspond à « Atlantide »." in errors_of(response)


def test_htmx_gets_the_matching_communes_while_typing(client, cpts):
    response = client.get(join_url(cpts), {"commune_query": "versa"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'name="commune"' in html and 'value="78646"' in html and "<html" not in html


def test_a_structure_asks_to_join(client, cpts):
    response = client.post(join_url(cpts), structure_data(siret=SIRET))

    assert response.status_code == 302
    structure = Structure.objects.get()
    assert (structure.finess, structure.siret, structure.commune_id) == (FINESS, SIRET, "78646")
    assert Membership.objects.get().structure == structure


def test_an_existing_structure_is_not_changed_from_the_public_form(client, cpts):
    structure = StructureFactory(finess=FINESS, name="Vrai nom")

    client.post(join_url(cpts), structure_data(name="Autre nom"))

    structure.refresh_from_db()
    assert structure.name == "Vrai nom"
    assert Membership.objects.get().structure == structure


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("finess", "750712185", "Le numéro FINESS doit compter 9 caractères"),
        ("siret", "73282932000075", "Le numéro SIRET doit compter 14 chiffres et sa clé doit être juste."),
    ],
)
def test_wrong_structure_numbers_are_refused(client, cpts, field, value, message):
    response = client.post(join_url(cpts), structure_data(**{field: value}))

    assert message in errors_of(response)
    assert not Structure.objects.exists()


def test_a_structure_needs_finess_or_siret(client, cpts):
    response = client.post(join_url(cpts), structure_data(finess=""))

    assert "Numéro FINESS : indiquez le numéro FINESS ou le numéro SIRET" in errors_of(response)


def test_a_dissolved_cpts_takes_no_request(client, cpts):
    cpts.record_step(status=CptsStatus.DISSOLVED, on=timezone.localdate(), by=None)

    response = client.post(join_url(cpts), professional_data())

    assert "ne reçoit plus de demandes" in response.content.decode()
    assert not Membership.objects.exists()


def test_the_public_request_journals_no_actor_and_no_value(client, cpts):
    client.post(join_url(cpts), professional_data())

    entries = JournalEntry.objects.filter(object_type="members.Professional")
    assert entries.exists()
    assert all(entry.actor_id is None for entry in entries)
    assert not any("Alice" in entry.note or "Martin" in entry.note for entry in JournalEntry.objects.all())


def test_an_unknown_cpts_answers_404(client, cpts):
    assert client.get("/cpts/inconnue/adherer/").status_code == 404
