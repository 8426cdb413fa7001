"""The shared directory page: who appears, each filter, distance, the map, the journal."""

import json
import re

import pytest
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import (
    LanguageFactory,
    MembershipFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
)
from maillon.members.models import MembershipStatus
from maillon.members.professions import Profession, Specialty
from maillon.territories.factories import CommuneFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

# Versailles' town hall, and points due east of it: 1° of longitude ≈ 73.3 km at this latitude.
CENTRE = (48.8049, 2.1204)


def commune_east(code, name, km):
    return CommuneFactory(code=code, name=name, latitude=CENTRE[0], longitude=CENTRE[1] + km / 73.33, population=5_000)


def enrol(cpts, *, commune=None, status=MembershipStatus.ACTIVE, place=None, **fields):
    professional = ProfessionalFactory(**fields)
    PracticePlaceFactory(
        professional=professional, commune=commune or commune_east("92001", "Centre", 0), **(place or {})
    )
    MembershipFactory(cpts=cpts, professional=professional, status=status)
    return professional


def directory(client, cpts, **params):
    return client.get(reverse("members_directory", args=[cpts.slug]), params)


def names_in(response):
    """The names of the result table's rows, in order."""
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', response.content.decode())


def test_a_member_sees_the_active_members_of_their_cpts_only(cpts, other_cpts, member):
    enrol(cpts, first_name="Alice", last_name="Martin")
    enrol(cpts, first_name="Bruno", last_name="Requérant", status=MembershipStatus.REQUESTED)
    left = enrol(cpts, first_name="Chloé", last_name="Partie")
    left.memberships.update(status=MembershipStatus.LEFT)
    enrol(other_cpts, first_name="Denis", last_name="Ailleurs")
    ProfessionalFactory(first_name="Émile", last_name="SansAdhésion")

    response = directory(verified_client(member), cpts)

    assert response.status_code == 200
    assert names_in(response) == ["Alice Martin"]
    assert "1 professionnel trouvé" in response.content.decode()


def test_a_professional_member_of_two_cpts_appears_once_in_each(cpts, other_cpts, member):
    professional = enrol(cpts, first_name="Alice", last_name="Martin")
    MembershipFactory(cpts=other_cpts, professional=professional)

    assert names_in(directory(verified_client(member), cpts)) == ["Alice Martin"]


def test_a_user_without_role_in_the_cpts_gets_404(cpts, other_cpts):
    assert directory(verified_client(UserFactory(with_totp=True)), cpts).status_code == 404


def test_free_text_finds_names_and_skills_without_accents_or_case(cpts, member):
    enrol(cpts, first_name="Hélène", last_name="Lefèvre")
    enrol(cpts, first_name="Paul", last_name="Durand", skills="Plaies chroniques, Éducation thérapeutique")
    enrol(cpts, first_name="Zoé", last_name="Autre")
    client = verified_client(member)

    assert names_in(directory(client, cpts, q="helene LEFEVRE")) == ["Hélène Lefèvre"]
    assert names_in(directory(client, cpts, q="education")) == ["Paul Durand"]
    assert names_in(directory(client, cpts, q="inconnu")) == []


def test_filter_by_profession(cpts, member):
    enrol(cpts, first_name="Inès", last_name="Infirmière", nurse=True)
    enrol(cpts, first_name="Marc", last_name="Médecin")

    response = directory(verified_client(member), cpts, profession=Profession.INFIRMIER)

    assert names_in(response) == ["Inès Infirmière"]


def test_filter_by_skill(cpts, member):
    enrol(cpts, first_name="Paul", last_name="Durand", skills="Plaies chroniques, Diabète")
    enrol(cpts, first_name="Zoé", last_name="Autre", skills="Pédiatrie")

    assert names_in(directory(verified_client(member), cpts, skill="diabète")) == ["Paul Durand"]


def test_filter_by_language(cpts, member):
    english = LanguageFactory(code="en", name="Anglais")
    speaker = enrol(cpts, first_name="Anna", last_name="Smith")
    speaker.languages.add(english, LanguageFactory(code="de", name="Allemand"))
    enrol(cpts, first_name="Zoé", last_name="Autre")

    response = directory(verified_client(member), cpts, language="en")

    assert names_in(response) == ["Anna Smith"]
    assert "Allemand, Anglais" in response.content.decode()


def test_filter_by_new_patients_and_snp(cpts, member):
    enrol(cpts, first_name="Anne", last_name="Ouverte", accepts_new_patients=True)
    enrol(cpts, first_name="Bea", last_name="Snp", takes_part_in_snp=True)
    enrol(cpts, first_name="Carl", last_name="Deux", accepts_new_patients=True, takes_part_in_snp=True)
    client = verified_client(member)

    assert names_in(directory(client, cpts, new_patients="on")) == ["Carl Deux", "Anne Ouverte"]
    assert names_in(directory(client, cpts, snp="on")) == ["Carl Deux", "Bea Snp"]
    assert names_in(directory(client, cpts, new_patients="on", snp="on")) == ["Carl Deux"]


def test_filter_by_commune_keeps_those_practising_there(cpts, member):
    here = commune_east("92001", "Ici", 0)
    there = commune_east("92002", "Là-Bas", 5)
    enrol(cpts, commune=here, first_name="Anne", last_name="Ici")
    two_places = enrol(cpts, commune=there, first_name="Bea", last_name="Deux")
    PracticePlaceFactory(professional=two_places, commune=here, is_main=False)
    enrol(cpts, commune=there, first_name="Carl", last_name="LaBas")

    response = directory(verified_client(member), cpts, commune="Ici (92001)")

    assert names_in(response) == ["Bea Deux", "Anne Ici"]  # by last name


def test_a_member_at_5_km_is_within_10_km_and_one_at_30_km_is_not(cpts, member):
    centre = commune_east("92001", "Centre", 0)
    enrol(cpts, commune=commune_east("92005", "Proche", 5), first_name="Proche", last_name="Cinq")
    enrol(cpts, commune=commune_east("92030", "Lointaine", 30), first_name="Loin", last_name="Trente")
    enrol(cpts, commune=centre, first_name="Zoé", last_name="Centre")
    client = verified_client(member)

    near = directory(client, cpts, commune="Centre (92001)", radius="10")
    wide = directory(client, cpts, commune="Centre (92001)", radius="50")

    assert names_in(near) == ["Zoé Centre", "Proche Cinq"]  # nearest first
    assert "À 5,0 km" in near.content.decode()
    assert names_in(wide) == ["Zoé Centre", "Proche Cinq", "Loin Trente"]


def test_the_nearest_practice_place_counts_for_the_distance(cpts, member):
    commune_east("92001", "Centre", 0)
    far = commune_east("92030", "Lointaine", 30)
    professional = enrol(cpts, commune=far, first_name="Deux", last_name="Lieux")
    PracticePlaceFactory(professional=professional, commune=commune_east("92004", "Proche", 4), is_main=False)

    response = directory(verified_client(member), cpts, commune="Centre (92001)", radius="10")

    assert names_in(response) == ["Deux Lieux"]
    assert "À 4,0 km" in response.content.decode()


def test_a_commune_typed_by_name_or_postal_code_is_resolved(cpts, member):
    from maillon.territories.factories import PostalCodeFactory

    commune = commune_east("92001", "Sèvres", 0)
    PostalCodeFactory(code="92310", commune=commune)
    enrol(cpts, commune=commune, first_name="Anne", last_name="Sevres")
    client = verified_client(member)

    assert names_in(directory(client, cpts, commune="sevres")) == ["Anne Sevres"]
    assert names_in(directory(client, cpts, commune="92310")) == ["Anne Sevres"]


def test_an_ambiguous_commune_offers_the_choices_and_shows_no_results(cpts, member):
    commune_east("92001", "Saint-Cyr-sur-Loire", 0)
    commune_east("92002", "Saint-Cyr-l'École", 3)
    enrol(cpts, first_name="Anne", last_name="Martin")

    response = directory(verified_client(member), cpts, commune="saint cyr", profession="10")
    html = response.content.decode()

    assert names_in(response) == []
    assert "plusieurs communes correspondent à « saint cyr »" in html
    assert "commune=Saint-Cyr-sur-Loire+%2892001%29" in html and "profession=10" in html


def test_a_radius_without_commune_is_an_error(cpts, member):
    response = directory(verified_client(member), cpts, radius="10")

    assert "indiquez aussi la commune" in response.content.decode()
    assert not JournalEntry.objects.filter(object_id="directory").exists()


def test_the_list_shows_places_phones_mssante_and_badges(cpts, member):
    enrol(
        cpts,
        first_name="Anne",
        last_name="Martin",
        specialty=Specialty.GENERAL_PRACTICE,
        accepts_new_patients=True,
        place={
            "address": "3 rue des Lilas",
            "phone": "01 39 00 00 00",
            "mssante_email": "anne.martin@medecin.mssante.fr",
        },
    )

    html = directory(verified_client(member), cpts).content.decode()

    for text in ("Médecine générale", "3 rue des Lilas, Centre", "01 39 00 00 00", "anne.martin@medecin.mssante.fr"):
        assert text in html
    assert "Nouveaux patients" in html


def test_the_map_gets_one_point_per_commune_and_the_territory(cpts, member):
    here = commune_east("92001", "Ici", 0)
    enrol(cpts, commune=here, first_name="Anne", last_name="Un")
    enrol(cpts, commune=here, first_name="Bea", last_name="Deux")

    html = directory(verified_client(member), cpts).content.decode()
    points = json.loads(re.search(r'id="directory-points" type="application/json">(.*?)</script>', html).group(1))
    territory = json.loads(re.search(r'id="directory-territory">(.*?)</script>', html).group(1))

    assert [(point["code"], len(point["people"])) for point in points] == [("92001", 2)]
    assert points[0]["lat"] == pytest.approx(CENTRE[0])
    assert [feature["properties"]["code"] for feature in territory["features"]] == ["78646"]


def test_names_in_the_map_data_cannot_close_the_script(cpts, member):
    enrol(cpts, first_name="</script><script>alert(1)</script>", last_name="X")

    html = directory(verified_client(member), cpts).content.decode()

    assert "</script><script>alert(1)" not in html


def test_results_are_paginated(cpts, member):
    for index in range(23):
        enrol(cpts, first_name="Pro", last_name=f"Nom{index:02d}")
    client = verified_client(member)

    first = directory(client, cpts)
    second = directory(client, cpts, page="2")

    assert len(names_in(first)) == 20 and len(names_in(second)) == 3
    assert "23 professionnels trouvés ; page 2 sur 2" in second.content.decode()


def test_htmx_gets_the_results_region_only(cpts, member):
    enrol(cpts, first_name="Anne", last_name="Martin")

    response = verified_client(member).get(
        reverse("members_directory", args=[cpts.slug]), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="directory-results"
    )
    html = response.content.decode()

    assert names_in(response) == ["Anne Martin"]
    assert "<h1" not in html and 'hx-swap-oob="true"' in html
    assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]


def test_htmx_suggests_communes_for_the_datalist(cpts, member):
    commune_east("92001", "Sèvres", 0)

    response = verified_client(member).get(
        reverse("members_directory", args=[cpts.slug]),
        {"commune": "sev"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="commune-options",
    )

    assert response.content.decode().strip() == '<option value="Sèvres (92001)"></option>'
    assert not JournalEntry.objects.filter(object_id="directory").exists()


def test_export_links_are_for_coordinators_and_keep_the_criteria(cpts, member, coordinator):
    enrol(cpts, first_name="Anne", last_name="Martin")
    export_url = reverse("members_directory_export", args=[cpts.slug, "csv"])

    as_member = directory(verified_client(member), cpts, q="martin").content.decode()
    as_coordinator = directory(verified_client(coordinator), cpts, q="martin", page="1").content.decode()

    assert export_url not in as_member
    assert f"{export_url}?q=martin" in as_coordinator


def test_one_journal_entry_per_page_view_without_names(cpts, member):
    for index in range(3):
        enrol(cpts, first_name="Anne", last_name=f"Martin{index}")

    directory(verified_client(member), cpts)

    entry = JournalEntry.objects.get(object_id="directory")
    assert (entry.action, entry.object_type, entry.object_id) == ("read", "members.Professional", "directory")
    assert entry.cpts_id == cpts.pk and entry.actor_id == member.pk
    assert entry.note == "3 fiches"
    assert "last_name" in entry.fields and "practice_places.phone" in entry.fields
    assert "Martin" not in json.dumps([entry.note, entry.fields, entry.object_id])


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_runs_a_fixed_number_of_queries(cpts, member, count, django_assert_num_queries):
    english = LanguageFactory(code="en", name="Anglais")
    for index in range(count):
        professional = enrol(cpts, commune=commune_east(f"92{index % 5:03d}", f"C{index % 5}", index % 5))
        professional.languages.add(english)
        PracticePlaceFactory(professional=professional, commune=commune_east("92100", "Autre", 8), is_main=False)
    client = verified_client(member)

    # Session, user, TOTP device, CPTS, role, menu; languages; structures; count, page, places,
    # languages; territory; journal.
    with django_assert_num_queries(14):
        directory(client, cpts)
    # Radius: the commune and its point (for the structures, then the professionals); the rest as above.
    with django_assert_num_queries(17):
        directory(client, cpts, commune="C0 (92000)", radius="20")
    # A criterion only a professional meets: no query for the structures.
    with django_assert_num_queries(13):
        directory(client, cpts, language="en")


@pytest.mark.parametrize("count", [2, 25])
def test_a_mixed_list_runs_a_fixed_number_of_queries(cpts, member, count, django_assert_num_queries):
    for index in range(count):
        enrol(cpts, commune=commune_east(f"92{index % 5:03d}", f"C{index % 5}", index % 5))
        structure = StructureFactory(commune=commune_east(f"92{index % 5:03d}", f"C{index % 5}", index % 5))
        MembershipFactory(cpts=cpts, professional=None, structure=structure)
    client = verified_client(member)

    # As above: the structures (with their communes) in one query, whatever their number.
    with django_assert_num_queries(14):
        response = directory(client, cpts)
    assert len(re.findall(r"structures/\d+/vcard/", response.content.decode())) == count


def test_suggestions_put_the_communes_of_the_territory_first(cpts, member):
    CommuneFactory(code="01450", name="Versailleux", population=500_000)

    response = verified_client(member).get(
        reverse("members_directory", args=[cpts.slug]),
        {"commune": "versaill"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="commune-options",
    )

    assert re.findall(r'value="([^"]+)"', response.content.decode()) == ["Versailles (78646)", "Versailleux (01450)"]


def test_the_status_says_where_the_search_looked_and_the_field_shows_the_commune(cpts, member):
    commune = commune_east("92001", "Sèvres", 0)
    enrol(cpts, commune=commune, first_name="Anne", last_name="Sevres")

    html = directory(verified_client(member), cpts, commune="sèvres", radius="5").content.decode()

    assert "1 professionnel trouvé à moins de 5 km de Sèvres (92001)." in html
    assert 'value="Sèvres (92001)"' in html
