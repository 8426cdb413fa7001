"""Member structures in the shared directory: listed beside the professionals, filtered by
type, in the exports and as vCards (ORG)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.members.factories import (
    MembershipFactory,
    MissionParticipationFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
    finess_number,
    siret_number,
)
from maillon.members.models import MembershipStatus
from maillon.members.professions import StructureKind
from maillon.members.selectors import DirectoryFilters, directory_structures
from maillon.territories.factories import CommuneFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

FINESS = finess_number(7)
SIRET = siret_number(77)


@pytest.fixture
def versailles(cpts):
    # The territory of `cpts` already holds Versailles: set its point for the distances.
    commune = CommuneFactory(code="78646", name="Versailles")
    commune.latitude, commune.longitude = 48.8049, 2.1204
    commune.save()
    return commune


def join(cpts, *, status=MembershipStatus.ACTIVE, **fields):
    structure = StructureFactory(**fields)
    membership = MembershipFactory(cpts=cpts, professional=None, structure=structure, status=status)
    return structure, membership


@pytest.fixture
def msp(cpts, versailles):
    structure, _ = join(
        cpts,
        name="MSP des Tilleuls",
        kind=StructureKind.MSP,
        finess=FINESS,
        siret=SIRET,
        address="2 rue Hoche",
        commune=versailles,
        phone="01 39 00 00 01",
        email="contact@msp.example.org",
    )
    return structure


@pytest.fixture
def pharmacy(cpts, versailles):
    structure, _ = join(cpts, name="Pharmacie du Parc", kind=StructureKind.PHARMACY, commune=versailles)
    return structure


def directory(client, cpts, **params):
    return client.get(reverse("members_directory", args=[cpts.slug]), params).content.decode()


def structure_names(content):
    return re.findall(
        r'<th scope="row">\s*<a href="[^"]*/structures/\d+/">([^<\n]+?)</a>\s*<br><a class="fr-link fr-link--sm"',
        content,
    )


def test_the_directory_lists_active_structures_of_this_cpts_beside_professionals(
    cpts, other_cpts, member, msp, pharmacy, versailles
):
    professional = ProfessionalFactory(last_name="Martin")
    PracticePlaceFactory(professional=professional, commune=versailles)
    MembershipFactory(cpts=cpts, professional=professional)
    join(other_cpts, name="Ailleurs", commune=versailles)
    join(cpts, name="Demande", commune=versailles, status=MembershipStatus.REQUESTED)

    content = directory(verified_client(member), cpts)

    assert structure_names(content) == ["MSP des Tilleuls", "Pharmacie du Parc"]
    assert "Martin" in content
    assert "Maison de santé pluriprofessionnelle (MSP)" in content
    assert f"FINESS {FINESS}" in content and f"SIRET {SIRET}" in content
    assert "01 39 00 00 01" in content and "2 rue Hoche, Versailles" in content
    assert "1 professionnel trouvé et 2 structures" in content


def test_the_structure_type_filter(cpts, member, msp, pharmacy):
    client = verified_client(member)

    only_pharmacies = directory(client, cpts, structure="pharmacie")
    all_structures = directory(client, cpts, structure="all")
    professionals_only = directory(client, cpts, structure="none")

    assert structure_names(only_pharmacies) == ["Pharmacie du Parc"]
    assert structure_names(all_structures) == ["MSP des Tilleuls", "Pharmacie du Parc"]
    assert structure_names(professionals_only) == []


def test_a_professionals_criterion_leaves_structures_out_and_a_type_leaves_professionals_out(cpts, msp):
    MembershipFactory(cpts=cpts)

    assert list(directory_structures(cpts, DirectoryFilters(profession="10"))) == []
    assert list(directory_structures(cpts, DirectoryFilters(skill="plaies"))) == []
    assert [s.pk for s in directory_structures(cpts, DirectoryFilters(structure_kind="msp"))] == [msp.pk]


def test_structures_are_found_by_name_number_commune_radius_and_mission(cpts, msp, pharmacy):
    far = CommuneFactory(code="92001", name="Loin", latitude=48.8049, longitude=2.1204 + 40 / 73.33)
    distant, membership = join(cpts, name="EHPAD Lointain", kind=StructureKind.EHPAD, commune=far)
    MissionParticipationFactory(membership=membership, mission=4)

    def names(**filters):
        return [structure.name for structure in directory_structures(cpts, DirectoryFilters(**filters))]

    assert names(q="tilleul") == ["MSP des Tilleuls"]
    assert names(q=FINESS) == ["MSP des Tilleuls"]
    assert names(q=SIRET) == ["MSP des Tilleuls"]
    assert names(commune="92001") == ["EHPAD Lointain"]
    assert names(commune="78646", radius_km=10) == ["MSP des Tilleuls", "Pharmacie du Parc"]
    assert names(commune="78646", radius_km=50) == ["MSP des Tilleuls", "Pharmacie du Parc", "EHPAD Lointain"]
    assert names(mission=4) == ["EHPAD Lointain"]
    assert distant.pk not in [s.pk for s in directory_structures(cpts, DirectoryFilters(mission=1))]


def test_the_page_view_is_one_journal_entry_naming_structure_fields_without_names(cpts, member, msp):
    directory(verified_client(member), cpts)

    entry = JournalEntry.objects.get(object_id="directory", action="read")
    assert entry.note == "0 fiches, 1 structure"
    assert "structures.finess" in entry.fields
    assert "Tilleuls" not in entry.note


def test_the_export_lists_structures_after_professionals(cpts, coordinator, msp):
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(last_name="Martin"))

    response = verified_client(coordinator).get(reverse("members_directory_export", args=[cpts.slug, "csv"]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    header, professional, structure = rows
    assert header[-3:] == ["Type de structure", "FINESS", "SIRET"]
    assert professional[0] == "Martin" and professional[-3:] == ["", "", ""]
    assert structure[:3] == ["MSP des Tilleuls", "", "Structure"]
    assert structure[6:9] == ["Versailles", "2 rue Hoche", "01 39 00 00 01"]
    assert structure[-3:] == ["Maison de santé pluriprofessionnelle (MSP)", FINESS, SIRET]
    entry = JournalEntry.objects.get(action="export", object_id="directory")
    assert entry.note == "2 lignes, CSV" and "structures.siret" in entry.fields


def test_the_export_of_a_professionals_criterion_has_no_structure(cpts, coordinator, msp):
    response = verified_client(coordinator).get(
        reverse("members_directory_export", args=[cpts.slug, "csv"]), {"profession": "10"}
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1


def test_a_structure_vcard_has_its_name_as_org(cpts, member, msp):
    response = verified_client(member).get(reverse("members_structure_vcard", args=[cpts.slug, msp.pk]))

    text = response.content.decode()
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="structure-{msp.pk}.vcf"'
    assert "FN:MSP des Tilleuls\r\n" in text and "ORG:MSP des Tilleuls\r\n" in text
    assert "ADR;TYPE=WORK:;;2 rue Hoche;Versailles;;;France\r\n" in text
    assert "TEL;TYPE=WORK,VOICE:01 39 00 00 01\r\n" in text
    assert f"NOTE:FINESS : {FINESS}\\nSIRET : {SIRET}\r\n" in text
    entry = JournalEntry.objects.get(action="export", object_type="members.Structure")
    assert (entry.object_id, entry.cpts_id, entry.note) == (str(msp.pk), cpts.pk, "vCard")


def test_the_vcard_of_a_structure_of_another_cpts_or_not_active_is_404(cpts, other_cpts, member, versailles):
    elsewhere, _ = join(other_cpts, commune=versailles)
    pending, _ = join(cpts, commune=versailles, status=MembershipStatus.REQUESTED)
    client = verified_client(member)

    for structure in (elsewhere, pending):
        assert client.get(reverse("members_structure_vcard", args=[cpts.slug, structure.pk])).status_code == 404
