"""Builders shared by the domain tests of the creation of a CPTS: a letter filed through the
service, the officers of an ARS or a CPAM, a projet de santé written, submitted, validated."""

from maillon.core.missions import SOCLE
from maillon.core.models import CptsStatus
from maillon.creation import services
from maillon.creation.models import Funder, ReviewDecision
from maillon.territories.factories import DepartementFactory, RegionFactory
from maillon.territories.models import TerritoryRole, TerritoryRoleKind

# Numbers whose keys hold (RPPS and FINESS: Luhn; SIRET: La Poste's).
RPPS = "10100901734"
FINESS = "750712184"
SIRET = "73282932000074"


def professional(**overrides) -> services.PromoterIn:
    fields = {"kind": "professional", "name": "Dr Claire Martin", "email": "claire.martin@exemple.fr"}
    return services.PromoterIn(**fields | {"profession": "10", "rpps": RPPS} | overrides)


def structure(**overrides) -> services.PromoterIn:
    fields = {"kind": "structure", "name": "Maison de santé des Tilleuls", "email": "msp@exemple.fr"}
    return services.PromoterIn(**fields | {"finess": FINESS} | overrides)


def file_letter(communes, **overrides):
    """A letter filed through the service over `communes` (instances or codes)."""
    fields = {
        "project_name": "CPTS du Val Test",
        "legal_form": "association_1901",
        "professions": ["10", "60"],
        "needs": "Des patients sans médecin traitant.",
        "contact_name": "Dr Claire Martin",
        "contact_email": "claire.martin@exemple.fr",
        "communes": [getattr(commune, "code", commune) for commune in communes],
        "promoters": [professional()],
    }
    return services.file_letter(**fields | overrides)


def other_region_departement():
    """A département of another région than the factories' Île-de-France."""
    return DepartementFactory(code="33", name="Gironde", region=RegionFactory(code="75", name="Nouvelle-Aquitaine"))


def officer(user, *, role=TerritoryRoleKind.AUTHORITY, organisation="ARS Île-de-France", region=None, departement=None):
    """A territorial role over a région or a département (exactly one)."""
    return TerritoryRole.objects.create(
        user=user, role=role, organisation=organisation, region=region, departement=departement
    )


def write_project(version, *, by=None, missions=SOCLE):
    """A draft ready to submit: a diagnosis and one fiche-action per mission taken on."""
    services.save_diagnosis(version, by=by, diagnosis="Un territoire rural vieillissant.", missions=missions)
    for section in version.sections.all():
        services.save_sheet(section, by=by, **sheet_fields(title=f"Fiche de la mission {section.mission}"))
    version.refresh_from_db()
    return version


def sheet_fields(**overrides) -> dict:
    fields = {
        "title": "Dépister le cancer colorectal",
        "need": "Un taux de dépistage sous la moyenne du département.",
        "objective": "Atteindre 40 % de participation en trois ans.",
        "target_population": "Personnes de 50 à 74 ans",
        "actions": "Stands en pharmacie ; relance par les médecins traitants.",
        "owner": "Dr Claire Martin",
        "partners": "CPAM, centre régional de coordination des dépistages",
        "calendar": "2026-2028",
        "budget": "4500.00",
        "indicators": "Taux de participation au dépistage\nNombre de kits remis",
    }
    return fields | overrides


def submitted_project(cpts, *, by=None, missions=SOCLE):
    version = services.start_version(cpts, by=by)
    write_project(version, by=by, missions=missions)
    return services.submit_project(version, by=by)


def validated_project(cpts, *, ars, cpam, by=None, missions=SOCLE):
    version = submitted_project(cpts, by=by, missions=missions)
    services.review_project(version, by=ars, funder=Funder.ARS, decision=ReviewDecision.VALIDATED)
    services.review_project(version, by=cpam, funder=Funder.ASSURANCE_MALADIE, decision=ReviewDecision.VALIDATED)
    version.refresh_from_db()
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_VALIDATED
    return version
