"""Request and response shapes of the API (they make the OpenAPI schema)."""

import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

# Enough for the largest territory one could draw (a whole département has < 900 communes).
MAX_COMMUNES = 2000

CommuneCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10)]


class DepartementOut(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str
    name: str


class EpciOut(Schema):
    code: str
    name: str


class CommuneRefOut(Schema):
    code: str
    name: str


class CptsRefOut(Schema):
    id: int
    slug: str
    name: str


def postal_codes_of(commune) -> list[str]:
    return sorted({postal.code for postal in commune.postal_codes.all()})


class CommuneListItemOut(Schema):
    code: str
    name: str
    departement: DepartementOut
    population: int
    postal_codes: list[str]

    @staticmethod
    def resolve_postal_codes(commune):
        return postal_codes_of(commune)


class CommuneOut(Schema):
    code: str
    name: str
    departement: DepartementOut
    region: RegionOut
    epci: EpciOut | None
    population: int
    latitude: float | None
    longitude: float | None
    postal_codes: list[str]
    cpts: CptsRefOut | None = Field(description="La CPTS dont le territoire couvre la commune aujourd'hui.")


class TerritoryCommuneOut(Schema):
    code: str
    name: str
    population: int
    departement: str


class StepOut(Schema):
    date: datetime.date
    status: str
    status_label: str


class CptsListItemOut(Schema):
    id: int
    slug: str
    name: str
    status: str
    status_label: str
    population: int
    taille: int


class FeatureCollectionOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]


class CptsOut(CptsListItemOut):
    email: str
    phone: str
    website: str
    on: datetime.date = Field(description="Date à laquelle le territoire est donné.")
    steps: list[StepOut]
    communes: list[TerritoryCommuneOut]
    territory: FeatureCollectionOut


class ConflictOut(Schema):
    commune: CommuneRefOut
    cpts: CptsRefOut
    message: str


class SimulationIn(Schema):
    communes: list[CommuneCode] = Field(min_length=1, max_length=MAX_COMMUNES, examples=[["78646", "78158"]])
    cpts: int | None = Field(
        None, description="Identifiant d'une CPTS dont le territoire actuel ne compte pas comme un conflit."
    )


class SimulationOut(Schema):
    population: int
    taille: int
    communes: list[TerritoryCommuneOut]
    conflicts: list[ConflictOut]


class TerritoryIn(Schema):
    communes: list[CommuneCode] = Field(max_length=MAX_COMMUNES, examples=[["78646", "78158"]])
    valid_from: datetime.date | None = Field(None, description="Date d'effet ; aujourd'hui par défaut.")


class TerritoryOut(Schema):
    cpts: CptsRefOut
    valid_from: datetime.date
    added: list[str]
    removed: list[str]
    population: int
    taille: int


class ConflictErrorOut(Schema):
    detail: str
    conflicts: list[ConflictOut]


class MessageOut(Schema):
    detail: str


class ValidationItemOut(Schema):
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[ValidationItemOut]


class CptsRoleOut(Schema):
    cpts: CptsRefOut
    role: str
    role_label: str


class TerritoryRoleOut(Schema):
    role: str
    role_label: str
    organisation: str
    departement: DepartementOut | None
    region: RegionOut | None


class MeOut(Schema):
    email: str
    first_name: str
    last_name: str
    is_platform_admin: bool
    cpts_roles: list[CptsRoleOut]
    territory_roles: list[TerritoryRoleOut]
