"""CPTS: public directory and detail; the coordinator's territory change.

Who (`maillon.core.cpts_policies`, as on the pages): anyone reads the directory and the
detail (public data); the coordinators of the CPTS and the platform admins replace its
territory. Anyone else without a role in the CPTS gets 404, as for a CPTS that does not
exist; a member gets 403.
"""

from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, Sum
from ninja import Query, Status
from ninja.errors import HttpError

from maillon.core import cpts_policies
from maillon.core.models import Cpts, CptsStatus
from maillon.territories import services
from maillon.territories.models import TerritoryCommune
from maillon.territories.services import TerritoryConflictError, UnknownCommuneError
from maillon.territories.taille import taille_for_population

from .common import CptsRouter, cpts_or_404, get_cpts_or_404
from .errors import validation_error_response
from .presenters import conflict_dict, cpts_ref, feature_collection, territory_commune_dict
from .schemas import (
    ConflictErrorOut,
    CptsListItemOut,
    CptsOut,
    IsoDate,
    MessageOut,
    TerritoryIn,
    TerritoryOut,
    ValidationErrorOut,
)

router = CptsRouter(tags=["CPTS"])

COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS peuvent modifier son territoire."
CONFLICT = "Des communes sont déjà dans le territoire d'une autre CPTS : rien n'a été enregistré."


def in_force_on(date):
    """Territory rows in force on `date`, as a filter from Cpts."""
    return Q(territory_rows__valid_from__lte=date) & (
        Q(territory_rows__valid_to__isnull=True) | Q(territory_rows__valid_to__gt=date)
    )


def status_fields(cpts):
    return {"status": cpts.status, "status_label": cpts.get_status_display()}


def list_item(cpts, population):
    return {
        **cpts_ref(cpts),
        **status_fields(cpts),
        "population": population,
        "taille": taille_for_population(population),
    }


@router.get(
    "/cpts", response={200: list[CptsListItemOut], 422: ValidationErrorOut}, auth=None, summary="Lister les CPTS"
)
def list_cpts(
    request,
    status: Annotated[CptsStatus | None, Query(description="Étape du cycle de vie")] = None,
    departement: Annotated[str | None, Query(max_length=3, description="Code du département (ex. 78)")] = None,
):
    """Toutes les CPTS, avec leur population et leur taille d'aujourd'hui."""
    on = services.today()
    cpts_list = Cpts.objects.annotate(population=Sum("territory_rows__commune__population", filter=in_force_on(on)))
    if status:
        cpts_list = cpts_list.filter(status=status)
    if departement:
        in_departement = TerritoryCommune.objects.on(on).filter(commune__departement_id=departement.upper())
        cpts_list = cpts_list.filter(pk__in=in_departement.values("cpts_id"))
    return [list_item(cpts, cpts.population or 0) for cpts in cpts_list.order_by("name")]


@router.get(
    "/cpts/{int:cpts_id}",
    response={200: CptsOut, 404: MessageOut, 422: ValidationErrorOut},
    auth=None,
    summary="Détail d'une CPTS",
)
def get_cpts(
    request,
    cpts_id: int,
    on: Annotated[IsoDate | None, Query(description="Date ; aujourd'hui par défaut")] = None,
):
    """Étape, historique des étapes, population, taille, communes et territoire en GeoJSON."""
    cpts = get_cpts_or_404(cpts_id)
    on = on or services.today()
    communes = list(services.communes_on(cpts, on).order_by("code"))
    population = sum(commune.population for commune in communes)
    steps = [
        {"date": step.date, "status": step.to_status, "status_label": step.get_to_status_display()}
        for step in cpts.steps.order_by("date", "at", "pk")
    ]
    return {
        **list_item(cpts, population),
        "email": cpts.email,
        "phone": cpts.phone,
        "website": cpts.website,
        "on": on,
        "steps": steps,
        "communes": [territory_commune_dict(commune) for commune in communes],
        "territory": feature_collection(communes),
    }


@router.put(
    "/cpts/{int:cpts_id}/territory",
    response={200: TerritoryOut, 409: ConflictErrorOut},
    summary="Remplacer le territoire d'une CPTS",
)
def put_territory(request, cpts_id: int, payload: TerritoryIn):
    """Le territoire devient exactement la liste donnée, à la date d'effet ; tout ou rien.

    Réservé aux coordinateurs de la CPTS. Une commune déjà dans le territoire d'une
    autre CPTS fait tout refuser (409), en nommant cette CPTS.
    """
    user = request.auth
    # 404 outside the members' space (as for a CPTS that does not exist), 403 for a member.
    cpts = cpts_or_404(request, cpts_id, cpts_policies.can_see_dashboard)
    if not cpts_policies.can_edit_territory(user, cpts):
        raise HttpError(403, COORDINATOR_ONLY)
    valid_from = payload.valid_from or services.today()
    try:
        change = services.set_territory(cpts, payload.communes, on=valid_from, by=user)
    except TerritoryConflictError as error:
        return Status(409, {"detail": CONFLICT, "conflicts": [conflict_dict(c) for c in error.conflicts]})
    except UnknownCommuneError as error:
        return validation_error_response(["body", "payload", "communes"], error.messages)
    except DjangoValidationError as error:
        return validation_error_response(["body", "payload"], error.messages)
    # The territory as it now stands (a back-dated change may precede later ones).
    population = services.current_population(cpts)
    return {
        "cpts": cpts_ref(cpts),
        "valid_from": valid_from,
        "added": change.added,
        "removed": change.removed,
        "population": population,
        "taille": taille_for_population(population),
    }
