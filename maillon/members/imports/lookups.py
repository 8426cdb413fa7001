"""What the platform already holds, loaded in a few bulk queries for the whole file."""

import re
from dataclasses import dataclass, field

from maillon.territories.models import Commune, PostalCode, normalize_name

from ..models import (
    OPEN_STATUSES,
    College,
    Language,
    Membership,
    Professional,
    Structure,
)
from .columns import normalize_header
from .synonyms import LANGUAGE_ALIASES

# Keeps the IN (…) lists under every database's parameter limit.
LOOKUP_CHUNK = 2_000

# --- Lookups in bulk ------------------------------------------------------------------


@dataclass
class Known:
    """A professional already on the platform."""

    pk: int
    rpps: str | None
    adeli: str | None
    last_name: str


@dataclass
class KnownStructure:
    """A structure already on the platform."""

    pk: int
    finess: str | None
    siret: str | None


@dataclass
class Lookups:
    """Built in two steps: what the file's numbers, communes and names designate, then
    (`load_lookups`) the adhesions the CPTS holds of them."""

    by_rpps: dict[str, Known]
    by_adeli: dict[str, Known]
    by_finess: dict[str, KnownStructure]
    by_siret: dict[str, KnownStructure]
    communes: dict[str, Commune]
    by_postal_code: dict[str, list[Commune]]
    by_name: dict[str, list[Commune]]
    colleges: dict[str, College]
    college_names: list[str]
    languages: dict[str, str]
    open_members: set[int] = field(default_factory=set)  # professionals with an open adhesion in the CPTS
    known_here: set[int] = field(default_factory=set)  # professionals with any adhesion, past or present, here
    open_structures: set[int] = field(default_factory=set)  # structures with an open adhesion in the CPTS


def chunks(values, size=LOOKUP_CHUNK):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def known_professionals(field_name, values) -> dict[str, Known]:
    found = {}
    for chunk in chunks(values):
        rows = Professional.objects.filter(**{f"{field_name}__in": chunk}).values_list(
            "pk", "rpps", "adeli", "last_name"
        )
        for pk, rpps, adeli, last_name in rows:
            known = Known(pk, rpps, adeli, last_name)
            found[rpps if field_name == "rpps" else adeli] = known
    return found


def known_structures(field_name, values) -> dict[str, KnownStructure]:
    found = {}
    for chunk in chunks(values):
        for pk, finess, siret in Structure.objects.filter(**{f"{field_name}__in": chunk}).values_list(
            "pk", "finess", "siret"
        ):
            found[finess if field_name == "finess" else siret] = KnownStructure(pk, finess, siret)
    return found


def open_structures(cpts, by_finess, by_siret) -> set[int]:
    ids = {known.pk for known in [*by_finess.values(), *by_siret.values()]}
    found = set()
    for chunk in chunks(ids):
        memberships = Membership.objects.for_cpts(cpts).open().filter(structure_id__in=chunk)
        found.update(memberships.values_list("structure_id", flat=True))
    return found


def commune_name_key(text: str) -> str:
    return re.sub(r"\s+cedex(\s+\d+)?$", "", normalize_name(text))


def load_communes(rows):
    """Communes the rows may name: by INSEE code, by postal code, by name (three queries)."""
    codes = {row.values.get("commune_code", "").strip().upper() for row in rows} - {""}
    postal_codes = {row.values.get("postal_code", "").strip() for row in rows} - {""}
    names = {commune_name_key(row.values.get("commune", "")) for row in rows} - {""}
    communes = {}
    for chunk in chunks(codes):
        communes.update(
            {commune.code: commune for commune in Commune.objects.filter(code__in=chunk).only("code", "name")}
        )
    by_postal_code = {}
    for chunk in chunks({code.zfill(5) for code in postal_codes}):
        postals = (
            PostalCode.objects.filter(code__in=chunk)
            .select_related("commune")
            .only("code", "commune__code", "commune__name", "commune__search_name")
        )
        for postal in postals:
            by_postal_code.setdefault(postal.code, []).append(postal.commune)
    by_name = {}
    for chunk in chunks(names):
        for commune in Commune.objects.filter(search_name__in=chunk).only("code", "name", "search_name"):
            by_name.setdefault(commune.search_name, []).append(commune)
    return communes, by_postal_code, by_name


def load_lookups(cpts, rows) -> Lookups:
    communes, by_postal_code, by_name = load_communes(rows)
    colleges = list(College.objects.for_cpts(cpts).order_by("position", "name"))
    lookups = Lookups(
        by_rpps=known_professionals("rpps", {row.rpps for row in rows if row.rpps}),
        by_adeli=known_professionals("adeli", {row.adeli for row in rows if row.adeli}),
        by_finess=known_structures("finess", {row.finess for row in rows if row.finess}),
        by_siret=known_structures("siret", {row.siret for row in rows if row.siret}),
        communes=communes,
        by_postal_code=by_postal_code,
        by_name=by_name,
        colleges={normalize_header(college.name): college for college in colleges},
        college_names=[college.name for college in colleges],
        languages=load_languages(),
    )
    ids = {known.pk for known in [*lookups.by_rpps.values(), *lookups.by_adeli.values()]}
    for chunk in chunks(ids):
        for professional_id, status in (
            Membership.objects.for_cpts(cpts).filter(professional_id__in=chunk).values_list("professional_id", "status")
        ):
            lookups.known_here.add(professional_id)
            if status in OPEN_STATUSES:
                lookups.open_members.add(professional_id)
    lookups.open_structures = open_structures(cpts, lookups.by_finess, lookups.by_siret)
    return lookups


def load_languages() -> dict[str, str]:
    """{normalized name, code or alias: the language's code}."""
    languages = {}
    for code, name in Language.objects.values_list("code", "name"):
        languages[normalize_header(name)] = code
        languages[code.lower()] = code
    for alias, code in LANGUAGE_ALIASES.items():
        if code in languages.values():
            languages[alias] = code
    return languages
