"""The places, people and letters the tests of the lettre d'intention pages share (helper A's tests:
filing, follow-up link, the ARS's pages). Plain builders, not fixtures: the tests of this folder
share no conftest."""

import html

from maillon.core.factories import UserFactory
from maillon.territories.factories import CommuneFactory, DepartementFactory, RegionFactory
from maillon.territories.models import TerritoryRole, TerritoryRoleKind
from tests.conftest import verified_client
from tests.creation.helpers import FINESS, RPPS, file_letter

ARS = "ARS Île-de-France"

__all__ = [
    "ARS",
    "FINESS",
    "RPPS",
    "ars_officer",
    "file_letter",
    "make_communes",
    "officer_of",
    "text",
    "verified_client",
]


def make_communes():
    """Three communes of 12 000 inhabitants in the Yvelines (Île-de-France, région 11)."""
    yvelines = DepartementFactory(code="78", name="Yvelines", region=RegionFactory(code="11", name="Île-de-France"))
    return [
        CommuneFactory(code=f"78{number:03d}", name=f"Bourg-{name}", departement=yvelines, population=12_000)
        for number, name in ((1, "Amont"), (2, "Milieu"), (3, "Aval"))
    ]


def officer_of(region, *, role=TerritoryRoleKind.AUTHORITY, organisation=ARS, **user_fields):
    """A person with a territorial role over `region` in `organisation`."""
    user = UserFactory(with_totp=True, **user_fields)
    TerritoryRole.objects.create(user=user, role=role, region=region, organisation=organisation)
    return user


def ars_officer(region="11"):
    """An authority of the ARS of the région: sees and decides its letters."""
    from maillon.territories.models import Region

    return officer_of(Region.objects.get(code=region), first_name="Agnès", last_name="Arsène")


def text(response) -> str:
    """The page as read: entities (« l&#x27;ARS ») unescaped."""
    return html.unescape(response.content.decode())
