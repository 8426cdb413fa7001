"""Model → response dict conversions shared by the routers."""

import json

from maillon.core.models import Cpts


def code_name(place):
    """A commune, département, région or EPCI as `{code, name}`."""
    return {"code": place.code, "name": place.name}


def person_ref(person):
    """A professional (or a patient) as `{id, first_name, last_name}`."""
    return {"id": person.pk, "first_name": person.first_name, "last_name": person.last_name}


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
        "commune": code_name(conflict.commune),
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


# --- Members. ---


def code_label(value, label):
    return {"code": value, "label": label} if value else None


def practice_place_dict(place):
    structure = place.structure
    return {
        "address": place.address,
        "commune": code_name(place.commune),
        "phone": place.phone,
        "mssante_email": place.mssante_email,
        "is_main": place.is_main,
        "structure": {"id": structure.pk, "name": structure.name} if structure else None,
    }


def professional_ref(professional):
    return {**person_ref(professional), "profession": profession_of(professional)}


def profession_of(row):
    """The `profession` of a professional, a slot or a request, as `{code, label}`."""
    return code_label(row.profession, row.get_profession_display())


def professional_dict(professional):
    """Expects practice_places (with commune and structure) and languages prefetched."""
    return {
        **professional_ref(professional),
        "specialty": code_label(professional.specialty, professional.get_specialty_display()),
        "rpps": professional.rpps,
        "adeli": professional.adeli,
        "email": professional.email,
        "phone": professional.phone,
        "skills": professional.skill_list,
        "languages": sorted(language.code for language in professional.languages.all()),
        "accepts_new_patients": professional.accepts_new_patients,
        "takes_part_in_snp": professional.takes_part_in_snp,
        "practice_places": [practice_place_dict(place) for place in professional.practice_places.all()],
    }


def membership_dict(membership):
    college = membership.college
    return {
        "id": membership.pk,
        "status": membership.status,
        "status_label": membership.get_status_display(),
        "involvement": membership.involvement,
        "involvement_label": membership.get_involvement_display(),
        "college": {"id": college.pk, "name": college.name} if college else None,
        "requested_at": membership.requested_at,
        "joined_on": membership.joined_on,
        "left_on": membership.left_on,
    }


def member_dict(membership):
    return {**membership_dict(membership), "professional": professional_dict(membership.professional)}


def member_detail_dict(membership):
    return {
        **member_dict(membership),
        "leave_reason": membership.leave_reason,
        "fees": [
            {"year": fee.year, "amount": f"{fee.amount:.2f}", "paid_on": fee.paid_on} for fee in membership.fees.all()
        ],
        "events": [
            {"from_status": event.from_status, "to_status": event.to_status, "at": event.at, "note": event.note}
            for event in membership.events.all()
        ],
    }


def structure_dict(membership):
    structure = membership.structure
    return {
        "id": structure.pk,
        "name": structure.name,
        "kind": code_label(structure.kind, structure.get_kind_display()),
        "finess": structure.finess,
        "siret": structure.siret,
        "address": structure.address,
        "commune": code_name(structure.commune),
        "phone": structure.phone,
        "email": structure.email,
        "membership": membership_dict(membership),
    }
