"""A member's vCard: RFC escaping, CRLF, folding at 75 octets, a file name without the name."""

import pytest
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.members.factories import LanguageFactory, MembershipFactory, PracticePlaceFactory, ProfessionalFactory
from maillon.members.models import MembershipStatus
from maillon.www.members_views.directory.vcard import escape, fold
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def vcard(client, cpts, pk):
    return client.get(reverse("members_vcard", args=[cpts.slug, pk]))


def unfold(text):
    return text.replace("\r\n ", "")


def test_the_vcard_holds_the_card_in_vcard_3(cpts, member):
    professional = ProfessionalFactory(first_name="Anne", last_name="Martin", email="anne@example.org")
    professional.languages.add(LanguageFactory(code="es", name="Espagnol"))
    PracticePlaceFactory(
        professional=professional,
        address="3 rue des Lilas",
        phone="01 39 00 00 00",
        mssante_email="anne.martin@medecin.mssante.fr",
    )
    MembershipFactory(cpts=cpts, professional=professional)

    response = vcard(verified_client(member), cpts, professional.pk)
    text = response.content.decode("utf-8")
    lines = unfold(text).split("\r\n")

    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="professionnel-{professional.pk}.vcf"'
    assert lines[:2] == ["BEGIN:VCARD", "VERSION:3.0"] and lines[-2:] == ["END:VCARD", ""]
    assert "N:Martin;Anne;;;" in lines and "FN:Anne Martin" in lines
    assert "TITLE:Médecin — Médecine générale" in lines
    assert "TEL;TYPE=WORK,VOICE:01 39 00 00 00" in lines
    assert "EMAIL;TYPE=INTERNET,WORK:anne.martin@medecin.mssante.fr" in lines
    assert "EMAIL;TYPE=INTERNET:anne@example.org" in lines
    assert any(line.startswith("ADR;TYPE=WORK:;;3 rue des Lilas;") and line.endswith(";;;France") for line in lines)
    note = next(line for line in lines if line.startswith("NOTE:"))
    assert f"RPPS : {professional.rpps}\\n" in note and "Langues : Espagnol" in note


def test_special_characters_are_escaped_and_lines_end_with_crlf(cpts, member):
    professional = ProfessionalFactory(first_name="Anne; Marie", last_name="D'Arc, dite \\ Jeanne")
    PracticePlaceFactory(professional=professional, address="Bât. A\n2 rue X; porte 3, au fond")
    MembershipFactory(cpts=cpts, professional=professional)

    text = vcard(verified_client(member), cpts, professional.pk).content.decode("utf-8")
    lines = unfold(text).split("\r\n")

    assert "N:D'Arc\\, dite \\\\ Jeanne;Anne\\; Marie;;;" in lines
    assert "FN:Anne\\; Marie D'Arc\\, dite \\\\ Jeanne" in lines
    assert any("Bât. A\\n2 rue X\\; porte 3\\, au fond" in line for line in lines)
    assert "\n" not in text.replace("\r\n", "")


def test_long_lines_are_folded_at_75_octets_without_cutting_a_character():
    line = "NOTE:" + "é" * 100 + "x" * 50

    folded = fold(line)
    physical = folded.split("\r\n")

    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace("\r\n ", "") == line


def test_escape_follows_rfc_6350():
    assert escape("a\\b,c;d\r\ne\nf") == "a\\\\b\\,c\\;d\\ne\\nf"


def test_the_vcard_download_is_journaled_as_an_export(cpts, member):
    professional = MembershipFactory(cpts=cpts, professional__last_name="Martin").professional

    vcard(verified_client(member), cpts, professional.pk)

    entry = JournalEntry.objects.get(action="export")
    assert (entry.object_type, entry.object_id, entry.cpts_id) == (
        "members.Professional",
        str(professional.pk),
        cpts.pk,
    )
    assert "Martin" not in entry.note


def test_no_vcard_for_someone_who_left(cpts, member):
    membership = MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT)

    assert vcard(verified_client(member), cpts, membership.professional_id).status_code == 404
