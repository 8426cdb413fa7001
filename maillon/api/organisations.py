"""Organisations (an ARS, the Assurance Maladie, a URPS, a federation): the list, one
organisation with the regional discussion groups it hosts and — for its managers and the
platform admin only — its people (docs/api.md).

Who: the rules of maillon/organisations/policies.py, the ones the pages ask too. Any signed-in
person reads the list and an organisation's public face (name, kind, scope); the people
(names, addresses, roles) are given to the organisation's managers and the platform admin
alone, `null` to anyone else. The groups named are those the caller reads.
"""

from typing import Literal

from ninja import Schema
from pydantic import Field

from maillon.core import journal
from maillon.discussions import policies as discussion_policies
from maillon.discussions.models import SpaceKind
from maillon.organisations import policies
from maillon.organisations.models import OrganisationKind

from .common import CptsRouter, PageNumber, first_or_404, page_of, page_size
from .schemas import READ_ERRORS, RegionOut

router = CptsRouter(tags=["Organisations"], read_errors=READ_ERRORS)

PAGE_SIZE = 50
PageSize = page_size(100)
ORGANISATION_NOT_FOUND = "Organisation introuvable."

OrganisationKindCode = Literal[tuple(OrganisationKind.values)]


# --- Schemas -------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: RegionOut | None = Field(description="null : l'organisation agit sur toute la France.")
    scope_label: str = Field(description="Le nom de la région, ou « France entière ».")
    managed: bool = Field(description="Vous êtes gestionnaire de cette organisation.")


class OrganisationPageOut(Schema):
    items: list[OrganisationOut]
    count: int


class OrganisationPersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    role: str = Field(description="manager (gestionnaire) ou member (membre).")
    role_label: str


class OrganisationGroupOut(Schema):
    id: int = Field(description="L'identifiant de l'espace de discussion (`/discussions/spaces/{space_id}`).")
    name: str
    signup_open: bool
    archived: bool


class OrganisationDetailOut(OrganisationOut):
    people: list[OrganisationPersonOut] | None = Field(
        description="Gestionnaires et membres ; null sauf pour ses gestionnaires et l'administration de la plateforme."
    )
    groups: list[OrganisationGroupOut] = Field(description="Les groupes régionaux qu'elle accueille et que vous lisez.")


# --- Presenters ----------------------------------------------------------------------------


def organisation_dict(organisation, user) -> dict:
    region = organisation.region
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": organisation.get_kind_display(),
        "region": {"code": region.code, "name": region.name} if region else None,
        "scope_label": organisation.scope_label,
        "managed": policies.is_manager(user, organisation),
    }


def person_dict(person) -> dict:
    user = person.user
    return {
        "id": person.pk,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": person.role,
        "role_label": person.get_role_display(),
    }


# --- Operations ----------------------------------------------------------------------------


@router.get("/organisations", response=OrganisationPageOut, summary="Organisations")
def list_organisations(
    request,
    kind: OrganisationKindCode | None = None,
    mine: bool = False,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par nom. Filtres : `kind` (ars, assurance_maladie, urps, federation, other) ; `mine=true` :
    celles dont vous êtes gestionnaire. Toute personne connectée."""
    user = request.auth
    organisations = policies.managed_organisations(user) if mine else policies.visible_organisations(user)
    if kind:
        organisations = organisations.filter(kind=kind)
    shown, count = page_of(organisations.order_by("name", "pk"), page, page_size)
    return {"items": [organisation_dict(organisation, user) for organisation in shown], "count": count}


@router.get(
    "/organisations/{int:organisation_id}", response=OrganisationDetailOut, summary="Une organisation et ses personnes"
)
def get_organisation(request, organisation_id: int):
    """Ses personnes (`people`) pour ses gestionnaires et l'administration de la plateforme
    seulement (`null` sinon) ; les groupes régionaux qu'elle accueille et que vous lisez."""
    user = request.auth
    organisation = first_or_404(policies.visible_organisations(user).filter(pk=organisation_id), ORGANISATION_NOT_FOUND)
    answer = organisation_dict(organisation, user)
    people = None
    if policies.can_see_people(user, organisation):
        people = [person_dict(person) for person in organisation.people.select_related("user")]
        # As the organisation's page does: one entry for the list shown (field names only).
        journal.record(
            journal.Action.READ,
            object_type="organisations.OrganisationPerson",
            object_id=f"organisation:{organisation.pk}",
            fields=["user", "role"],
            note=f"{len(people)} personne{'s' if len(people) > 1 else ''} (API)",
        )
    answer["people"] = people
    groups = discussion_policies.readable_spaces(user).filter(organisation=organisation, kind=SpaceKind.REGIONAL_GROUP)
    answer["groups"] = [
        {"id": space.pk, "name": space.name, "signup_open": space.signup_open, "archived": space.is_archived}
        for space in groups.order_by("name", "pk")
    ]
    return answer
