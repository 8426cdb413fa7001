"""Model → response dict conversions shared by the routers."""

import json

from maillon.core.models import Cpts


def departement_dict(departement):
    return {"code": departement.code, "name": departement.name}


def cpts_ref(cpts: Cpts):
    return {"id": cpts.pk, "slug": cpts.slug, "name": cpts.name}


def territory_commune_dict(commune):
    return {
        "code": commune.code,
        "name": commune.name,
        "population": commune.population,
        "departement": commune.departement_id,
    }


def conflict_dict(conflict):
    return {
        "commune": {"code": conflict.commune.code, "name": conflict.commune.name},
        "cpts": cpts_ref(conflict.cpts),
        "message": conflict.message,
    }


def feature_collection(communes):
    """GeoJSON of the territory: one feature per commune, from the stored contour text."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": commune.code,
                "geometry": json.loads(commune.contour) if commune.contour else None,
                "properties": {"code": commune.code, "name": commune.name, "population": commune.population},
            }
            for commune in communes
        ],
    }
