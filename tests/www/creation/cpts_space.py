"""The people and the projet de santé the tests of the creation pages of a CPTS's space share
(helper B's tests: steps, grant, projet de santé, lifecycle)."""

import re
from html import unescape

from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.missions import SOCLE
from maillon.creation import services
from maillon.territories.models import TerritoryRole, TerritoryRoleKind
from tests.conftest import verified_client

ARS = "ARS Île-de-France"
CPAM = "CPAM des Yvelines"


def departement_of(cpts):
    return cpts.territory_rows.select_related("commune__departement").first().commune.departement


def ars_authority(cpts, *, role=TerritoryRoleKind.AUTHORITY):
    """An ARS officer over the région of the CPTS."""
    user = UserFactory(with_totp=True)
    TerritoryRole.objects.create(user=user, role=role, region=departement_of(cpts).region, organisation=ARS)
    return user


def cpam_authority(cpts):
    """An Assurance Maladie authority over the département of the CPTS."""
    user = UserFactory(with_totp=True)
    TerritoryRole.objects.create(
        user=user, role=TerritoryRoleKind.AUTHORITY, departement=departement_of(cpts), organisation=CPAM
    )
    return user


def other_coordinator(other_cpts):
    return CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user


def logged_in(user):
    return verified_client(user)


def url(name, cpts, *args):
    return reverse(name, args=[cpts.slug, *args])


SHEET = {
    "title": "Guichet médecin traitant",
    "need": "Des patients en ALD sans médecin traitant.",
    "objective": "Trouver un médecin traitant à chacun.",
    "target_population": "Patients en ALD",
    "actions": "Un guichet unique ; des places ouvertes.",
    "owner": "Dr Claire Martin",
    "partners": "CPAM des Yvelines",
    "calendar": "Dès 2027",
    "budget": "12000",
    "indicators": "Patients en ALD sans médecin traitant\nDélai moyen de prise en charge",
}


def complete_draft(cpts, by=None, *, missions=SOCLE):
    """A draft version ready to be submitted: a diagnosis and one fiche-action per mission."""
    version = services.start_version(cpts, by=by)
    services.save_diagnosis(version, by=by, diagnosis="Un territoire rural vieillissant.", missions=missions)
    for section in version.sections.all():
        fields = {**SHEET, "title": f"Fiche de la mission {section.mission}", "budget": None}
        services.save_sheet(section, by=by, **fields)
    return version


def plain(response) -> str:
    """The page's text without its tags, spaces collapsed (« 15 000,00 € accordés »)."""
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"[ \t\r\n]+", " ", unescape(words))
