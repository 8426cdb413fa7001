"""Public reference data: the French communes."""

from typing import Annotated

from ninja import Query, Router, Schema

from maillon.territories.models import Commune, TerritoryCommune
from maillon.territories.services import today

from .common import PageNumber, first_or_404, page_of, page_size
from .presenters import code_name, cpts_ref
from .schemas import CommuneListItemOut, CommuneOut, MessageOut, ValidationErrorOut, postal_codes_of

router = Router(tags=["Communes"], auth=None)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
CommunePageSize = page_size(MAX_PAGE_SIZE)


class CommunePageOut(Schema):
    items: list[CommuneListItemOut]
    count: int


def list_item(commune):
    return {
        "code": commune.code,
        "name": commune.name,
        "departement": code_name(commune.departement),
        "population": commune.population,
        "postal_codes": postal_codes_of(commune),
    }


@router.get("/communes", response={200: CommunePageOut, 422: ValidationErrorOut}, summary="Chercher une commune")
def search_communes(
    request,
    q: Annotated[str, Query(min_length=2, max_length=100, description="Nom ou code postal")],
    page: PageNumber = 1,
    page_size: CommunePageSize = PAGE_SIZE,
):
    """Par nom (sans tenir compte des accents) ou par code postal ; 50 résultats au plus par page."""
    communes = Commune.objects.search(q).select_related("departement").prefetch_related("postal_codes")
    shown, count = page_of(communes, page, page_size)
    return {"items": shown, "count": count}


def covering_cpts(commune):
    row = (
        TerritoryCommune.objects.on(today())
        .filter(commune=commune)
        .select_related("cpts")
        .order_by("-valid_from")
        .first()
    )
    return cpts_ref(row.cpts) if row else None


@router.get("/communes/{code}", response={200: CommuneOut, 404: MessageOut}, summary="Détail d'une commune")
def get_commune(request, code: str):
    """Code INSEE, département, région, EPCI, population, position et CPTS qui la couvre aujourd'hui."""
    communes = Commune.objects.select_related("departement__region", "epci").prefetch_related("postal_codes")
    commune = first_or_404(communes.filter(pk=code.strip().upper()), f"Commune inconnue : aucun code INSEE « {code} ».")
    return {
        **list_item(commune),
        "region": code_name(commune.departement.region),
        "epci": code_name(commune.epci) if commune.epci else None,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "cpts": covering_cpts(commune),
    }
