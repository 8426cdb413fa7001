"""Request and response shapes of the API (they make the OpenAPI schema)."""

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from maillon.core import dates
from maillon.members.models import Involvement
from maillon.members.professions import StructureKind

# --- Dates of requests (bodies and query parameters) ---------------------------------------
# ISO strings only: pydantic alone reads `0` or "1679616000" as a Unix time (1970-01-01…).
# Within a sane range (maillon.core.dates): years 1900 to 2100; a birth date up to today.

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?")


def iso_only(pattern, kind, error_type):
    def check(value):
        if isinstance(value, kind):
            return value
        if not isinstance(value, str) or not pattern.fullmatch(value.strip()):
            raise PydanticCustomError(error_type, "ISO 8601 string expected")
        return value.strip()

    check.iso_only = True  # tests/api/test_api_bounds.py finds the fields that use it
    return BeforeValidator(check)


def in_range(value):
    if not dates.in_event_range(value):
        raise PydanticCustomError(
            "date_range", "out of range", {"min": dates.EARLIEST.isoformat(), "max": dates.LATEST.isoformat()}
        )
    return value


def plausible_birth(value):
    message = dates.birth_date_error(value)
    if message:
        raise PydanticCustomError("birth_date_range", message)
    return value


# A date of an event (`AAAA-MM-JJ`, 1900 to 2100) and a date-time (ISO 8601, same years).
IsoDate = Annotated[datetime.date, iso_only(ISO_DATE, datetime.date, "date_type"), AfterValidator(in_range)]
IsoDateTime = Annotated[
    datetime.datetime, iso_only(ISO_DATETIME, datetime.datetime, "datetime_type"), AfterValidator(in_range)
]
# A birth date: `AAAA-MM-JJ`, from 1900-01-01 to today.
BirthDate = Annotated[datetime.date, iso_only(ISO_DATE, datetime.date, "date_type"), AfterValidator(plausible_birth)]

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


class TerritoryConflictOut(Schema):
    """A commune already in another CPTS's territory."""

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
    conflicts: list[TerritoryConflictOut]


class TerritoryIn(Schema):
    communes: list[CommuneCode] = Field(max_length=MAX_COMMUNES, examples=[["78646", "78158"]])
    valid_from: IsoDate | None = Field(None, description="Date d'effet ; aujourd'hui par défaut.")


class TerritoryOut(Schema):
    cpts: CptsRefOut
    valid_from: datetime.date
    added: list[str]
    removed: list[str]
    population: int
    taille: int


class ConflictErrorOut(Schema):
    detail: str
    conflicts: list[TerritoryConflictOut]


class FundingLineFields(Schema):
    """A line of `contracts.funding_table.api_lines` (simulator and contract)."""

    mission: int | None = Field(description="Numéro de la mission ; null pour le fonctionnement.")
    mission_label: str
    part: str
    label: str
    envelope: Decimal
    amount: Decimal
    detail: str


class MessageOut(Schema):
    detail: str


class ConflictOut(Schema):
    """An illegal transition (409): the phrase, and the state the object is in."""

    detail: str
    status: str
    status_label: str


class ValidationItemOut(Schema):
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    detail: list[ValidationItemOut]


# What every private operation may answer before it runs: 401 (no valid token nor session) and
# 429 (too many refused tokens from the client's address, core.token_failures).
AUTH_ERRORS = {401: MessageOut, 429: MessageOut}
# The errors an operation on a CPTS's data answers (the defaults of `common.CptsRouter`): those of
# AUTH_ERRORS, 403 (a role without the right), 404, 422; a write adds 409 (a rule of the domain
# refused it); a transition says `409: ConflictOut` (the object's state), or `409: ConflictOut |
# MessageOut` when another rule may refuse it too. A module whose operations answer fewer says its own.
ERRORS = {401: MessageOut, 403: MessageOut, 404: MessageOut, 422: ValidationErrorOut, 429: MessageOut}
WRITE_ERRORS = {**ERRORS, 409: MessageOut}
# A read answers 404 for all the user may not see; its 403 is only a token without the read
# scope of the operation's area (core.token_scopes), never a role without the right.
READ_ERRORS = {401: MessageOut, 403: MessageOut, 404: MessageOut, 422: ValidationErrorOut, 429: MessageOut}
# The crisis plan and the dialogue de gestion document no 422.
READ_ERRORS_NO_422 = {401: MessageOut, 403: MessageOut, 404: MessageOut, 429: MessageOut}
WRITE_ERRORS_NO_422 = {401: MessageOut, 403: MessageOut, 404: MessageOut, 409: MessageOut, 429: MessageOut}


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


# --- Members (issue 3): adhesions of professionals and structures. ---

Text100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Text300 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class CodeLabelOut(Schema):
    code: str
    label: str


class CollegeRefOut(Schema):
    id: int
    name: str


class StructureRefOut(Schema):
    id: int
    name: str


class PracticePlaceOut(Schema):
    address: str
    commune: CommuneRefOut
    phone: str
    mssante_email: str
    is_main: bool
    structure: StructureRefOut | None


class ProfessionalOut(Schema):
    id: int
    first_name: str
    last_name: str
    profession: CodeLabelOut
    specialty: CodeLabelOut | None
    rpps: str | None
    adeli: str | None
    email: str
    phone: str
    skills: list[str]
    languages: list[str] = Field(description="Codes ISO 639 (fsl : langue des signes française).")
    accepts_new_patients: bool
    takes_part_in_snp: bool
    practice_places: list[PracticePlaceOut]


class MembershipOut(Schema):
    id: int
    status: str
    status_label: str
    involvement: str
    involvement_label: str
    college: CollegeRefOut | None
    requested_at: datetime.datetime
    joined_on: datetime.date | None
    left_on: datetime.date | None


class FeeOut(Schema):
    year: int
    amount: str = Field(description="Euros, chaîne décimale à deux décimales.")
    paid_on: datetime.date | None


class MembershipEventOut(Schema):
    from_status: str
    to_status: str
    at: datetime.datetime
    note: str


class MemberOut(MembershipOut):
    professional: ProfessionalOut


def mission_numbers(**kwargs):
    return Field(description="Numéros des missions de la CPTS (1 à 6) auxquelles l'adhérent participe.", **kwargs)


class MemberDetailOut(MemberOut):
    missions: list[int] = mission_numbers()
    leave_reason: str
    fees: list[FeeOut]
    events: list[MembershipEventOut]


class MemberPageOut(Schema):
    items: list[MemberOut]
    count: int


class MemberIn(Schema):
    """A professional (found again by RPPS or ADELI, or created) and their adhesion."""

    first_name: Name
    last_name: Name
    profession: Text100 = Field(description="Code G15 (ex. 60) ou libellé (Infirmière, Médecin généraliste, IPA…).")
    specialty: Text100 = Field("", description="Code ou libellé : SM54 / Médecine générale, specialist, biology, ipa.")
    rpps: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""
    adeli: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""
    email: Text200 = ""
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""
    address: Text300 = ""
    commune: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5)] = Field(
        "", description="Code INSEE de la commune d'exercice."
    )
    college_id: int | None = None
    involvement: Involvement = Involvement.MAILING_LIST
    missions: list[int] = Field(
        default_factory=list,
        max_length=6,
        description="Numéros des missions (1 à 6) ; sans implication précisée, l'adhérent « participe à une mission ».",
    )
    skills: list[Text100] = Field(default_factory=list, max_length=50)
    languages: list[Annotated[str, StringConstraints(max_length=8)]] = Field(default_factory=list, max_length=30)
    accepts_new_patients: bool = False
    takes_part_in_snp: bool = False


class MembershipPatchIn(Schema):
    """Only the fields sent change; `college_id: null` takes the member out of any collège."""

    college_id: int | None = None
    involvement: Involvement | None = None
    missions: list[int] | None = Field(
        None,
        max_length=6,
        description="Remplace les missions (1 à 6) ; [] les retire. Seulement pour « mission » ou « project_lead ».",
    )
    action: Literal["accept", "refuse", "leave"] | None = Field(
        None, description="accept / refuse une demande en attente ; leave : départ d'un adhérent."
    )
    on: IsoDate | None = Field(None, description="Date de l'adhésion (accept) ou du départ (leave).")
    reason: Text200 = Field("", description="Motif du refus ou du départ.")


class StructureOut(Schema):
    id: int
    name: str
    kind: CodeLabelOut
    finess: str | None
    siret: str | None
    address: str
    commune: CommuneRefOut
    phone: str
    email: str
    membership: MembershipOut
    missions: list[int] = mission_numbers()


class StructurePageOut(Schema):
    items: list[StructureOut]
    count: int


class StructureIn(Schema):
    """A structure (found again by FINESS or SIRET, or created) and its adhesion."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    kind: StructureKind
    finess: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""
    siret: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""
    address: Text300 = ""
    commune: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5)] = Field(
        description="Code INSEE de la commune."
    )
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = ""
    email: Text200 = ""
    college_id: int | None = None
    involvement: Involvement = Involvement.MAILING_LIST
    missions: list[int] = mission_numbers(default_factory=list, max_length=6)
