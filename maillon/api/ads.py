"""Public ads (mission 6): practices for sale, premises, replacements, collaborations, salaried
posts, housing for interns — each stamped with the CPTS whose current territory holds its
commune, computed when read (docs/api.md, docs/support.md).

Public, without an account (`auth=None`): only published ads whose expiry date has not passed
(`Ad.objects.public()`), and nothing of their author nor their contact — those are on the ad's
public page. The stamp is `maillon.support.selectors.stamps`: the CPTS, its lifecycle step (the
codes of `GET /api/v1/cpts`), its taille, the ACI missions in force today and the absolute URL of
its public page; `null` when no CPTS covers the commune.
"""

import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema
from pydantic import Field

from maillon.members.professions import Profession
from maillon.support import selectors
from maillon.support.models import AdKind
from maillon.territories.models import Commune

from .common import PageNumber, PageSize, page_of
from .errors import validation_error_response
from .presenters import code_name
from .schemas import CommuneRefOut, ValidationErrorOut

router = Router(tags=["Annonces"], auth=None)

PAGE_SIZE = 20
UNKNOWN_COMMUNE = "Commune inconnue : aucun code INSEE « {code} »."
MAX_RADIUS_KM = 100

AdKindCode = Literal[tuple(AdKind.values)]


class AdCptsStampOut(Schema):
    """The CPTS whose current territory holds the ad's commune."""

    id: int
    slug: str
    name: str
    status: str = Field(description="Étape du cycle de vie : les codes de `GET /api/v1/cpts`.")
    status_label: str
    taille: int = Field(description="Taille de la CPTS (1 à 4) selon la population de son territoire aujourd'hui.")
    missions: list[int] = Field(description="Missions (1 à 6) de l'ACI en vigueur aujourd'hui ; [] sans contrat.")
    url: str = Field(description="Adresse de la page publique de la CPTS.")


class PublicAdOut(Schema):
    id: int
    kind: str = Field(description=", ".join(f"{code} ({label})" for code, label in AdKind.choices) + ".")
    title: str
    profession: str = Field(description="Code G15 de la profession (celui de `GET /cpts/{id}/members?profession=`).")
    commune: CommuneRefOut
    published_on: datetime.date | None
    cpts: AdCptsStampOut | None = Field(
        description="La CPTS dont le territoire actuel couvre la commune ; null si aucune ne la couvre."
    )


class PublicAdPageOut(Schema):
    items: list[PublicAdOut]
    count: int


def stamp_dict(request, stamp) -> dict | None:
    if stamp is None:
        return None
    return {
        "id": stamp.id,
        "slug": stamp.slug,
        "name": stamp.name,
        "status": stamp.status,
        "status_label": stamp.status_label,
        "taille": stamp.taille,
        "missions": list(stamp.missions),
        "url": request.build_absolute_uri(stamp.url_path),
    }


def ad_dict(request, ad, stamp) -> dict:
    return {
        "id": ad.pk,
        "kind": ad.kind,
        "title": ad.title,
        "profession": ad.profession,
        "commune": code_name(ad.commune),
        "published_on": ad.published_on,
        "cpts": stamp_dict(request, stamp),
    }


@router.get(
    "/ads",
    response={200: PublicAdPageOut, 422: ValidationErrorOut},
    summary="Annonces publiées, avec la CPTS qui couvre leur commune",
)
def list_ads(
    request,
    commune: Annotated[str | None, Query(max_length=10, description="Code INSEE de la commune de l'annonce")] = None,
    radius_km: Annotated[
        int | None, Query(ge=1, le=MAX_RADIUS_KM, description="Avec `commune` : les annonces à moins de tant de km")
    ] = None,
    profession: Annotated[Profession | None, Query(description="Code G15 (ex. 10 : médecin)")] = None,
    kind: Annotated[AdKindCode | None, Query(description="Nature de l'annonce")] = None,
    departement: Annotated[str | None, Query(max_length=3, description="Code du département (ex. 78)")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Sans connexion : les annonces publiées et non expirées, les plus récentes d'abord, chacune
    marquée de la CPTS dont le territoire actuel couvre sa commune (calculée à la lecture), ou
    `cpts: null`. Un code commune inconnu : 422 sur `commune`."""
    code = ""
    if commune is not None:
        code = commune.strip().upper()
        if not Commune.objects.filter(pk=code).exists():
            return validation_error_response(["query", "commune"], [UNKNOWN_COMMUNE.format(code=commune.strip())])
    ads = selectors.public_ads(
        profession=profession or "",
        kind=kind or "",
        departement=(departement or "").strip(),
        commune=code,
        radius_km=radius_km if code else None,
    )
    shown, count = page_of(ads, page, page_size)
    return {"items": [ad_dict(request, ad, stamp) for ad, stamp in selectors.stamp_all(shown)], "count": count}
