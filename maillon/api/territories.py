"""Public territory tools: simulate a territory before drawing it."""

from ninja import Router

from maillon.core.models import Cpts
from maillon.territories import services
from maillon.territories.services import UnknownCommuneError

from .errors import validation_error_response
from .presenters import conflict_dict, territory_commune_dict
from .schemas import SimulationIn, SimulationOut, ValidationErrorOut

router = Router(tags=["Territoires"], auth=None)


@router.post(
    "/territories/simulate",
    response={200: SimulationOut, 422: ValidationErrorOut},
    summary="Simuler un territoire",
)
def simulate(request, payload: SimulationIn):
    """Population, taille et conflits d'un territoire envisagé ; n'enregistre rien.

    `cpts` (facultatif) : le territoire actuel de cette CPTS ne compte pas comme conflit,
    pour simuler l'extension d'un territoire existant.
    """
    for_cpts = Cpts.objects.filter(pk=payload.cpts).first() if payload.cpts is not None else None
    try:
        simulation = services.simulate(payload.communes, for_cpts=for_cpts)
    except UnknownCommuneError as error:
        return validation_error_response(["body", "payload", "communes"], error.messages)
    return {
        "population": simulation.population,
        "taille": simulation.taille,
        "communes": [territory_commune_dict(commune) for commune in simulation.communes],
        "conflicts": [conflict_dict(conflict) for conflict in simulation.conflicts],
    }
