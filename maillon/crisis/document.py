"""A version as text, section by section (the template's order), and the readable diff
between two versions: the same rendering feeds the page, the PDF and the diff."""

import difflib
from dataclasses import dataclass

from . import template

EMPTY = "(non renseigné)"


PROFESSIONAL_COLUMNS = ["Nom", "Profession", "Rôle", "Compétences", "Typologies"]


def professional_cells(row) -> list[str]:
    """A mobilisable professional of the plan, one value per `PROFESSIONAL_COLUMNS`."""
    professional = row.professional
    profession = professional.get_profession_display() if hasattr(professional, "get_profession_display") else ""
    name = f"{professional.first_name} {professional.last_name}"
    return [name, profession, row.role, row.skills, row.typology_labels if row.typologies else ""]


def professional_line(row) -> str:
    name, profession, role, skills, typologies = professional_cells(row)
    typologies = f" — typologies {typologies}" if typologies else ""
    skills = f" — compétences : {skills}" if skills else ""
    return f"{name} ({profession}) — {role}{skills}{typologies}"


def section_fields(version, key: str) -> list[tuple[str, str]]:
    """[(label, text)…] of a template section."""
    values = template.clean_content(version.content)[key]
    return [(field.label, values[field.key]) for field in template.SECTIONS_BY_KEY[key].fields]


def section_lines(version, key: str, professionals=None) -> list[str]:
    """The section as lines « label : text », one line per line of text."""
    if key == template.PROFESSIONALS_KEY:
        rows = professionals if professionals is not None else version.professionals.select_related("professional")
        return [professional_line(row) for row in rows] or [EMPTY]
    lines = []
    for label, text in section_fields(version, key):
        parts = text.splitlines() or [EMPTY]
        lines.append(f"{label} : {parts[0]}")
        lines.extend(f"    {part}" for part in parts[1:])
    return lines


def version_text(version) -> dict[str, list[str]]:
    professionals = list(version.professionals.select_related("professional"))
    return {key: section_lines(version, key, professionals) for key in template.ORDER}


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same" | "removed" | "added"
    text: str

    @property
    def sign(self) -> str:
        return {"same": " ", "removed": "−", "added": "+"}[self.kind]


@dataclass(frozen=True)
class SectionDiff:
    key: str
    title: str
    lines: tuple[DiffLine, ...]

    @property
    def changed(self) -> bool:
        return any(line.kind != "same" for line in self.lines)


def _diff_lines(old: list[str], new: list[str]) -> tuple[DiffLine, ...]:
    lines = []
    for tag, old_start, old_end, new_start, new_end in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("same", text) for text in old[old_start:old_end])
            continue
        lines.extend(DiffLine("removed", text) for text in old[old_start:old_end])
        lines.extend(DiffLine("added", text) for text in new[new_start:new_end])
    return tuple(lines)


def diff(old_version, new_version) -> list[SectionDiff]:
    """Each section of the template, its lines marked same / removed / added."""
    old = version_text(old_version)
    new = version_text(new_version)
    return [SectionDiff(key, template.title_of(key), _diff_lines(old[key], new[key])) for key in template.ORDER]


def unified(old_version, new_version) -> str:
    """The diff as plain text (the API's), one block per changed section."""
    blocks = []
    for section in diff(old_version, new_version):
        if section.changed:
            body = "\n".join(f"{line.sign} {line.text}" for line in section.lines if line.kind != "same")
            blocks.append(f"## {section.title}\n{body}")
    return "\n\n".join(blocks)
