"""What the pages of a lettre d'intention show alike — the promoters' follow-up page and the ARS's
detail: the letter, its draft territory (communes, population, taille), its promoters, the exchange
and the history of its decisions."""

from dataclasses import dataclass

from django.utils.cache import patch_cache_control

from maillon.creation.models import LetterStatus
from maillon.territories.taille import taille_for_population

from ..discussions_views.common import author_name

# The badge of each status (DSFR).
STATUS_BADGES = {
    LetterStatus.SUBMITTED: "fr-badge--new",
    LetterStatus.INFORMATION_REQUESTED: "fr-badge--warning",
    LetterStatus.ACCEPTED: "fr-badge--success",
    LetterStatus.REFUSED: "fr-badge--error",
}


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    departement: str
    population: int


def territory_rows(letter) -> list[CommuneRow]:
    rows = letter.communes.select_related("commune__departement").order_by("commune__name", "commune__code")
    return [
        CommuneRow(
            code=row.commune.code,
            name=row.commune.name,
            departement=f"{row.commune.departement.name} ({row.commune.departement_id})",
            population=row.commune.population,
        )
        for row in rows
    ]


def letter_context(letter) -> dict:
    """The letter as both pages read it."""
    communes = territory_rows(letter)
    population = sum(row.population for row in communes)
    return {
        "letter": letter,
        "status_badge": STATUS_BADGES.get(letter.status, "fr-badge--info"),
        "communes": communes,
        "population": population,
        "taille": taille_for_population(population),
        "promoters": list(letter.promoters.all()),
        "comments": comments(letter),
        "history": history(letter),
    }


def comments(letter) -> list:
    """The exchange, oldest first; each officer named by the site's one helper (never an e-mail address)."""
    rows = list(letter.comments.select_related("author"))
    for comment in rows:
        comment.author_name = author_name(comment.author)
    return rows


def _status_label(code: str) -> str:
    return LetterStatus(code).label if code in LetterStatus.values else code


def history(letter) -> list[dict]:
    """The letter's transitions, oldest first, said in words."""
    return [
        {
            "at": event.at,
            "from": _status_label(event.from_status) if event.from_status else "",
            "to": _status_label(event.to_status),
            # None: the promoters, through their link; an officer by name, never by e-mail address.
            "by": author_name(event.by) if event.by_id else None,
            "note": event.note,
        }
        for event in letter.events.select_related("by")
    ]


def private_page(response):
    """A page a private link opens: not indexed, its address never sent as a referrer, not cached."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_store=True)
    return response
