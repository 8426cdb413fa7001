"""A member's card (a professional, or a structure as an organisation) as a vCard 3.0
file (RFC 2426), written by hand.

Text values are escaped as RFC 6350 §3.4 says (backslash, comma, semicolon,
newline); lines end with CRLF and are folded at 75 octets without cutting a
UTF-8 character. The file name holds the id, never the name.
"""

import datetime
import re
import uuid

from maillon.core import journal

from ...space import allow
from ...spreadsheets import attachment
from ..adhesion.common import require_member
from .display import (
    STRUCTURE_VCARD_FIELDS,
    VCARD_FIELDS,
    language_names,
    profession_label,
    professional_or_404,
    read_entry,
    structure_or_404,
)

LINE_OCTETS = 75
NEWLINES = re.compile(r"\r\n|\r|\n")
UID_NAMESPACE = uuid.UUID("6f1d3c0e-4a55-4b0c-9d57-6d61696c6c6f")  # fixed: a card keeps its UID


def escape(value) -> str:
    text = str(value).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return NEWLINES.sub("\\\\n", text)


def structured(*components) -> str:
    """N, ADR, ORG: components separated by `;`, each escaped."""
    return ";".join(escape(component) for component in components)


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continuations starting with a space."""
    lines, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            lines.append(current)
            current, size = " ", 1
        current += char
        size += octets
    lines.append(current)
    return "\r\n".join(lines)


def note_of(professional, languages) -> str:
    lines = []
    if professional.rpps:
        lines.append(f"RPPS : {professional.rpps}")
    if professional.adeli:
        lines.append(f"ADELI : {professional.adeli}")
    for place in professional.practice_places.all():
        if place.mssante_email:
            lines.append(f"Messagerie sécurisée de santé (MSSanté) : {place.mssante_email}")
    if languages:
        lines.append("Langues : " + ", ".join(languages))
    if professional.skill_list:
        lines.append("Compétences : " + ", ".join(professional.skill_list))
    return "\n".join(lines)


def place_lines(place) -> list[str]:
    lines = [f"ADR;TYPE=WORK:{structured('', '', place.address, place.commune.name, '', '', 'France')}"]
    if place.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{escape(place.phone)}")
    if place.mssante_email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{escape(place.mssante_email)}")
    return lines


def vcard_lines(professional) -> list[str]:
    places = list(professional.practice_places.all())
    languages = language_names(professional)
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Maillon//Annuaire des CPTS//FR",
        f"UID:urn:uuid:{uuid.uuid5(UID_NAMESPACE, str(professional.pk))}",
        f"N:{structured(professional.last_name, professional.first_name, '', '', '')}",
        f"FN:{escape(professional)}",
        f"TITLE:{escape(profession_label(professional))}",
    ]
    structures = list(dict.fromkeys(place.structure.name for place in places if place.structure))
    lines += [f"ORG:{structured(name)}" for name in structures[:1]]
    for place in places:
        lines += place_lines(place)
    if professional.phone:
        lines.append(f"TEL;TYPE=VOICE:{escape(professional.phone)}")
    if professional.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{escape(professional.email)}")
    note = note_of(professional, languages)
    if note:
        lines.append(f"NOTE:{escape(note)}")
    lines += [f"REV:{professional.updated_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}", "END:VCARD"]
    return lines


def structure_vcard_lines(structure) -> list[str]:
    """A structure as an organisation: its name as FN and ORG, no N components."""
    numbers = [
        f"FINESS : {structure.finess}" if structure.finess else "",
        f"SIRET : {structure.siret}" if structure.siret else "",
    ]
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Maillon//Annuaire des CPTS//FR",
        f"UID:urn:uuid:{uuid.uuid5(UID_NAMESPACE, f'structure-{structure.pk}')}",
        f"N:{structured(structure.name, '', '', '', '')}",
        f"FN:{escape(structure.name)}",
        f"ORG:{structured(structure.name)}",
        f"TITLE:{escape(structure.get_kind_display())}",
        "X-ABSHOWAS:COMPANY",
        f"ADR;TYPE=WORK:{structured('', '', structure.address, structure.commune.name, '', '', 'France')}",
    ]
    if structure.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{escape(structure.phone)}")
    if structure.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{escape(structure.email)}")
    note = "\n".join(number for number in numbers if number)
    if note:
        lines.append(f"NOTE:{escape(note)}")
    lines += [f"REV:{structure.updated_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}", "END:VCARD"]
    return lines


def card_text(lines) -> str:
    return "".join(fold(line) + "\r\n" for line in lines)


def vcard_view(find, fields, lines_of, filename: str):
    """The vCard of one entry of the directory (`find`: `professional_or_404` or
    `structure_or_404`), journaled as an export."""

    @allow("GET", check=require_member)
    def view(request, cpts_slug, pk):
        entry = read_entry(request, find, pk, fields, action=journal.Action.EXPORT, note="vCard")
        content = card_text(lines_of(entry)).encode("utf-8")
        return attachment(content, f"{filename}-{entry.pk}.vcf", "text/vcard; charset=utf-8")

    return view


members_vcard = vcard_view(professional_or_404, VCARD_FIELDS, vcard_lines, "professionnel")
members_structure_vcard = vcard_view(structure_or_404, STRUCTURE_VCARD_FIELDS, structure_vcard_lines, "structure")
