"""Support for professionals (mission 6): training supervisors, placements and the trainees'
applications, housing for trainees and its bookings, installation projects and their steps, the
CPTS's ads and their moderation, tutoring pairs, cross-trainings, shared equipment and its
bookings, the CPTS's public page (docs/api.md, docs/support.md).

Who: the rules of maillon/support/policies.py, the ones the pages ask too. Any role in the CPTS
uses mission 6; nobody else, a platform admin included: 404, as for a CPTS that does not exist
(authorities and observers read mission 6 through the ACI indicators). What the caller may not
see answers 404 with the body of a missing one; what they see but may not do, 403; what they
could do were it in another state, 409 with the state (`ConflictOut`). A refusal of the domain
that names a field of the body answers 422 on that field, nothing written.

One public operation: `GET /cpts/{id}/internships`, the open placements and the housing with
free rooms, without any personal data (no supervisor's name, no host nor address).
"""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core.models import User
from maillon.members.models import Membership
from maillon.members.professions import Profession
from maillon.support import policies, selectors, services
from maillon.support.models import (
    Ad,
    AdKind,
    AdStatus,
    ApplicationStatus,
    BookingStatus,
    Equipment,
    EquipmentBooking,
    EquipmentKind,
    Housing,
    HousingBooking,
    InstallationProject,
    InstallationStatus,
    InstallationStepKind,
    Placement,
    PlacementApplication,
    PlacementStatus,
    Supervisor,
    TraineeLevel,
    Tutoring,
    TutoringStatus,
)
from maillon.territories.models import Commune

from .common import (
    CptsRouter,
    PageNumber,
    PageSize,
    aware,
    cpts_or_404,
    first_or_404,
    get_cpts_or_404,
    page_of,
    required,
)
from .errors import InvalidField, refusals_as_409, validation_error_response
from .presenters import code_name
from .schemas import (
    READ_ERRORS,
    CommuneRefOut,
    ConflictOut,
    IsoDate,
    IsoDateTime,
    MessageOut,
    Text200,
    Text300,
    ValidationErrorOut,
)

router = CptsRouter(tags=["Accompagnement des professionnels"], read_errors=READ_ERRORS)

PAGE_SIZE = 20
BASE = "/cpts/{int:cpts_id}/support"

SUPERVISOR_NOT_FOUND = "Maître de stage introuvable."
PLACEMENT_NOT_FOUND = "Stage introuvable."
APPLICATION_NOT_FOUND = "Candidature introuvable."
HOUSING_NOT_FOUND = "Logement introuvable."
HOUSING_BOOKING_NOT_FOUND = "Réservation de logement introuvable."
INSTALLATION_NOT_FOUND = "Projet d'installation introuvable."
AD_NOT_FOUND = "Annonce introuvable."
TUTORING_NOT_FOUND = "Binôme de tutorat introuvable."
CROSS_TRAINING_NOT_FOUND = "Formation croisée introuvable."
EQUIPMENT_NOT_FOUND = "Matériel introuvable."
EQUIPMENT_BOOKING_NOT_FOUND = "Réservation de matériel introuvable."

MANAGERS_ONLY = "Accompagnement : seuls les coordinateurs d'une CPTS en activité font cette action."
DECIDERS_ONLY = "Candidature : seuls les coordinateurs et le maître de stage du stage en décident."
FOLLOWERS_ONLY = "Installation : seuls les coordinateurs de la CPTS suivent un projet d'installation."
SUBMITTERS_ONLY = "Annonces : seuls les adhérents et les coordinateurs d'une CPTS en activité en déposent."
EDITORS_ONLY = (
    "Annonce : les coordinateurs la modifient tant qu'elle attend ou est publiée ; son auteur, tant qu'elle attend "
    "la modération."
)
MODERATORS_ONLY = "Annonce : seuls les coordinateurs de la CPTS la modèrent."
CLOSERS_ONLY = "Annonce : seuls son auteur et les coordinateurs la déclarent pourvue ou la retirent."
TUTORING_MANAGERS_ONLY = "Tutorat : seuls les coordinateurs de la CPTS forment les binômes."
TUTORING_ENDERS_ONLY = "Tutorat : seuls les coordinateurs et le tuteur ou la tutrice terminent un binôme."
BOOKERS_ONLY = "Matériel : seuls les adhérents professionnels et les coordinateurs d'une CPTS en activité le réservent."
BOOKING_CANCELLERS_ONLY = "Réservation : seuls l'emprunteur et les coordinateurs l'annulent."
SITE_EDITORS_ONLY = "Page publique : seuls les coordinateurs de la CPTS la modifient."

UNKNOWN_ADHERENT = "{label} : choisissez l'adhésion active d'un professionnel de la CPTS."
UNKNOWN_COMMUNE = "Commune : aucun code INSEE « {code} »."
UNKNOWN_SUPERVISOR = "Maître de stage : choisissez un maître de stage actif de la CPTS."
UNKNOWN_PLACEMENT = "Stage : choisissez un stage de la CPTS que vous voyez."
UNKNOWN_INSTALLATION = "Installation : choisissez un projet d'installation de la CPTS que vous suivez."
UNKNOWN_REFERENT = "Suivi par : choisissez une personne qui a un rôle dans la CPTS."
ALREADY_SUPERVISOR = "Adhérent : cet adhérent est déjà maître de stage de la CPTS."
BAD_EMAIL = "{label} : adresse électronique invalide."
NO_OWN_ADHESION = "Emprunteur : il faut une adhésion active de professionnel dans la CPTS pour réserver."
OWN_ADHESION_ONLY = "Emprunteur : vous réservez pour votre propre adhésion ; les coordinateurs pour un autre adhérent."
BAD_VISIO_URL = "Lien de visioconférence : adresse web invalide (https://…)."
PERIOD_TOO_LONG = "Période : {days} nuits au plus."
PERIOD_BACKWARDS = "Période : la fin doit suivre le début."

# The choices as literals: the schema names no enum component.
TraineeLevelCode = Literal[tuple(TraineeLevel.values)]
PlacementStatusCode = Literal[tuple(PlacementStatus.values)]
ApplicationStatusCode = Literal[tuple(ApplicationStatus.values)]
BookingStatusCode = Literal[tuple(BookingStatus.values)]
InstallationStatusCode = Literal[tuple(InstallationStatus.values)]
StepKindCode = Literal[tuple(InstallationStepKind.values)]
AdKindCode = Literal[tuple(AdKind.values)]
AdStatusCode = Literal[tuple(AdStatus.values)]
TutoringStatusCode = Literal[tuple(TutoringStatus.values)]
EquipmentKindCode = Literal[tuple(EquipmentKind.values)]
ProfessionCode = Literal[tuple(Profession.values)]

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
AdTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Code50 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
CommuneCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=2)]

# The longest period an availability or the public page reads, in days.
MAX_PERIOD_DAYS = 92
PUBLIC_PERIOD_DAYS = 30


# --- Schemas -------------------------------------------------------------------------------


class SupportAdherentOut(Schema):
    id: int = Field(description="L'adhésion.")
    name: str


class SupportUserOut(Schema):
    id: int = Field(description="Le compte.")
    name: str


class SupportCodeLabelOut(Schema):
    code: str
    label: str


class SupportSupervisorOut(Schema):
    id: int
    membership: SupportAdherentOut
    profession_label: str
    levels: list[SupportCodeLabelOut] = Field(description="Les niveaux de stagiaires accueillis.")
    capacity: int = Field(description="Places par semestre (1 à 6).")
    accreditation_number: str
    accredited_by: str
    accredited_until: datetime.date | None
    active: bool
    created_at: datetime.datetime


class SupportSupervisorPageOut(Schema):
    items: list[SupportSupervisorOut]
    count: int


class SupportSupervisorIn(Schema):
    membership: int = Field(description="L'adhésion active d'un professionnel de la CPTS.")
    levels: list[TraineeLevelCode] = Field(min_length=1, max_length=len(TraineeLevel.values))
    capacity: int = Field(1, ge=1, le=6, description="Places par semestre.")
    accreditation_number: Code50 = ""
    accredited_by: Text200 = Field("", description="La faculté ou l'institut qui a donné l'agrément.")
    accredited_until: IsoDate | None = None
    active: bool = True


class SupportSupervisorPatchIn(Schema):
    """Only the fields sent change."""

    levels: list[TraineeLevelCode] | None = Field(None, min_length=1, max_length=len(TraineeLevel.values))
    capacity: int | None = Field(None, ge=1, le=6)
    accreditation_number: Code50 | None = None
    accredited_by: Text200 | None = None
    accredited_until: IsoDate | None = None
    active: bool | None = None


class SupportSupervisorRefOut(Schema):
    id: int
    name: str
    profession_label: str


class SupportPlacementOut(Schema):
    id: int
    supervisor: SupportSupervisorRefOut
    level: str
    level_label: str
    starts_on: datetime.date
    ends_on: datetime.date
    description: str
    status: str = Field(description="open, filled, cancelled.")
    status_label: str
    trainee_name: str
    trainee_school: str
    trainee_email: str
    applications_count: int = Field(description="Les candidatures reçues, pas encore décidées.")
    created_at: datetime.datetime


class SupportPlacementPageOut(Schema):
    items: list[SupportPlacementOut]
    count: int


class SupportPlacementIn(Schema):
    supervisor: int = Field(description="Un maître de stage actif de la CPTS.")
    level: TraineeLevelCode
    starts_on: IsoDate
    ends_on: IsoDate
    description: Text = ""


class SupportPlacementFillIn(Schema):
    trainee_name: Title
    trainee_school: Text200 = ""
    trainee_email: Email = ""


class SupportNoteIn(Schema):
    note: Text200 = ""


class SupportApplicationOut(Schema):
    id: int
    placement_id: int | None = Field(description="Le stage demandé ; null : une candidature spontanée.")
    first_name: str
    last_name: str
    email: str
    phone: str
    school: str
    level: str
    level_label: str
    wished_period: str
    message: str
    status: str = Field(description="received, accepted, declined.")
    status_label: str
    submitted_at: datetime.datetime


class SupportApplicationPageOut(Schema):
    items: list[SupportApplicationOut]
    count: int


class SupportAcceptIn(Schema):
    placement: int | None = Field(
        None, description="Pour une candidature spontanée : le stage ouvert qu'elle pourvoit."
    )


class SupportHousingOut(Schema):
    id: int
    name: str
    commune: CommuneRefOut
    address: str
    rooms: int
    description: str
    host: str = Field(description="Qui prête ou loue le logement.")
    contact: str
    monthly_rent: str | None = Field(description="Euros par mois, chaîne décimale ; null : gratuit ou non dit.")
    active: bool
    created_at: datetime.datetime


class SupportHousingPageOut(Schema):
    items: list[SupportHousingOut]
    count: int


class SupportHousingIn(Schema):
    name: Title
    commune: CommuneCode = Field(description="Code INSEE.")
    address: Text300 = ""
    rooms: int = Field(1, ge=1, le=20)
    description: Text = ""
    host: Text200 = ""
    contact: Text200 = ""
    monthly_rent: Money | None = None
    active: bool = True


class SupportHousingPatchIn(Schema):
    """Only the fields sent change; `monthly_rent: null` removes the rent."""

    name: Title | None = None
    commune: CommuneCode | None = None
    address: Text300 | None = None
    rooms: int | None = Field(None, ge=1, le=20)
    description: Text | None = None
    host: Text200 | None = None
    contact: Text200 | None = None
    monthly_rent: Money | None = None
    active: bool | None = None


class SupportNightOut(Schema):
    date: datetime.date
    booked: int = Field(description="Chambres réservées cette nuit-là.")
    free: int


class SupportAvailabilityOut(Schema):
    housing_id: int
    rooms: int
    nights: list[SupportNightOut]


class SupportHousingBookingOut(Schema):
    id: int
    housing_id: int
    arrives_on: datetime.date
    leaves_on: datetime.date = Field(description="Le jour du départ : sa nuit n'est pas réservée.")
    occupant_name: str
    placement_id: int | None
    note: str
    status: str = Field(description="booked, cancelled.")
    status_label: str
    created_at: datetime.datetime


class SupportHousingBookingPageOut(Schema):
    items: list[SupportHousingBookingOut]
    count: int


class SupportHousingBookingIn(Schema):
    arrives_on: IsoDate
    leaves_on: IsoDate = Field(description="Le jour du départ (exclu).")
    occupant_name: Name
    placement: int | None = Field(None, description="Le stage de l'occupant, un stage de la CPTS.")
    note: Text200 = ""


class SupportStepOut(Schema):
    kind: str = Field(description="premises, administrative, patient_base, colleagues.")
    kind_label: str
    done_on: datetime.date | None
    note: str


class SupportProgressOut(Schema):
    done: int
    total: int


class SupportInstallationOut(Schema):
    id: int
    first_name: str
    last_name: str
    profession: str
    profession_label: str
    email: str
    phone: str
    commune: CommuneRefOut | None = Field(description="La commune envisagée.")
    wished_on: datetime.date | None
    membership: SupportAdherentOut | None
    referent: SupportUserOut | None = Field(description="Qui suit le projet.")
    notes: str
    status: str = Field(description="open, settled, abandoned.")
    status_label: str
    settled_on: datetime.date | None
    progress: SupportProgressOut
    created_at: datetime.datetime


class SupportInstallationPageOut(Schema):
    items: list[SupportInstallationOut]
    count: int


class SupportInstallationDetailOut(SupportInstallationOut):
    steps: list[SupportStepOut]
    can_follow: bool


class SupportInstallationIn(Schema):
    first_name: Name
    last_name: Name
    profession: ProfessionCode = Field(description="Code G15 (ex. 10 : médecin).")
    email: Email = ""
    phone: Phone = ""
    commune: CommuneCode | None = Field(None, description="Code INSEE de la commune envisagée.")
    wished_on: IsoDate | None = None
    membership: int | None = Field(None, description="L'adhésion du professionnel, s'il est adhérent.")
    referent: int | None = Field(None, description="Le compte qui suit le projet (un rôle dans la CPTS).")
    notes: Text = ""


class SupportInstallationPatchIn(Schema):
    """Only the fields sent change; `commune`, `wished_on`, `membership`, `referent` may be null."""

    first_name: Name | None = None
    last_name: Name | None = None
    profession: ProfessionCode | None = None
    email: Email | None = None
    phone: Phone | None = None
    commune: CommuneCode | None = None
    wished_on: IsoDate | None = None
    membership: int | None = None
    referent: int | None = None
    notes: Text | None = None


class SupportStepIn(Schema):
    done_on: IsoDate | None = Field(None, description="Le jour où l'étape a été franchie ; null : à faire.")
    note: Text300 = ""


class SupportSettleIn(Schema):
    on: IsoDate | None = Field(None, description="Le jour de l'installation ; aujourd'hui par défaut.")


class SupportAdOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    profession: str
    profession_label: str
    commune: CommuneRefOut
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    contact_name: str
    contact_email: str
    contact_phone: str
    expires_on: datetime.date
    is_expired: bool
    status: str = Field(description="submitted, published, refused, filled, withdrawn.")
    status_label: str
    author: SupportUserOut | None
    created_at: datetime.datetime
    published_on: datetime.date | None
    filled_on: datetime.date | None
    refusal_reason: str


class SupportAdPageOut(Schema):
    items: list[SupportAdOut]
    count: int


class SupportAdDetailOut(SupportAdOut):
    can_edit: bool
    can_moderate: bool
    can_close: bool


class SupportAdIn(Schema):
    kind: AdKindCode
    title: AdTitle
    description: Text = Field(description="Obligatoire.")
    profession: ProfessionCode = Field(description="Code G15 (ex. 10 : médecin).")
    commune: CommuneCode = Field(description="Code INSEE.")
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    contact_name: Text200 = Field(description="Obligatoire.")
    contact_email: Email = Field("", description="Un courriel ou un téléphone au moins.")
    contact_phone: Phone = ""
    expires_on: IsoDate = Field(description="Après ce jour, l'annonce n'est plus montrée ; 365 jours au plus.")


class SupportAdPatchIn(Schema):
    """Only the fields sent change; `starts_on` and `ends_on` may be null."""

    kind: AdKindCode | None = None
    title: AdTitle | None = None
    description: Text | None = None
    profession: ProfessionCode | None = None
    commune: CommuneCode | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    contact_name: Text200 | None = None
    contact_email: Email | None = None
    contact_phone: Phone | None = None
    expires_on: IsoDate | None = None


class SupportRefuseIn(Schema):
    note: Text200 = Field("", description="Le motif du refus, montré à l'auteur (obligatoire).")


class SupportTutoringOut(Schema):
    id: int
    tutor: SupportAdherentOut
    tutee_membership: SupportAdherentOut | None
    tutee_name: str
    tutee_label: str = Field(description="Le nom de la personne accompagnée, adhérente ou non.")
    placement_id: int | None
    installation_id: int | None
    topic: str
    started_on: datetime.date
    ended_on: datetime.date | None
    status: str = Field(description="active, ended.")
    status_label: str


class SupportTutoringPageOut(Schema):
    items: list[SupportTutoringOut]
    count: int


class SupportTutoringIn(Schema):
    tutor: int = Field(description="L'adhésion active du tuteur ou de la tutrice.")
    tutee_membership: int | None = Field(None, description="L'adhésion de la personne accompagnée, si adhérente.")
    tutee_name: Text200 = Field("", description="Son nom sinon (un interne, un professionnel qui s'installe).")
    placement: int | None = Field(None, description="Le stage de l'interne accompagné.")
    installation: int | None = Field(None, description="Le projet d'installation accompagné.")
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    started_on: IsoDate | None = Field(None, description="Aujourd'hui par défaut.")


class SupportEndIn(Schema):
    on: IsoDate | None = Field(None, description="Aujourd'hui par défaut.")


class SupportMeetingRefOut(Schema):
    id: int = Field(description="La réunion (API des réunions : sondage de dates, invités, présence).")
    status: str
    status_label: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None


class SupportCrossTrainingOut(Schema):
    id: int
    title: str
    description: str
    trainer: SupportAdherentOut
    audience: list[SupportCodeLabelOut] = Field(description="Les professions invitées.")
    meeting: SupportMeetingRefOut | None
    created_at: datetime.datetime


class SupportCrossTrainingPageOut(Schema):
    items: list[SupportCrossTrainingOut]
    count: int


class SupportSlotIn(Schema):
    starts_at: IsoDateTime = Field(description="Heure de Paris si sans fuseau.")
    ends_at: IsoDateTime


class SupportCrossTrainingIn(Schema):
    title: Title
    description: Text = ""
    trainer: int = Field(description="L'adhésion active de la personne qui forme.")
    audience: list[ProfessionCode] = Field(min_length=1, max_length=30, description="Codes G15 des professions.")
    slots: list[SupportSlotIn] = Field(min_length=1, max_length=20, description="Les dates proposées au sondage.")
    place: Text300 = ""
    visio_url: Url = ""


class SupportEquipmentOut(Schema):
    id: int
    name: str
    kind: str = Field(description="ecg, doppler, spirometer, dermatoscope, other.")
    kind_label: str
    description: str
    location: str
    holder: SupportAdherentOut | None = Field(description="L'adhérent qui le garde.")
    active: bool


class SupportEquipmentPageOut(Schema):
    items: list[SupportEquipmentOut]
    count: int


class SupportEquipmentIn(Schema):
    name: Title
    kind: EquipmentKindCode
    description: Text = ""
    location: Text200 = ""
    holder: int | None = Field(None, description="L'adhésion active de l'adhérent qui le garde.")
    active: bool = True


class SupportEquipmentPatchIn(Schema):
    """Only the fields sent change; `holder: null` removes the holder."""

    name: Title | None = None
    kind: EquipmentKindCode | None = None
    description: Text | None = None
    location: Text200 | None = None
    holder: int | None = None
    active: bool | None = None


class SupportEquipmentBookingOut(Schema):
    id: int
    equipment_id: int
    membership: SupportAdherentOut = Field(description="L'emprunteur.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    purpose: str
    status: str = Field(description="booked, cancelled.")
    status_label: str
    created_at: datetime.datetime


class SupportEquipmentBookingPageOut(Schema):
    items: list[SupportEquipmentBookingOut]
    count: int


class SupportEquipmentBookingIn(Schema):
    starts_at: IsoDateTime = Field(description="Heure de Paris si sans fuseau.")
    ends_at: IsoDateTime = Field(description="14 jours au plus après le début.")
    purpose: Text200 = ""
    membership: int | None = Field(
        None, description="L'emprunteur : votre adhésion par défaut ; un autre adhérent, pour les coordinateurs."
    )


class SupportSiteOut(Schema):
    intro: str
    patient_phone: str
    patient_email: str
    patient_hours: str
    join_text: str
    show_ads: bool
    updated_at: datetime.datetime | None
    updated_by: SupportUserOut | None
    url: str = Field(description="Adresse de la page publique de la CPTS.")


class SupportSiteIn(Schema):
    """The whole public page: what is not sent is emptied."""

    intro: Text = ""
    patient_phone: Phone = ""
    patient_email: Email = ""
    patient_hours: Text300 = ""
    join_text: Text = ""
    show_ads: bool = True


class SupportPublicSupervisorOut(Schema):
    profession_label: str


class SupportPublicPlacementOut(Schema):
    id: int
    level: str
    level_label: str
    starts_on: datetime.date
    ends_on: datetime.date
    description: str
    supervisor: SupportPublicSupervisorOut


class SupportPublicHousingOut(Schema):
    id: int
    name: str
    commune: CommuneRefOut
    rooms: int
    description: str
    monthly_rent: str | None
    free_rooms: int = Field(description="Les chambres libres chaque nuit de la période demandée (le minimum).")


class SupportInternshipsOut(Schema):
    items: list[SupportPublicPlacementOut] = Field(description="Les stages ouverts aux candidatures, par date.")
    count: int
    housing: list[SupportPublicHousingOut] = Field(description="Les logements qui ont une chambre libre.")
    arrives_on: datetime.date
    leaves_on: datetime.date


# --- Presenters ----------------------------------------------------------------------------


def adherent_dict(membership) -> dict | None:
    return {"id": membership.pk, "name": str(membership.member)} if membership else None


def user_dict(user) -> dict | None:
    return {"id": user.pk, "name": user.get_full_name() or "Personne sans nom"} if user else None


def money(value) -> str | None:
    return f"{value:.2f}" if value is not None else None


def level_labels(codes) -> list[dict]:
    labels = dict(TraineeLevel.choices)
    return [{"code": code, "label": str(labels.get(code, code))} for code in codes]


def profession_labels(codes) -> list[dict]:
    labels = dict(Profession.choices)
    return [{"code": code, "label": str(labels.get(code, code))} for code in codes]


def supervisor_dict(supervisor) -> dict:
    return {
        "id": supervisor.pk,
        "membership": adherent_dict(supervisor.membership),
        "profession_label": supervisor.profession_label,
        "levels": level_labels(supervisor.levels),
        "capacity": supervisor.capacity,
        "accreditation_number": supervisor.accreditation_number,
        "accredited_by": supervisor.accredited_by,
        "accredited_until": supervisor.accredited_until,
        "active": supervisor.active,
        "created_at": supervisor.created_at,
    }


def placement_dict(placement) -> dict:
    supervisor = placement.supervisor
    return {
        "id": placement.pk,
        "supervisor": {"id": supervisor.pk, "name": supervisor.name, "profession_label": supervisor.profession_label},
        "level": placement.level,
        "level_label": placement.get_level_display(),
        "starts_on": placement.starts_on,
        "ends_on": placement.ends_on,
        "description": placement.description,
        "status": placement.status,
        "status_label": placement.get_status_display(),
        "trainee_name": placement.trainee_name,
        "trainee_school": placement.trainee_school,
        "trainee_email": placement.trainee_email,
        "applications_count": placement.applications_count,
        "created_at": placement.created_at,
    }


def application_dict(application) -> dict:
    return {
        "id": application.pk,
        "placement_id": application.placement_id,
        "first_name": application.first_name,
        "last_name": application.last_name,
        "email": application.email,
        "phone": application.phone,
        "school": application.school,
        "level": application.level,
        "level_label": application.get_level_display(),
        "wished_period": application.wished_period,
        "message": application.message,
        "status": application.status,
        "status_label": application.get_status_display(),
        "submitted_at": application.submitted_at,
    }


def housing_dict(housing) -> dict:
    return {
        "id": housing.pk,
        "name": housing.name,
        "commune": code_name(housing.commune),
        "address": housing.address,
        "rooms": housing.rooms,
        "description": housing.description,
        "host": housing.host,
        "contact": housing.contact,
        "monthly_rent": money(housing.monthly_rent),
        "active": housing.active,
        "created_at": housing.created_at,
    }


def housing_booking_dict(booking) -> dict:
    return {
        "id": booking.pk,
        "housing_id": booking.housing_id,
        "arrives_on": booking.arrives_on,
        "leaves_on": booking.leaves_on,
        "occupant_name": booking.occupant_name,
        "placement_id": booking.placement_id,
        "note": booking.note,
        "status": booking.status,
        "status_label": booking.get_status_display(),
        "created_at": booking.created_at,
    }


def installation_dict(project, user) -> dict:
    return {
        "id": project.pk,
        "first_name": project.first_name,
        "last_name": project.last_name,
        "profession": project.profession,
        "profession_label": project.get_profession_display(),
        "email": project.email,
        "phone": project.phone,
        "commune": code_name(project.commune) if project.commune else None,
        "wished_on": project.wished_on,
        "membership": adherent_dict(project.membership),
        "referent": user_dict(project.referent),
        # The coordination's follow-up notes: "" for the professional reading their own project.
        "notes": project.notes if policies.can_read_installation_notes(user, project) else "",
        "status": project.status,
        "status_label": project.get_status_display(),
        "settled_on": project.settled_on,
        "progress": dict(zip(("done", "total"), project.progress, strict=True)),
        "created_at": project.created_at,
    }


def installation_detail(request, project) -> dict:
    steps = sorted(project.steps.all(), key=lambda step: STEP_ORDER.get(step.kind, len(STEP_ORDER)))
    return {
        **installation_dict(project, request.auth),
        "steps": [
            {"kind": step.kind, "kind_label": step.get_kind_display(), "done_on": step.done_on, "note": step.note}
            for step in steps
        ],
        "can_follow": policies.can_follow_installation(request.auth, project),
    }


STEP_ORDER = {kind: index for index, kind in enumerate(InstallationStepKind.values)}


def ad_dict(ad) -> dict:
    return {
        "id": ad.pk,
        "kind": ad.kind,
        "kind_label": ad.get_kind_display(),
        "title": ad.title,
        "description": ad.description,
        "profession": ad.profession,
        "profession_label": ad.get_profession_display(),
        "commune": code_name(ad.commune),
        "starts_on": ad.starts_on,
        "ends_on": ad.ends_on,
        "contact_name": ad.contact_name,
        "contact_email": ad.contact_email,
        "contact_phone": ad.contact_phone,
        "expires_on": ad.expires_on,
        "is_expired": ad.is_expired,
        "status": ad.status,
        "status_label": ad.get_status_display(),
        "author": user_dict(ad.author),
        "created_at": ad.created_at,
        "published_on": ad.published_on,
        "filled_on": ad.filled_on,
        "refusal_reason": ad.refusal_reason,
    }


def ad_detail(request, ad) -> dict:
    user = request.auth
    return {
        **ad_dict(ad),
        "can_edit": policies.can_edit_ad(user, ad),
        "can_moderate": policies.can_moderate_ad(user, ad),
        "can_close": policies.can_close_ad(user, ad),
    }


def tutoring_dict(tutoring) -> dict:
    return {
        "id": tutoring.pk,
        "tutor": adherent_dict(tutoring.tutor),
        "tutee_membership": adherent_dict(tutoring.tutee_membership),
        "tutee_name": tutoring.tutee_name,
        "tutee_label": tutoring.tutee_label,
        "placement_id": tutoring.placement_id,
        "installation_id": tutoring.installation_id,
        "topic": tutoring.topic,
        "started_on": tutoring.started_on,
        "ended_on": tutoring.ended_on,
        "status": tutoring.status,
        "status_label": tutoring.get_status_display(),
    }


def meeting_ref(meeting) -> dict | None:
    if meeting is None:
        return None
    return {
        "id": meeting.pk,
        "status": meeting.status,
        "status_label": meeting.get_status_display(),
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
    }


def cross_training_dict(training) -> dict:
    return {
        "id": training.pk,
        "title": training.title,
        "description": training.description,
        "trainer": adherent_dict(training.trainer),
        "audience": profession_labels(training.audience),
        "meeting": meeting_ref(training.meeting),
        "created_at": training.created_at,
    }


def equipment_dict(equipment) -> dict:
    return {
        "id": equipment.pk,
        "name": equipment.name,
        "kind": equipment.kind,
        "kind_label": equipment.get_kind_display(),
        "description": equipment.description,
        "location": equipment.location,
        "holder": adherent_dict(equipment.holder),
        "active": equipment.active,
    }


def equipment_booking_dict(booking, user) -> dict:
    return {
        "id": booking.pk,
        "equipment_id": booking.equipment_id,
        "membership": adherent_dict(booking.membership),
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        # What it is borrowed for: "" but for the borrower and the coordinators.
        "purpose": booking.purpose if policies.can_read_booking_purpose(user, booking) else "",
        "status": booking.status,
        "status_label": booking.get_status_display(),
        "created_at": booking.created_at,
    }


def site_dict(request, cpts, site) -> dict:
    return {
        "intro": site.intro,
        "patient_phone": site.patient_phone,
        "patient_email": site.patient_email,
        "patient_hours": site.patient_hours,
        "join_text": site.join_text,
        "show_ads": site.show_ads,
        "updated_at": site.updated_at if site.pk else None,
        "updated_by": user_dict(site.updated_by) if site.pk else None,
        "url": request.build_absolute_uri(reverse("cpts_detail", args=[cpts.slug])),
    }


# --- Access and lookups --------------------------------------------------------------------

ADHERENT = ("professional", "structure")


def adherent_path(prefix) -> list[str]:
    return [f"{prefix}__{name}" for name in ADHERENT]


def access(request, cpts_id):
    """The CPTS; 404, as for a CPTS that does not exist, without a role there."""
    return cpts_or_404(request, cpts_id, policies.can_use_support)


def ensure(allowed, message):
    if not allowed:
        raise HttpError(403, message)


def ensure_manager(request, cpts, can=policies.can_manage_support):
    ensure(can(request.auth, cpts), MANAGERS_ONLY)


def adherent_of(cpts, membership_id, field, label):
    """An active adhesion of a professional of the CPTS, else 422 on `field`."""
    found = (
        Membership.objects.for_cpts(cpts)
        .active()
        .filter(pk=membership_id, professional__isnull=False)
        .select_related("professional")
        .first()
    )
    if found is None:
        raise InvalidField(field, [UNKNOWN_ADHERENT.format(label=label)])
    return found


def commune_of(code, field="commune"):
    found = Commune.objects.filter(pk=code.strip().upper()).first()
    if found is None:
        raise InvalidField(field, [UNKNOWN_COMMUNE.format(code=code)])
    return found


def referent_of(cpts, user_id):
    found = User.objects.filter(pk=user_id, is_active=True, cpts_roles__cpts=cpts).first()
    if found is None:
        raise InvalidField("referent", [UNKNOWN_REFERENT])
    return found


def supervisors_of(request, cpts):
    return policies.visible_supervisors(request.auth, cpts).select_related(*adherent_path("membership"))


def visible_supervisor(request, cpts, pk) -> Supervisor:
    return first_or_404(supervisors_of(request, cpts).filter(pk=pk), SUPERVISOR_NOT_FOUND)


def placements_of(request, cpts):
    received = Q(applications__status=ApplicationStatus.RECEIVED)
    return (
        policies.visible_placements(request.auth, cpts)
        .select_related(*adherent_path("supervisor__membership"))
        .annotate(applications_count=Count("applications", filter=received))
    )


def visible_placement(request, cpts, pk) -> Placement:
    return first_or_404(placements_of(request, cpts).filter(pk=pk), PLACEMENT_NOT_FOUND)


def applications_of(request, cpts):
    return policies.visible_applications(request.auth, cpts)


def visible_application(request, cpts, pk) -> PlacementApplication:
    return first_or_404(applications_of(request, cpts).filter(pk=pk), APPLICATION_NOT_FOUND)


def housing_of(request, cpts):
    return policies.visible_housing(request.auth, cpts).select_related("commune")


def visible_housing(request, cpts, pk) -> Housing:
    return first_or_404(housing_of(request, cpts).filter(pk=pk), HOUSING_NOT_FOUND)


def installations_of(request, cpts):
    return (
        policies.visible_installations(request.auth, cpts)
        .select_related("commune", "referent", *adherent_path("membership"))
        .prefetch_related("steps")
    )


def visible_installation(request, cpts, pk) -> InstallationProject:
    return first_or_404(installations_of(request, cpts).filter(pk=pk), INSTALLATION_NOT_FOUND)


def installation_answer(request, cpts, pk) -> dict:
    return installation_detail(request, visible_installation(request, cpts, pk))


def ads_of(request, cpts):
    return policies.visible_ads(request.auth, cpts).select_related("commune", "author")


def visible_ad(request, cpts, pk) -> Ad:
    return first_or_404(ads_of(request, cpts).filter(pk=pk), AD_NOT_FOUND)


def tutoring_of(request, cpts):
    return policies.visible_tutoring(request.auth, cpts).select_related(
        *adherent_path("tutor"), *adherent_path("tutee_membership")
    )


def visible_tutoring(request, cpts, pk) -> Tutoring:
    return first_or_404(tutoring_of(request, cpts).filter(pk=pk), TUTORING_NOT_FOUND)


def cross_trainings_of(request, cpts):
    return policies.visible_cross_trainings(request.auth, cpts).select_related(*adherent_path("trainer"), "meeting")


def equipment_of(request, cpts):
    return policies.visible_equipment(request.auth, cpts).select_related(*adherent_path("holder"))


def visible_equipment(request, cpts, pk) -> Equipment:
    return first_or_404(equipment_of(request, cpts).filter(pk=pk), EQUIPMENT_NOT_FOUND)


def equipment_bookings_of(request, cpts):
    return policies.visible_equipment_bookings(request.auth, cpts).select_related(*adherent_path("membership"))


def checked_url(url):
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except DjangoValidationError as error:
            raise InvalidField("visio_url", [BAD_VISIO_URL]) from error
    return url


def checked_email(value, field, label):
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as error:
            raise InvalidField(field, [BAD_EMAIL.format(label=label)]) from error
    return value


def free_rooms_of(housing_rows, start, end) -> dict[int, int]:
    """{housing id: the rooms free every night of [start, end)} for all the rows in one query."""
    nightly = selectors.nightly_free_rooms(housing_rows, start, end)
    return {housing_id: min(nights.values(), default=0) for housing_id, nights in nightly.items()}


def period_of(start, end, default_days) -> tuple[datetime.date, datetime.date]:
    """(start, end) of a read period: from today, and `default_days` later, by default."""
    start = start or timezone.localdate()
    return start, end or start + datetime.timedelta(days=default_days)


def period_refusal(start, end, end_field):
    """The 422 on the query parameter `end_field` of a period that ends before it starts or lasts
    more than MAX_PERIOD_DAYS nights; None for a good one."""
    if end <= start:
        return validation_error_response(["query", end_field], [PERIOD_BACKWARDS])
    if (end - start).days > MAX_PERIOD_DAYS:
        return validation_error_response(["query", end_field], [PERIOD_TOO_LONG.format(days=MAX_PERIOD_DAYS)])
    return None


def paged(rows, page, size, present) -> dict:
    shown, count = page_of(rows, page, size)
    return {"items": [present(row) for row in shown], "count": count}


# --- Training supervisors ------------------------------------------------------------------


@router.get(f"{BASE}/supervisors", response=SupportSupervisorPageOut, summary="Maîtres de stage")
def list_supervisors(
    request,
    cpts_id: int,
    active: Annotated[bool | None, Query(description="true : les actifs ; false : les autres")] = None,
    level: Annotated[TraineeLevelCode | None, Query(description="Qui accueille ce niveau")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par nom : profession, niveaux accueillis, places par semestre, agrément."""
    cpts = access(request, cpts_id)
    supervisors = supervisors_of(request, cpts)
    if active is not None:
        supervisors = supervisors.filter(active=active)
    rows = supervisors.order_by("membership__professional__last_name", "membership__professional__first_name", "pk")
    if level:  # a list in a JSON field: filtered here, the same on SQLite and PostgreSQL
        rows = [row for row in rows if level in row.levels]
    return paged(rows, page, page_size, supervisor_dict)


@router.post(f"{BASE}/supervisors", response={201: SupportSupervisorOut}, summary="Ajouter un maître de stage")
def create_supervisor(request, cpts_id: int, payload: SupportSupervisorIn):
    """Un adhérent professionnel (son adhésion active), les niveaux qu'il accueille, ses places
    par semestre (1 à 6) et son agrément. Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure_manager(request, cpts, policies.can_manage_supervisors)
    membership = adherent_of(cpts, payload.membership, "membership", "Maître de stage")
    if Supervisor.objects.for_cpts(cpts).filter(membership=membership).exists():
        raise InvalidField("membership", [ALREADY_SUPERVISOR])
    fields = payload.model_dump(exclude={"membership"})
    fields["levels"] = list(dict.fromkeys(fields["levels"]))
    supervisor = Supervisor(cpts=cpts, membership=membership, **fields)
    with refusals_as_409(*SupportSupervisorIn.model_fields), transaction.atomic():
        supervisor.full_clean()
        supervisor.save()
    return Status(201, supervisor_dict(visible_supervisor(request, cpts, supervisor.pk)))


@router.get(f"{BASE}/supervisors/{{int:supervisor_id}}", response=SupportSupervisorOut, summary="Un maître de stage")
def get_supervisor(request, cpts_id: int, supervisor_id: int):
    cpts = access(request, cpts_id)
    return supervisor_dict(visible_supervisor(request, cpts, supervisor_id))


@router.patch(
    f"{BASE}/supervisors/{{int:supervisor_id}}", response=SupportSupervisorOut, summary="Modifier un maître de stage"
)
def update_supervisor(request, cpts_id: int, supervisor_id: int, payload: SupportSupervisorPatchIn):
    """Seuls les champs envoyés changent ; `active: false` : plus de nouveau stage chez lui. Les
    coordinateurs."""
    cpts = access(request, cpts_id)
    supervisor = visible_supervisor(request, cpts, supervisor_id)
    ensure_manager(request, cpts, policies.can_manage_supervisors)
    required(Supervisor, payload, ["levels", "capacity", "active"])
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if name == "levels":
            value = list(dict.fromkeys(value))
        setattr(supervisor, name, "" if value is None and name in ("accreditation_number", "accredited_by") else value)
    with refusals_as_409(*SupportSupervisorPatchIn.model_fields), transaction.atomic():
        supervisor.full_clean()
        supervisor.save()
    return supervisor_dict(visible_supervisor(request, cpts, supervisor_id))


# --- Placements ----------------------------------------------------------------------------


@router.get(f"{BASE}/placements", response=SupportPlacementPageOut, summary="Stages")
def list_placements(
    request,
    cpts_id: int,
    status: Annotated[PlacementStatusCode | None, Query(description="État du stage")] = None,
    supervisor: Annotated[int | None, Query(description="Un maître de stage")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les stages que vous voyez (tous pour la coordination ; pour un maître de stage, les
    siens), les plus proches d'abord : niveau, période, état, stagiaire et candidatures reçues."""
    cpts = access(request, cpts_id)
    placements = placements_of(request, cpts)
    if status:
        placements = placements.filter(status=status)
    if supervisor is not None:
        placements = placements.filter(supervisor_id=supervisor)
    return paged(placements.order_by("starts_on", "pk"), page, page_size, placement_dict)


@router.post(f"{BASE}/placements", response={201: SupportPlacementOut}, summary="Ouvrir un stage")
def create_placement(request, cpts_id: int, payload: SupportPlacementIn):
    """Un stage chez un maître de stage actif qui accueille ce niveau, dans la limite de ses
    places sur la période (sinon 422 sur le champ en cause). Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure_manager(request, cpts, policies.can_offer_placement)
    supervisor = supervisors_of(request, cpts).filter(pk=payload.supervisor).first()
    if supervisor is None:
        raise InvalidField("supervisor", [UNKNOWN_SUPERVISOR])
    with refusals_as_409(*SupportPlacementIn.model_fields), transaction.atomic():
        placement = services.offer_placement(
            supervisor=supervisor,
            by=request.auth,
            level=payload.level,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            description=payload.description,
        )
    return Status(201, placement_dict(visible_placement(request, cpts, placement.pk)))


@router.get(f"{BASE}/placements/{{int:placement_id}}", response=SupportPlacementOut, summary="Un stage")
def get_placement(request, cpts_id: int, placement_id: int):
    cpts = access(request, cpts_id)
    return placement_dict(visible_placement(request, cpts, placement_id))


@router.post(
    f"{BASE}/placements/{{int:placement_id}}/fill",
    response={200: SupportPlacementOut, 409: ConflictOut},
    summary="Pourvoir un stage",
)
def fill_placement(request, cpts_id: int, placement_id: int, payload: SupportPlacementFillIn):
    """Le stagiaire venu sans candidature (par la faculté) ; ouvert seulement, sinon 409. Les
    coordinateurs."""
    cpts = access(request, cpts_id)
    placement = visible_placement(request, cpts, placement_id)
    Placement.workflow.check(placement, "fill")
    ensure(policies.can_fill_placement(request.auth, placement), MANAGERS_ONLY)
    checked_email(payload.trainee_email, "trainee_email", "Courriel du stagiaire")
    with refusals_as_409(*SupportPlacementFillIn.model_fields):
        placement.fill(by=request.auth, **payload.model_dump())
    return placement_dict(visible_placement(request, cpts, placement_id))


@router.post(
    f"{BASE}/placements/{{int:placement_id}}/cancel",
    response={200: SupportPlacementOut, 409: ConflictOut},
    summary="Annuler un stage",
)
def cancel_placement(request, cpts_id: int, placement_id: int, payload: SupportNoteIn):
    """Ouvert ou pourvu ; déjà annulé : 409. Les coordinateurs."""
    cpts = access(request, cpts_id)
    placement = visible_placement(request, cpts, placement_id)
    Placement.workflow.check(placement, "cancel")
    ensure(policies.can_cancel_placement(request.auth, placement), MANAGERS_ONLY)
    with refusals_as_409("note"):
        placement.cancel(by=request.auth, note=payload.note)
    return placement_dict(visible_placement(request, cpts, placement_id))


# --- Applications --------------------------------------------------------------------------


@router.get(f"{BASE}/applications", response=SupportApplicationPageOut, summary="Candidatures de stagiaires")
def list_applications(
    request,
    cpts_id: int,
    status: Annotated[ApplicationStatusCode | None, Query(description="État de la candidature")] = None,
    placement: Annotated[int | None, Query(description="Un stage")] = None,
    spontaneous: Annotated[bool | None, Query(description="true : les candidatures spontanées seulement")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les candidatures que vous voyez, les plus récentes d'abord (faites sans compte, depuis la
    page « Faire son stage ici »)."""
    cpts = access(request, cpts_id)
    applications = applications_of(request, cpts)
    if status:
        applications = applications.filter(status=status)
    if placement is not None:
        applications = applications.filter(placement_id=placement)
    if spontaneous is not None:
        applications = applications.filter(placement__isnull=spontaneous)
    return paged(applications.order_by("-submitted_at", "-pk"), page, page_size, application_dict)


@router.get(f"{BASE}/applications/{{int:application_id}}", response=SupportApplicationOut, summary="Une candidature")
def get_application(request, cpts_id: int, application_id: int):
    cpts = access(request, cpts_id)
    return application_dict(visible_application(request, cpts, application_id))


@router.post(
    f"{BASE}/applications/{{int:application_id}}/accept",
    response={200: SupportApplicationOut, 409: ConflictOut | MessageOut},
    summary="Accepter une candidature",
)
def accept_application(request, cpts_id: int, application_id: int, payload: SupportAcceptIn):
    """Le stage est pourvu par la personne ; les autres candidatures reçues pour ce stage sont
    déclinées (« Stage pourvu »). Une candidature spontanée nomme le stage ouvert qu'elle pourvoit
    (`placement`, sinon 422). Reçue seulement, sinon 409. Les coordinateurs et le maître de stage."""
    cpts = access(request, cpts_id)
    application = visible_application(request, cpts, application_id)
    PlacementApplication.workflow.check(application, "accept")
    ensure(policies.can_decide_application(request.auth, application), DECIDERS_ONLY)
    placement = None
    if payload.placement is not None:
        placement = placements_of(request, cpts).filter(pk=payload.placement).first()
        if placement is None:
            raise InvalidField("placement", [UNKNOWN_PLACEMENT])
    with refusals_as_409("placement"), transaction.atomic():
        application.accept(by=request.auth, placement=placement)
    return application_dict(visible_application(request, cpts, application_id))


@router.post(
    f"{BASE}/applications/{{int:application_id}}/decline",
    response={200: SupportApplicationOut, 409: ConflictOut},
    summary="Décliner une candidature",
)
def decline_application(request, cpts_id: int, application_id: int, payload: SupportNoteIn):
    """Avec un mot facultatif (`note`). Reçue seulement, sinon 409. Les coordinateurs et le maître
    de stage."""
    cpts = access(request, cpts_id)
    application = visible_application(request, cpts, application_id)
    PlacementApplication.workflow.check(application, "decline")
    ensure(policies.can_decide_application(request.auth, application), DECIDERS_ONLY)
    with refusals_as_409("note"):
        application.decline(by=request.auth, note=payload.note)
    return application_dict(visible_application(request, cpts, application_id))


# --- Housing -------------------------------------------------------------------------------


@router.get(f"{BASE}/housing", response=SupportHousingPageOut, summary="Logements pour les stagiaires")
def list_housing(
    request,
    cpts_id: int,
    active: Annotated[bool | None, Query(description="true : les logements proposés")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par nom : commune, chambres, loyer, qui le prête. Tout rôle dans la CPTS."""
    cpts = access(request, cpts_id)
    housing = housing_of(request, cpts)
    if active is not None:
        housing = housing.filter(active=active)
    return paged(housing.order_by("name", "pk"), page, page_size, housing_dict)


def housing_fields(payload, sent) -> dict:
    fields = {name: getattr(payload, name) for name in sent}
    if "commune" in fields:
        fields["commune"] = commune_of(fields["commune"]) if fields["commune"] is not None else None
    return fields


@router.post(f"{BASE}/housing", response={201: SupportHousingOut}, summary="Proposer un logement")
def create_housing(request, cpts_id: int, payload: SupportHousingIn):
    """Un logement prêté ou loué aux stagiaires : nom, commune (code INSEE), chambres (1 à 20),
    loyer mensuel. Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure_manager(request, cpts, policies.can_manage_housing)
    housing = Housing(cpts=cpts, **housing_fields(payload, SupportHousingIn.model_fields))
    with refusals_as_409(*SupportHousingIn.model_fields), transaction.atomic():
        housing.full_clean()
        housing.save()
    return Status(201, housing_dict(visible_housing(request, cpts, housing.pk)))


@router.get(f"{BASE}/housing/{{int:housing_id}}", response=SupportHousingOut, summary="Un logement")
def get_housing(request, cpts_id: int, housing_id: int):
    cpts = access(request, cpts_id)
    return housing_dict(visible_housing(request, cpts, housing_id))


@router.patch(f"{BASE}/housing/{{int:housing_id}}", response=SupportHousingOut, summary="Modifier un logement")
def update_housing(request, cpts_id: int, housing_id: int, payload: SupportHousingPatchIn):
    """Seuls les champs envoyés changent ; `active: false` le retire des réservations et de la page
    publique. Les coordinateurs."""
    cpts = access(request, cpts_id)
    housing = visible_housing(request, cpts, housing_id)
    ensure_manager(request, cpts, policies.can_manage_housing)
    required(Housing, payload, ["name", "commune", "rooms", "active"])
    for name, value in housing_fields(payload, payload.model_fields_set).items():
        setattr(housing, name, "" if value is None and name not in ("monthly_rent",) else value)
    with refusals_as_409(*SupportHousingPatchIn.model_fields), transaction.atomic():
        housing.full_clean()
        housing.save()
    return housing_dict(visible_housing(request, cpts, housing_id))


@router.get(
    f"{BASE}/housing/{{int:housing_id}}/availability",
    response=SupportAvailabilityOut,
    summary="Chambres libres d'un logement, nuit par nuit",
)
def housing_availability(
    request,
    cpts_id: int,
    housing_id: int,
    start: Annotated[IsoDate | None, Query(description="Première nuit ; aujourd'hui par défaut")] = None,
    end: Annotated[
        IsoDate | None, Query(description=f"Jour du départ (exclu) ; {MAX_PERIOD_DAYS} jours au plus")
    ] = None,
):
    """Chaque nuit de la période : chambres réservées et libres. Tout rôle dans la CPTS."""
    cpts = access(request, cpts_id)
    housing = visible_housing(request, cpts, housing_id)
    start, end = period_of(start, end, 31)
    if refused := period_refusal(start, end, "end"):
        return refused
    occupancy = housing.occupancy(start, end)
    return {
        "housing_id": housing.pk,
        "rooms": housing.rooms,
        "nights": [
            {"date": night, "booked": booked, "free": max(housing.rooms - booked, 0)}
            for night, booked in sorted(occupancy.items())
        ],
    }


@router.get(
    f"{BASE}/housing/{{int:housing_id}}/bookings",
    response=SupportHousingBookingPageOut,
    summary="Réservations d'un logement",
)
def list_housing_bookings(
    request,
    cpts_id: int,
    housing_id: int,
    status: Annotated[BookingStatusCode | None, Query(description="État de la réservation")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par date d'arrivée, les plus récentes d'abord : occupant, période, stage. Les coordinateurs
    (pour les autres, la liste est vide)."""
    cpts = access(request, cpts_id)
    housing = visible_housing(request, cpts, housing_id)
    bookings = policies.visible_housing_bookings(request.auth, cpts).filter(housing=housing)
    if status:
        bookings = bookings.filter(status=status)
    return paged(bookings.order_by("-arrives_on", "-pk"), page, page_size, housing_booking_dict)


@router.post(
    f"{BASE}/housing/{{int:housing_id}}/bookings",
    response={201: SupportHousingBookingOut},
    summary="Réserver une chambre",
)
def book_housing(request, cpts_id: int, housing_id: int, payload: SupportHousingBookingIn):
    """Une chambre de l'arrivée au départ (exclu) ; une nuit où toutes les chambres sont déjà
    réservées : 422 sur `arrives_on`, rien n'est réservé. Les coordinateurs."""
    cpts = access(request, cpts_id)
    housing = visible_housing(request, cpts, housing_id)
    ensure_manager(request, cpts, policies.can_manage_housing)
    placement = None
    if payload.placement is not None:
        placement = placements_of(request, cpts).filter(pk=payload.placement).first()
        if placement is None:
            raise InvalidField("placement", [UNKNOWN_PLACEMENT])
    with refusals_as_409(*SupportHousingBookingIn.model_fields), transaction.atomic():
        booking = services.book_housing(
            housing=housing,
            by=request.auth,
            arrives_on=payload.arrives_on,
            leaves_on=payload.leaves_on,
            occupant_name=payload.occupant_name,
            placement=placement,
            note=payload.note,
        )
    return Status(201, housing_booking_dict(booking))


@router.post(
    f"{BASE}/housing-bookings/{{int:booking_id}}/cancel",
    response={200: SupportHousingBookingOut, 409: ConflictOut},
    summary="Annuler une réservation de logement",
)
def cancel_housing_booking(request, cpts_id: int, booking_id: int, payload: SupportNoteIn):
    """Réservée seulement ; déjà annulée : 409. Les coordinateurs."""
    cpts = access(request, cpts_id)
    booking = first_or_404(
        policies.visible_housing_bookings(request.auth, cpts).filter(pk=booking_id), HOUSING_BOOKING_NOT_FOUND
    )
    HousingBooking.workflow.check(booking, "cancel")
    ensure(policies.can_cancel_housing_booking(request.auth, booking), MANAGERS_ONLY)
    with refusals_as_409("note"):
        booking.cancel(by=request.auth, note=payload.note)
    return housing_booking_dict(booking)


# --- Installation projects -----------------------------------------------------------------


@router.get(f"{BASE}/installations", response=SupportInstallationPageOut, summary="Projets d'installation")
def list_installations(
    request,
    cpts_id: int,
    status: Annotated[InstallationStatusCode | None, Query(description="État du projet")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les projets que vous voyez (tous pour la coordination ; pour un membre, le sien), les plus
    récents d'abord : profession, commune envisagée, étapes franchies sur quatre."""
    cpts = access(request, cpts_id)
    projects = installations_of(request, cpts)
    if status:
        projects = projects.filter(status=status)
    return paged(
        projects.order_by("-created_at", "-pk"),
        page,
        page_size,
        lambda project: installation_dict(project, request.auth),
    )


INSTALLATION_FIELDS = ("first_name", "last_name", "profession", "email", "phone", "commune", "wished_on")
INSTALLATION_FIELDS += ("membership", "referent", "notes")


def installation_fields(cpts, payload, sent) -> dict:
    fields = {name: getattr(payload, name) for name in sent}
    if fields.get("commune") is not None:
        fields["commune"] = commune_of(fields["commune"])
    if fields.get("membership") is not None:
        fields["membership"] = adherent_of(cpts, fields["membership"], "membership", "Adhésion")
    if fields.get("referent") is not None:
        fields["referent"] = referent_of(cpts, fields["referent"])
    for name in ("email", "phone", "notes"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    return fields


@router.post(f"{BASE}/installations", response={201: SupportInstallationDetailOut}, summary="Suivre une installation")
def create_installation(request, cpts_id: int, payload: SupportInstallationIn):
    """Un professionnel qui veut s'installer : qui, sa profession, la commune et la date
    envisagées ; ses quatre étapes (local, démarches, patientèle, confrères) sont créées à faire.
    Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure_manager(request, cpts, policies.can_start_installation)
    fields = installation_fields(cpts, payload, SupportInstallationIn.model_fields)
    if fields["referent"] is None:
        del fields["referent"]  # who starts it follows it
    with refusals_as_409(*INSTALLATION_FIELDS), transaction.atomic():
        project = services.start_installation(cpts=cpts, by=request.auth, **fields)
    return Status(201, installation_answer(request, cpts, project.pk))


@router.get(
    f"{BASE}/installations/{{int:installation_id}}",
    response=SupportInstallationDetailOut,
    summary="Un projet d'installation",
)
def get_installation(request, cpts_id: int, installation_id: int):
    """Le projet et ses quatre étapes (date franchie, note)."""
    cpts = access(request, cpts_id)
    return installation_answer(request, cpts, installation_id)


def ensure_follower(request, project):
    ensure(policies.can_follow_installation(request.auth, project), FOLLOWERS_ONLY)


@router.patch(
    f"{BASE}/installations/{{int:installation_id}}",
    response={200: SupportInstallationDetailOut, 409: ConflictOut},
    summary="Modifier un projet d'installation",
)
def update_installation(request, cpts_id: int, installation_id: int, payload: SupportInstallationPatchIn):
    """Seuls les champs envoyés changent. En cours seulement, sinon 409. Les coordinateurs."""
    cpts = access(request, cpts_id)
    project = visible_installation(request, cpts, installation_id)
    if project.status != InstallationStatus.OPEN:
        raise InstallationProject.workflow.refusal(project)
    ensure_follower(request, project)
    required(InstallationProject, payload, ["first_name", "last_name", "profession"])
    for name, value in installation_fields(cpts, payload, payload.model_fields_set).items():
        setattr(project, name, value)
    with refusals_as_409(*INSTALLATION_FIELDS), transaction.atomic():
        project.full_clean()
        project.save()
    return installation_answer(request, cpts, installation_id)


@router.put(
    f"{BASE}/installations/{{int:installation_id}}/steps/{{kind}}",
    response={200: SupportInstallationDetailOut, 409: ConflictOut},
    summary="Noter une étape d'un projet d'installation",
)
def record_step(request, cpts_id: int, installation_id: int, kind: StepKindCode, payload: SupportStepIn):
    """`kind` : premises, administrative, patient_base, colleagues. La date où elle a été franchie
    (pas dans le futur ; `null` : à faire) et une note. En cours seulement, sinon 409. Les
    coordinateurs."""
    cpts = access(request, cpts_id)
    project = visible_installation(request, cpts, installation_id)
    if project.status != InstallationStatus.OPEN:
        raise InstallationProject.workflow.refusal(project)
    ensure_follower(request, project)
    step = project.steps.get(kind=kind)
    with refusals_as_409("done_on", "note"), transaction.atomic():
        step.record(done_on=payload.done_on, note=payload.note, by=request.auth)
    return installation_answer(request, cpts, installation_id)


@router.post(
    f"{BASE}/installations/{{int:installation_id}}/settle",
    response={200: SupportInstallationDetailOut, 409: ConflictOut},
    summary="Déclarer un professionnel installé",
)
def settle_installation(request, cpts_id: int, installation_id: int, payload: SupportSettleIn):
    """Le jour de l'installation (aujourd'hui par défaut). En cours seulement, sinon 409. Les
    coordinateurs."""
    cpts = access(request, cpts_id)
    project = visible_installation(request, cpts, installation_id)
    InstallationProject.workflow.check(project, "settle")
    ensure_follower(request, project)
    with refusals_as_409("on", renames={"settled_on": "on"}):
        project.settle(by=request.auth, on=payload.on)
    return installation_answer(request, cpts, installation_id)


@router.post(
    f"{BASE}/installations/{{int:installation_id}}/abandon",
    response={200: SupportInstallationDetailOut, 409: ConflictOut},
    summary="Abandonner un projet d'installation",
)
def abandon_installation(request, cpts_id: int, installation_id: int, payload: SupportNoteIn):
    """Avec son motif (`note`, obligatoire : 422). En cours seulement, sinon 409. Les
    coordinateurs."""
    cpts = access(request, cpts_id)
    project = visible_installation(request, cpts, installation_id)
    InstallationProject.workflow.check(project, "abandon")
    ensure_follower(request, project)
    with refusals_as_409("note"):
        project.abandon(by=request.auth, note=payload.note)
    return installation_answer(request, cpts, installation_id)


# --- Ads of the CPTS -----------------------------------------------------------------------


@router.get(f"{BASE}/ads", response=SupportAdPageOut, summary="Annonces de la CPTS")
def list_cpts_ads(
    request,
    cpts_id: int,
    status: Annotated[AdStatusCode | None, Query(description="État de l'annonce")] = None,
    kind: Annotated[AdKindCode | None, Query(description="Nature de l'annonce")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les annonces que vous voyez (toutes pour la coordination ; pour un membre, les siennes et
    les publiées) : celles à modérer d'abord, puis les plus récentes."""
    cpts = access(request, cpts_id)
    ads = ads_of(request, cpts)
    if status:
        ads = ads.filter(status=status)
    if kind:
        ads = ads.filter(kind=kind)
    waiting = Case(When(status=AdStatus.SUBMITTED, then=Value(0)), default=Value(1), output_field=IntegerField())
    return paged(ads.order_by(waiting, "-created_at", "-pk"), page, page_size, ad_dict)


AD_FIELDS = tuple(SupportAdIn.model_fields)


def ad_fields(payload, sent) -> dict:
    fields = {name: getattr(payload, name) for name in sent}
    if "commune" in fields:
        fields["commune"] = commune_of(fields["commune"]) if fields["commune"] is not None else None
    for name in ("description", "contact_name", "contact_email", "contact_phone"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    return fields


@router.post(f"{BASE}/ads", response={201: SupportAdDetailOut}, summary="Déposer une annonce")
def submit_ad(request, cpts_id: int, payload: SupportAdIn):
    """Une annonce : nature, titre, profession, commune (code INSEE), dates, contact, date
    d'expiration. Celle d'un coordinateur est publiée aussitôt ; celle d'un membre attend la
    modération. Les adhérents et les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure(policies.can_submit_ad(request.auth, cpts), SUBMITTERS_ONLY)
    fields = ad_fields(payload, SupportAdIn.model_fields)
    with refusals_as_409(*AD_FIELDS), transaction.atomic():
        ad = services.submit_ad(cpts=cpts, by=request.auth, **fields)
    return Status(201, ad_detail(request, visible_ad(request, cpts, ad.pk)))


@router.get(f"{BASE}/ads/{{int:ad_id}}", response=SupportAdDetailOut, summary="Une annonce de la CPTS")
def get_cpts_ad(request, cpts_id: int, ad_id: int):
    cpts = access(request, cpts_id)
    return ad_detail(request, visible_ad(request, cpts, ad_id))


@router.patch(
    f"{BASE}/ads/{{int:ad_id}}",
    response={200: SupportAdDetailOut, 409: ConflictOut | MessageOut},
    summary="Modifier une annonce",
)
def edit_ad(request, cpts_id: int, ad_id: int, payload: SupportAdPatchIn):
    """Seuls les champs envoyés changent. Les coordinateurs tant qu'elle attend ou est publiée ; son
    auteur tant qu'elle attend la modération. Refusée, pourvue ou retirée : 409."""
    cpts = access(request, cpts_id)
    ad = visible_ad(request, cpts, ad_id)
    if ad.status not in (AdStatus.SUBMITTED, AdStatus.PUBLISHED):
        raise Ad.workflow.refusal(ad)
    ensure(policies.can_edit_ad(request.auth, ad), EDITORS_ONLY)
    required(Ad, payload, ["kind", "title", "profession", "commune", "expires_on"])
    fields = ad_fields(payload, payload.model_fields_set)
    with refusals_as_409(*AD_FIELDS), transaction.atomic():
        services.edit_ad(ad, by=request.auth, **fields)
    return ad_detail(request, visible_ad(request, cpts, ad_id))


def move_ad(request, cpts, ad_id, move, can, message, **fields) -> dict:
    ad = visible_ad(request, cpts, ad_id)
    Ad.workflow.check(ad, move)
    ensure(can(request.auth, ad), message)
    with refusals_as_409(*fields):
        getattr(ad, move)(by=request.auth, **fields)
    return ad_detail(request, visible_ad(request, cpts, ad_id))


@router.post(
    f"{BASE}/ads/{{int:ad_id}}/publish",
    response={200: SupportAdDetailOut, 409: ConflictOut},
    summary="Publier une annonce",
)
def publish_ad(request, cpts_id: int, ad_id: int):
    """En attente de modération (ou refusée) ; sinon 409. Les coordinateurs."""
    return move_ad(request, access(request, cpts_id), ad_id, "publish", policies.can_moderate_ad, MODERATORS_ONLY)


@router.post(
    f"{BASE}/ads/{{int:ad_id}}/refuse",
    response={200: SupportAdDetailOut, 409: ConflictOut},
    summary="Refuser une annonce",
)
def refuse_ad(request, cpts_id: int, ad_id: int, payload: SupportRefuseIn):
    """Avec son motif (`note`, obligatoire : 422), montré à l'auteur. En attente de modération ;
    sinon 409. Les coordinateurs."""
    cpts = access(request, cpts_id)
    return move_ad(request, cpts, ad_id, "refuse", policies.can_moderate_ad, MODERATORS_ONLY, note=payload.note)


@router.post(
    f"{BASE}/ads/{{int:ad_id}}/fill",
    response={200: SupportAdDetailOut, 409: ConflictOut},
    summary="Déclarer une annonce pourvue",
)
def fill_ad(request, cpts_id: int, ad_id: int):
    """Publiée seulement ; elle quitte la recherche publique. Son auteur et les coordinateurs."""
    return move_ad(request, access(request, cpts_id), ad_id, "fill", policies.can_close_ad, CLOSERS_ONLY)


@router.post(
    f"{BASE}/ads/{{int:ad_id}}/withdraw",
    response={200: SupportAdDetailOut, 409: ConflictOut},
    summary="Retirer une annonce",
)
def withdraw_ad(request, cpts_id: int, ad_id: int, payload: SupportNoteIn):
    """Avec un mot facultatif (`note`) ; déjà pourvue ou retirée : 409. Son auteur et les
    coordinateurs."""
    cpts = access(request, cpts_id)
    return move_ad(request, cpts, ad_id, "withdraw", policies.can_close_ad, CLOSERS_ONLY, note=payload.note)


# --- Tutoring ------------------------------------------------------------------------------


@router.get(f"{BASE}/tutoring", response=SupportTutoringPageOut, summary="Binômes de tutorat")
def list_tutoring(
    request,
    cpts_id: int,
    status: Annotated[TutoringStatusCode | None, Query(description="État du binôme")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les binômes que vous voyez, les plus récents d'abord : tuteur, personne accompagnée,
    sujet, dates."""
    cpts = access(request, cpts_id)
    pairs = tutoring_of(request, cpts)
    if status:
        pairs = pairs.filter(status=status)
    return paged(pairs.order_by("-started_on", "-pk"), page, page_size, tutoring_dict)


@router.post(f"{BASE}/tutoring", response={201: SupportTutoringOut}, summary="Former un binôme de tutorat")
def create_tutoring(request, cpts_id: int, payload: SupportTutoringIn):
    """Un professionnel expérimenté (`tutor`, une adhésion active) et une personne accompagnée :
    un adhérent (`tutee_membership`) ou un nom (`tutee_name`), éventuellement le stage ou le projet
    d'installation qu'il accompagne. Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure(policies.can_manage_tutoring(request.auth, cpts), TUTORING_MANAGERS_ONLY)
    tutor = adherent_of(cpts, payload.tutor, "tutor", "Tuteur")
    tutee = None
    if payload.tutee_membership is not None:
        tutee = adherent_of(cpts, payload.tutee_membership, "tutee_membership", "Personne accompagnée")
    placement = installation = None
    if payload.placement is not None:
        placement = placements_of(request, cpts).filter(pk=payload.placement).first()
        if placement is None:
            raise InvalidField("placement", [UNKNOWN_PLACEMENT])
    if payload.installation is not None:
        installation = installations_of(request, cpts).filter(pk=payload.installation).first()
        if installation is None:
            raise InvalidField("installation", [UNKNOWN_INSTALLATION])
    tutoring = Tutoring(
        cpts=cpts,
        tutor=tutor,
        tutee_membership=tutee,
        tutee_name=payload.tutee_name,
        placement=placement,
        installation=installation,
        topic=payload.topic,
        started_on=payload.started_on or timezone.localdate(),
    )
    with refusals_as_409(*SupportTutoringIn.model_fields), transaction.atomic():
        tutoring.full_clean()
        tutoring.save()
    return Status(201, tutoring_dict(visible_tutoring(request, cpts, tutoring.pk)))


@router.get(f"{BASE}/tutoring/{{int:tutoring_id}}", response=SupportTutoringOut, summary="Un binôme de tutorat")
def get_tutoring(request, cpts_id: int, tutoring_id: int):
    cpts = access(request, cpts_id)
    return tutoring_dict(visible_tutoring(request, cpts, tutoring_id))


@router.post(
    f"{BASE}/tutoring/{{int:tutoring_id}}/end",
    response={200: SupportTutoringOut, 409: ConflictOut},
    summary="Terminer un binôme de tutorat",
)
def end_tutoring(request, cpts_id: int, tutoring_id: int, payload: SupportEndIn):
    """Le jour de la fin (aujourd'hui par défaut ; ni avant le début ni à venir : 422 sur `on`).
    En cours seulement, sinon 409. Les coordinateurs et le tuteur ou la tutrice."""
    cpts = access(request, cpts_id)
    tutoring = visible_tutoring(request, cpts, tutoring_id)
    Tutoring.workflow.check(tutoring, "end")
    ensure(policies.can_end_tutoring(request.auth, tutoring), TUTORING_ENDERS_ONLY)
    with refusals_as_409("on", renames={"ended_on": "on"}):
        tutoring.end(by=request.auth, on=payload.on)
    return tutoring_dict(visible_tutoring(request, cpts, tutoring_id))


# --- Cross-trainings -----------------------------------------------------------------------


@router.get(f"{BASE}/cross-trainings", response=SupportCrossTrainingPageOut, summary="Formations croisées")
def list_cross_trainings(request, cpts_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Les plus récentes d'abord : qui forme, les professions invitées, la réunion (date, état)."""
    cpts = access(request, cpts_id)
    trainings = cross_trainings_of(request, cpts)
    return paged(trainings.order_by("-created_at", "-pk"), page, page_size, cross_training_dict)


@router.post(
    f"{BASE}/cross-trainings", response={201: SupportCrossTrainingOut}, summary="Proposer une formation croisée"
)
def create_cross_training(request, cpts_id: int, payload: SupportCrossTrainingIn):
    """Un professionnel forme ceux d'autres professions : un sondage de dates parmi les adhérents
    des professions invitées (réunion de la mission 6). Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure_manager(request, cpts, policies.can_plan_cross_training)
    trainer = adherent_of(cpts, payload.trainer, "trainer", "Formateur")
    fields = ("title", "description", "trainer", "audience", "slots", "place", "visio_url")
    with refusals_as_409(*fields), transaction.atomic():
        training = services.plan_cross_training(
            cpts=cpts,
            by=request.auth,
            title=payload.title,
            description=payload.description,
            trainer=trainer,
            audience=list(dict.fromkeys(payload.audience)),
            slots=[(aware(slot.starts_at), aware(slot.ends_at)) for slot in payload.slots],
            place=payload.place,
            visio_url=checked_url(payload.visio_url),
        )
    return Status(201, cross_training_dict(cross_trainings_of(request, cpts).get(pk=training.pk)))


@router.get(
    f"{BASE}/cross-trainings/{{int:training_id}}", response=SupportCrossTrainingOut, summary="Une formation croisée"
)
def get_cross_training(request, cpts_id: int, training_id: int):
    cpts = access(request, cpts_id)
    training = first_or_404(cross_trainings_of(request, cpts).filter(pk=training_id), CROSS_TRAINING_NOT_FOUND)
    return cross_training_dict(training)


# --- Shared equipment ----------------------------------------------------------------------


@router.get(f"{BASE}/equipment", response=SupportEquipmentPageOut, summary="Matériel partagé")
def list_equipment(
    request,
    cpts_id: int,
    kind: Annotated[EquipmentKindCode | None, Query(description="Nature du matériel")] = None,
    active: Annotated[bool | None, Query(description="true : le matériel prêté")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par nom : nature, lieu, qui le garde. Tout rôle dans la CPTS."""
    cpts = access(request, cpts_id)
    equipment = equipment_of(request, cpts)
    if kind:
        equipment = equipment.filter(kind=kind)
    if active is not None:
        equipment = equipment.filter(active=active)
    return paged(equipment.order_by("name", "pk"), page, page_size, equipment_dict)


def equipment_fields(cpts, payload, sent) -> dict:
    fields = {name: getattr(payload, name) for name in sent}
    if fields.get("holder") is not None:
        fields["holder"] = adherent_of(cpts, fields["holder"], "holder", "Détenteur")
    for name in ("description", "location"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    return fields


@router.post(f"{BASE}/equipment", response={201: SupportEquipmentOut}, summary="Ajouter du matériel partagé")
def create_equipment(request, cpts_id: int, payload: SupportEquipmentIn):
    """Un ECG, un doppler… que les adhérents empruntent. Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure_manager(request, cpts, policies.can_manage_equipment)
    equipment = Equipment(cpts=cpts, **equipment_fields(cpts, payload, SupportEquipmentIn.model_fields))
    with refusals_as_409(*SupportEquipmentIn.model_fields), transaction.atomic():
        equipment.full_clean()
        equipment.save()
    return Status(201, equipment_dict(visible_equipment(request, cpts, equipment.pk)))


@router.get(f"{BASE}/equipment/{{int:equipment_id}}", response=SupportEquipmentOut, summary="Un matériel partagé")
def get_equipment(request, cpts_id: int, equipment_id: int):
    cpts = access(request, cpts_id)
    return equipment_dict(visible_equipment(request, cpts, equipment_id))


@router.patch(
    f"{BASE}/equipment/{{int:equipment_id}}", response=SupportEquipmentOut, summary="Modifier un matériel partagé"
)
def update_equipment(request, cpts_id: int, equipment_id: int, payload: SupportEquipmentPatchIn):
    """Seuls les champs envoyés changent ; `active: false` le retire des réservations. Les
    coordinateurs."""
    cpts = access(request, cpts_id)
    equipment = visible_equipment(request, cpts, equipment_id)
    ensure_manager(request, cpts, policies.can_manage_equipment)
    required(Equipment, payload, ["name", "kind", "active"])
    for name, value in equipment_fields(cpts, payload, payload.model_fields_set).items():
        setattr(equipment, name, value)
    with refusals_as_409(*SupportEquipmentPatchIn.model_fields), transaction.atomic():
        equipment.full_clean()
        equipment.save()
    return equipment_dict(visible_equipment(request, cpts, equipment_id))


@router.get(
    f"{BASE}/equipment/{{int:equipment_id}}/bookings",
    response=SupportEquipmentBookingPageOut,
    summary="Réservations d'un matériel",
)
def list_equipment_bookings(
    request,
    cpts_id: int,
    equipment_id: int,
    status: Annotated[BookingStatusCode | None, Query(description="État de la réservation")] = None,
    upcoming: Annotated[bool, Query(description="true : celles qui ne sont pas finies")] = False,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par début : emprunteur, période, objet. Tout rôle dans la CPTS (le calendrier du matériel)."""
    cpts = access(request, cpts_id)
    equipment = visible_equipment(request, cpts, equipment_id)
    bookings = equipment_bookings_of(request, cpts).filter(equipment=equipment)
    if status:
        bookings = bookings.filter(status=status)
    if upcoming:
        bookings = bookings.filter(ends_at__gt=timezone.now())
    return paged(
        bookings.order_by("starts_at", "pk"),
        page,
        page_size,
        lambda booking: equipment_booking_dict(booking, request.auth),
    )


@router.post(
    f"{BASE}/equipment/{{int:equipment_id}}/bookings",
    response={201: SupportEquipmentBookingOut},
    summary="Réserver un matériel",
)
def book_equipment(request, cpts_id: int, equipment_id: int, payload: SupportEquipmentBookingIn):
    """Du début à la fin (14 jours au plus) ; une période qui chevauche une autre réservation :
    422 sur `starts_at`, rien n'est réservé. Pour votre adhésion ; les coordinateurs pour un autre
    adhérent (`membership`)."""
    cpts = access(request, cpts_id)
    equipment = visible_equipment(request, cpts, equipment_id)
    user = request.auth
    ensure(policies.can_book_equipment(user, cpts), BOOKERS_ONLY)
    own = policies.booking_membership(user, cpts)
    if payload.membership is None or (own is not None and payload.membership == own.pk):
        if own is None:
            raise InvalidField("membership", [NO_OWN_ADHESION])
        membership = own
    elif policies.can_book_for_others(user, cpts):
        membership = adherent_of(cpts, payload.membership, "membership", "Emprunteur")
    else:
        raise InvalidField("membership", [OWN_ADHESION_ONLY])
    fields = ("starts_at", "ends_at", "purpose", "membership")
    with refusals_as_409(*fields), transaction.atomic():
        booking = services.book_equipment(
            equipment=equipment,
            membership=membership,
            by=user,
            starts_at=aware(payload.starts_at),
            ends_at=aware(payload.ends_at),
            purpose=payload.purpose,
        )
    return Status(201, equipment_booking_dict(equipment_bookings_of(request, cpts).get(pk=booking.pk), request.auth))


@router.post(
    f"{BASE}/equipment-bookings/{{int:booking_id}}/cancel",
    response={200: SupportEquipmentBookingOut, 409: ConflictOut},
    summary="Annuler une réservation de matériel",
)
def cancel_equipment_booking(request, cpts_id: int, booking_id: int, payload: SupportNoteIn):
    """Réservée seulement ; déjà annulée : 409. L'emprunteur et les coordinateurs."""
    cpts = access(request, cpts_id)
    booking = first_or_404(equipment_bookings_of(request, cpts).filter(pk=booking_id), EQUIPMENT_BOOKING_NOT_FOUND)
    EquipmentBooking.workflow.check(booking, "cancel")
    ensure(policies.can_cancel_equipment_booking(request.auth, booking), BOOKING_CANCELLERS_ONLY)
    with refusals_as_409("note"):
        booking.cancel(by=request.auth, note=payload.note)
    return equipment_booking_dict(booking, request.auth)


# --- The CPTS's public page ----------------------------------------------------------------


@router.get(f"{BASE}/site", response=SupportSiteOut, summary="La page publique de la CPTS")
def get_site(request, cpts_id: int):
    """Ce que montre la page publique de la CPTS : présentation, contact des patients, comment
    adhérer, les annonces ou non. Tout rôle dans la CPTS."""
    cpts = access(request, cpts_id)
    return site_dict(request, cpts, selectors.site_of(cpts))


@router.put(f"{BASE}/site", response=SupportSiteOut, summary="Modifier la page publique de la CPTS")
def put_site(request, cpts_id: int, payload: SupportSiteIn):
    """La page entière : ce qui n'est pas envoyé est vidé. Les coordinateurs."""
    cpts = access(request, cpts_id)
    ensure(policies.can_edit_site(request.auth, cpts), SITE_EDITORS_ONLY)
    site = selectors.site_of(cpts)
    for name, value in payload.model_dump().items():
        setattr(site, name, value)
    site.updated_by = request.auth
    with refusals_as_409(*SupportSiteIn.model_fields), transaction.atomic():
        site.full_clean()
        site.save()
    return site_dict(request, cpts, selectors.site_of(cpts))


# --- Public: training here -----------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/internships",
    response={200: SupportInternshipsOut, 404: MessageOut, 422: ValidationErrorOut},
    auth=None,
    summary="Faire son stage ici : stages ouverts et logements",
)
def list_internships(
    request,
    cpts_id: int,
    arrives_on: Annotated[IsoDate | None, Query(description="Début du séjour ; aujourd'hui par défaut")] = None,
    leaves_on: Annotated[
        IsoDate | None,
        Query(description=f"Fin du séjour (exclue) ; 30 jours plus tard par défaut, {MAX_PERIOD_DAYS} au plus"),
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Sans connexion : les stages ouverts aux candidatures (niveau, période, profession du maître
    de stage) et les logements qui ont au moins une chambre libre chaque nuit du séjour. Aucune
    donnée personnelle. Les candidatures se font sur la page « Faire son stage ici »."""
    cpts = get_cpts_or_404(cpts_id)
    start, end = period_of(arrives_on, leaves_on, PUBLIC_PERIOD_DAYS)
    if refused := period_refusal(start, end, "leaves_on"):
        return refused
    # A dissolved CPTS takes no more applications: nothing is offered.
    placements = (
        Placement.objects.for_cpts(cpts)
        .open_to_applications()
        .select_related("supervisor__membership__professional")
        .order_by("starts_on", "pk")
    )
    housing_rows = Housing.objects.for_cpts(cpts).available()
    if cpts.is_dissolved:
        placements, housing_rows = placements.none(), housing_rows.none()
    shown, count = page_of(placements, page, page_size)
    offered = list(housing_rows.select_related("commune").order_by("name", "pk"))
    free = free_rooms_of(offered, start, end)
    housing = [
        {
            "id": row.pk,
            "name": row.name,
            "commune": code_name(row.commune),
            "rooms": row.rooms,
            "description": row.description,
            "monthly_rent": money(row.monthly_rent),
            "free_rooms": free[row.pk],
        }
        for row in offered
        if free[row.pk] > 0
    ]
    return {
        "items": [
            {
                "id": placement.pk,
                "level": placement.level,
                "level_label": placement.get_level_display(),
                "starts_on": placement.starts_on,
                "ends_on": placement.ends_on,
                "description": placement.description,
                "supervisor": {"profession_label": placement.supervisor.profession_label},
            }
            for placement in shown
        ],
        "count": count,
        "housing": housing,
        "arrives_on": start,
        "leaves_on": end,
    }
