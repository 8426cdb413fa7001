"""Prevention (mission 3): the CPTS's prevention actions, their measures with a baseline and
yearly values, their public sessions and the people registered, and the public face of the
sessions — the list of those to come and registration without an account (docs/api.md).

Who: the rules of maillon/prevention/policies.py, the ones the pages ask too. Any role in the
CPTS, and the authorities and observers of its territory, read actions, measures and sessions;
the coordinators write them; the registrants (names, contacts) are seen and cancelled by the
coordinators and the adherent in charge of the action. No
right to see answers 404, as for what does not exist; seeing without the right to write, 403.
A refusal of the domain naming a field of the body answers 422 on that field (its message
names it in French), a transition the state does not allow 409 with the state. Every
registrant shown is journaled (`journal.record_reads`: field names only).

The public operations (`auth=None`) give no personal data: a session's connection link goes
to its registrants only, by e-mail. A public registration answers 202 and the same sentence
whatever happened (seat, waiting list, address already registered): no oracle.
"""

import datetime
import re
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Q
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.core import journal, throttle
from maillon.members.models import Membership
from maillon.prevention import policies, services
from maillon.prevention.models import (
    ActionStatus,
    AgeBand,
    Measure,
    MeasureKind,
    MeasureSource,
    MeasureValue,
    PreventionAction,
    PublicSession,
    Registration,
    RegistrationStatus,
    Scope,
    SessionKind,
    SessionStatus,
    Sex,
    TargetSex,
    Theme,
)
from maillon.territories.models import Commune, Departement, TerritoryCommune

from .common import (
    CptsRouter,
    PageNumber,
    aware,
    cpts_or_404,
    first_or_404,
    get_cpts_or_404,
    label_of,
    page_of,
    page_size,
    required,
)
from .errors import InvalidField, conflict
from .presenters import code_label, code_name
from .schemas import (
    READ_ERRORS,
    CodeLabelOut,
    CommuneRefOut,
    ConflictOut,
    DepartementOut,
    IsoDate,
    IsoDateTime,
    MessageOut,
    Text200,
    Text300,
    ValidationErrorOut,
)

router = CptsRouter(tags=["Prévention"], read_errors=READ_ERRORS)

PAGE_SIZE = 20
PageSize = page_size(100)
BASE = "/cpts/{int:cpts_id}/prevention"

ACTION_NOT_FOUND = "Action de prévention introuvable."
MEASURE_NOT_FOUND = "Mesure introuvable."
VALUE_NOT_FOUND = "Valeur introuvable."
SESSION_NOT_FOUND = "Séance introuvable."
REGISTRATIONS_NOT_FOUND = "Inscriptions introuvables."
REGISTRATION_NOT_FOUND = "Inscription introuvable."
COORDINATORS_ONLY = "Prévention : seuls les coordinateurs de cette CPTS modifient les actions, mesures et séances."
UNKNOWN_ACTION = "Action : choisissez une action de prévention de cette CPTS."
UNKNOWN_OWNER = "Responsable : choisissez l'adhésion active d'un professionnel de cette CPTS."
UNKNOWN_DEPARTEMENT = "Département de comparaison : code de département inconnu."
UNKNOWN_COMMUNE = "Commune : code INSEE inconnu."
JSON_ONLY = "Envoyez le corps en JSON (Content-Type: application/json)."
SESSION_NOT_CHANGEABLE = "Cette séance est tenue ou annulée : elle ne change plus."
REGISTRATIONS_CLOSED = "Les inscriptions à cette séance sont closes."
# The count of the public page's form too (www/prevention_views/public.py): one budget per address.
THROTTLE_SCOPE = "prevention_registration"
TOO_MANY = (
    "Trop d'inscriptions ont été envoyées depuis votre connexion cette dernière heure. "
    "Réessayez dans une heure, ou contactez la CPTS."
)
REGISTRATION_RECEIVED = (
    "Votre demande d'inscription est enregistrée. Si l'adresse est valable, un message vous dit si une "
    "place vous est réservée ou si vous êtes en liste d'attente : vérifiez votre messagerie."
)

# The registrant fields an answer shows, for the journal (names only, never values).
REGISTRANT_FIELDS = ["first_name", "last_name", "email", "phone"]
ACTION_FIELDS = [*PreventionAction.EDITABLE, "communes"]
MEASURE_FIELDS = ["action", *Measure.EDITABLE]
VALUE_FIELDS = ["year", "scope", "value", "numerator", "denominator", "source", "source_on", "note"]
SESSION_FIELDS = ["action", *PublicSession.EDITABLE]

# The choices as literals: the schema names no enum component (`Sex`, `Scope`… exist elsewhere).
ThemeCode = Literal[tuple(Theme.values)]
TargetSexCode = Literal[tuple(TargetSex.values)]
ActionStatusCode = Literal[tuple(ActionStatus.values)]
MeasureKindCode = Literal[tuple(MeasureKind.values)]
SourceCode = Literal[tuple(MeasureSource.values)]
ScopeCode = Literal[tuple(Scope.values)]
SessionKindCode = Literal[tuple(SessionKind.values)]
AgeBandCode = Literal[tuple(AgeBand.values)]
SexCode = Literal[tuple(Sex.values)]
RegistrationStatusCode = Literal[tuple(RegistrationStatus.values)]

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Age = Annotated[int, Field(ge=0, le=130)]
Budget = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Rate = Annotated[Decimal, Field(max_digits=9, decimal_places=2)]
Headcount = Annotated[int, Field(ge=0)]
CommuneCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5)]


# --- Schemas -------------------------------------------------------------------------------


class PreventionRefOut(Schema):
    id: int
    title: str


class PreventionOwnerOut(Schema):
    id: int = Field(description="L'adhésion du responsable.")
    name: str


class PreventionActionOut(Schema):
    id: int
    title: str
    theme: str
    theme_label: str
    description: str
    age_min: int | None
    age_max: int | None
    age_band_label: str
    sex: str
    sex_label: str
    communes: list[CommuneRefOut] = Field(description="Communes visées ; vide : tout le territoire.")
    partners: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    budget: Decimal | None = Field(description="Euros, chaîne décimale.")
    owner: PreventionOwnerOut | None
    perinatal: bool = Field(description="Étiquette « périnatalité / santé de la femme ».")
    health_project_action: str
    status: str
    status_label: str
    created_at: datetime.datetime


class PreventionActionPageOut(Schema):
    items: list[PreventionActionOut]
    count: int


class PreventionActionIn(Schema):
    title: Title
    theme: ThemeCode
    description: Text = ""
    age_min: Age | None = None
    age_max: Age | None = None
    sex: TargetSexCode = "all"
    communes: list[CommuneCode] = Field(
        default_factory=list, max_length=2000, description="Codes INSEE de communes du territoire ; [] : tout."
    )
    partners: Text = ""
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    budget: Budget | None = None
    owner: int | None = Field(None, description="L'adhésion active d'un professionnel de la CPTS.")
    perinatal: bool = False
    health_project_action: Text200 = ""


class PreventionActionPatchIn(Schema):
    """Only the fields sent change; `null` empties an optional one."""

    title: Title | None = None
    theme: ThemeCode | None = None
    description: Text | None = None
    age_min: Age | None = None
    age_max: Age | None = None
    sex: TargetSexCode | None = None
    communes: list[CommuneCode] | None = Field(None, max_length=2000)
    partners: Text | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    budget: Budget | None = None
    owner: int | None = None
    perinatal: bool | None = None
    health_project_action: Text200 | None = None


class PreventionNoteIn(Schema):
    note: Text200 = ""


class PreventionValueOut(Schema):
    year: int
    scope: str = Field(description="territory (le territoire de la CPTS) ou departement.")
    scope_label: str
    value: Decimal | None = Field(description="null quand la valeur est cachée (moins de 6 personnes).")
    hidden: bool = Field(description="Cachée comme le font les sources : moins de 6 personnes, ou pas de valeur.")
    numerator: int | None = Field(description="Personnes concernées ; null quand la valeur est cachée.")
    denominator: int | None
    source: str
    source_label: str
    source_on: datetime.date | None
    note: str
    imported: bool
    entered_at: datetime.datetime


class PreventionValuePageOut(Schema):
    items: list[PreventionValueOut]
    count: int


class PreventionValueIn(Schema):
    value: Rate | None = Field(None, description="La valeur (un taux en %) ; null : la source ne la donne pas.")
    numerator: Headcount | None = None
    denominator: Headcount | None = None
    source: SourceCode
    source_on: IsoDate | None = None
    note: Text300 = ""


class PreventionMeasureOut(Schema):
    id: int
    action: PreventionRefOut
    kind: str
    kind_label: str
    name: str
    label: str
    unit: str
    baseline_value: Decimal
    baseline_source: str
    baseline_source_label: str
    baseline_on: datetime.date
    target_value: Decimal | None
    departement: DepartementOut | None = Field(description="Le département de comparaison.")


class PreventionMeasureDetailOut(PreventionMeasureOut):
    values: list[PreventionValueOut] = Field(description="Les valeurs annuelles, par année puis périmètre.")


class PreventionMeasurePageOut(Schema):
    items: list[PreventionMeasureOut]
    count: int


class PreventionMeasureIn(Schema):
    action: int = Field(description="Une action de prévention de la CPTS.")
    kind: MeasureKindCode
    name: Text200 = Field("", description="L'intitulé d'une mesure `custom`.")
    unit: Short = "%"
    baseline_value: Rate
    baseline_source: SourceCode
    baseline_on: IsoDate
    target_value: Rate | None = None
    departement: Annotated[str, StringConstraints(strip_whitespace=True, max_length=3)] | None = Field(
        None, description="Code du département de comparaison ; celui de la plupart des communes par défaut."
    )


class PreventionMeasurePatchIn(Schema):
    kind: MeasureKindCode | None = None
    name: Text200 | None = None
    unit: Short | None = None
    baseline_value: Rate | None = None
    baseline_source: SourceCode | None = None
    baseline_on: IsoDate | None = None
    target_value: Rate | None = None
    departement: Annotated[str, StringConstraints(strip_whitespace=True, max_length=3)] | None = None


class PreventionParticipantsOut(Schema):
    age_band: CodeLabelOut
    sex: CodeLabelOut
    count: int


class PreventionSessionOut(Schema):
    id: int
    action: PreventionRefOut
    kind: str
    kind_label: str
    title: str
    description: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    commune: CommuneRefOut | None
    online_url: str
    public: bool = Field(description="La séance a une page publique.")
    capacity: int | None = Field(description="null : sans inscription (un stand).")
    seats_taken: int
    seats_left: int | None
    waiting: int = Field(description="Personnes en liste d'attente.")
    is_open: bool = Field(description="Les inscriptions sont ouvertes.")
    status: str
    status_label: str
    participants: list[PreventionParticipantsOut] | None = Field(
        description="Une fois la séance tenue : les présents (inscrits venus et sans inscription) par tranche "
        "d'âge et sexe ; null avant."
    )
    participants_count: int | None


class PreventionSessionPageOut(Schema):
    items: list[PreventionSessionOut]
    count: int


class PreventionSessionIn(Schema):
    action: int = Field(description="Une action de prévention de la CPTS.")
    kind: SessionKindCode
    title: Title
    description: Text = ""
    starts_at: IsoDateTime = Field(description="Heure de Paris si sans fuseau.")
    ends_at: IsoDateTime
    place: Text300 = ""
    commune: CommuneCode | None = Field(None, description="Code INSEE de la commune du lieu.")
    online_url: Url = ""
    capacity: Annotated[int, Field(ge=1)] | None = Field(None, description="Places ; null : sans inscription.")
    public: bool = True


class PreventionSessionPatchIn(Schema):
    kind: SessionKindCode | None = None
    title: Title | None = None
    description: Text | None = None
    starts_at: IsoDateTime | None = None
    ends_at: IsoDateTime | None = None
    place: Text300 | None = None
    commune: CommuneCode | None = None
    online_url: Url | None = None
    capacity: Annotated[int, Field(ge=1)] | None = None
    public: bool | None = None


class PreventionRegistrationOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    age_band: CodeLabelOut
    sex: CodeLabelOut
    status: str
    status_label: str
    waiting_rank: int | None = Field(description="1 pour la première personne de la liste d'attente.")
    registered_at: datetime.datetime
    attended: bool | None
    purged: bool = Field(description="Nom et coordonnées effacés après la séance.")


class PreventionRegistrationPageOut(Schema):
    items: list[PreventionRegistrationOut]
    count: int


class PreventionRegistrationCancelOut(Schema):
    registration: PreventionRegistrationOut
    promoted: PreventionRegistrationOut | None = Field(
        description="La personne de la liste d'attente qui prend la place libérée, s'il y en a une."
    )


class PreventionPublicSessionOut(Schema):
    id: int
    kind: str
    kind_label: str
    theme: CodeLabelOut
    title: str
    description: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    commune: CommuneRefOut | None
    online: bool = Field(description="En ligne : le lien est envoyé aux inscrits.")
    takes_registrations: bool
    seats_left: int | None
    is_open: bool


class PreventionPublicSessionPageOut(Schema):
    items: list[PreventionPublicSessionOut]
    count: int


class PreventionPublicRegistrationIn(Schema):
    first_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    last_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    email: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    ]
    phone: Short = ""
    age_band: AgeBandCode = "unknown"
    sex: SexCode = "unknown"


# --- Refusals ------------------------------------------------------------------------------


def named(model, field, message) -> str:
    """The message with the field's French name first (« Places : … »), as the domain writes it."""
    label = label_of(model, field)
    if not label or NAMES_A_FIELD.match(message):
        return message
    return f"{label} : {message[:1].lower()}{message[1:]}"


NAMES_A_FIELD = re.compile(r"^[^:.]{1,60} : ")


@contextmanager
def refusals(model, *body_fields):
    """A refusal of the domain naming a field of the body: 422 on it, its message naming the
    field; any other refusal 409 (a transition: with the state)."""
    try:
        yield
    except DjangoValidationError as error:
        fields = getattr(error, "error_dict", None)
        if fields and set(fields) & set(body_fields):
            raise InvalidField(
                fields={
                    field: [named(model, field, message) for message in messages]
                    for field, messages in error.message_dict.items()
                }
            ) from error
        raise conflict(error) from error


# --- Presenters ----------------------------------------------------------------------------


def action_dict(action) -> dict:
    owner = action.owner
    return {
        "id": action.pk,
        "title": action.title,
        "theme": action.theme,
        "theme_label": action.get_theme_display(),
        "description": action.description,
        "age_min": action.age_min,
        "age_max": action.age_max,
        "age_band_label": action.age_band_label,
        "sex": action.sex,
        "sex_label": action.get_sex_display(),
        "communes": [code_name(commune) for commune in action.communes.all()],
        "partners": action.partners,
        "starts_on": action.starts_on,
        "ends_on": action.ends_on,
        "budget": action.budget,
        "owner": {"id": owner.pk, "name": str(owner.member)} if owner else None,
        "perinatal": action.perinatal,
        "health_project_action": action.health_project_action,
        "status": action.status,
        "status_label": action.get_status_display(),
        "created_at": action.created_at,
    }


def value_dict(row) -> dict:
    hidden = row.hidden
    return {
        "year": row.year,
        "scope": row.scope,
        "scope_label": row.get_scope_display(),
        "value": None if hidden else row.value,
        "hidden": hidden,
        "numerator": None if hidden else row.numerator,
        "denominator": row.denominator,
        "source": row.source,
        "source_label": row.get_source_display(),
        "source_on": row.source_on,
        "note": row.note,
        "imported": row.imported,
        "entered_at": row.entered_at,
    }


def measure_dict(measure) -> dict:
    departement = measure.departement
    return {
        "id": measure.pk,
        "action": {"id": measure.action_id, "title": measure.action.title},
        "kind": measure.kind,
        "kind_label": measure.get_kind_display(),
        "name": measure.name,
        "label": measure.label,
        "unit": measure.unit,
        "baseline_value": measure.baseline_value,
        "baseline_source": measure.baseline_source,
        "baseline_source_label": measure.get_baseline_source_display(),
        "baseline_on": measure.baseline_on,
        "target_value": measure.target_value,
        "departement": code_name(departement) if departement else None,
    }


def measure_detail(measure) -> dict:
    return {**measure_dict(measure), "values": [value_dict(row) for row in measure.values.all()]}


def participants_of(sessions) -> dict[int, dict[tuple[str, str], int]]:
    """{session id: {(age band, sex): people who came}} of the held ones among `sessions`."""
    held = [session.pk for session in sessions if session.status == SessionStatus.HELD]
    return services.participants_by_session(held) if held else {}


def session_dict(session, participants) -> dict:
    held = session.status == SessionStatus.HELD
    bands = participants.get(session.pk, {}) if held else {}
    return {
        "id": session.pk,
        "action": {"id": session.action_id, "title": session.action.title},
        "kind": session.kind,
        "kind_label": session.get_kind_display(),
        "title": session.title,
        "description": session.description,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "commune": code_name(session.commune) if session.commune else None,
        "online_url": session.online_url,
        "public": session.public,
        "capacity": session.capacity,
        "seats_taken": session.seats_taken,
        "seats_left": session.seats_left,
        "waiting": getattr(session, "waiting_count", 0),
        "is_open": session.is_open,
        "status": session.status,
        "status_label": session.get_status_display(),
        "participants": [
            {
                "age_band": code_label(band, AgeBand(band).label),
                "sex": code_label(sex, Sex(sex).label),
                "count": count,
            }
            for (band, sex), count in sorted(bands.items())
            if count
        ]
        if held
        else None,
        "participants_count": sum(bands.values()) if held else None,
    }


def public_session_dict(session) -> dict:
    return {
        "id": session.pk,
        "kind": session.kind,
        "kind_label": session.get_kind_display(),
        "theme": code_label(session.action.theme, session.action.get_theme_display()),
        "title": session.title,
        "description": session.description,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "commune": code_name(session.commune) if session.commune else None,
        "online": bool(session.online_url),
        "takes_registrations": session.takes_registrations,
        "seats_left": session.seats_left,
        "is_open": session.is_open,
    }


def registration_dict(registration, ranks) -> dict:
    return {
        "id": registration.pk,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        "phone": registration.phone,
        "age_band": code_label(registration.age_band, registration.get_age_band_display()),
        "sex": code_label(registration.sex, registration.get_sex_display()),
        "status": registration.status,
        "status_label": registration.get_status_display(),
        "waiting_rank": ranks.get(registration.pk),
        "registered_at": registration.registered_at,
        "attended": registration.attended,
        "purged": registration.purged,
    }


def waiting_ranks(session) -> dict[int, int]:
    """{registration id: its rank on the waiting list}, in one query."""
    waiting = session.registrations.waiting().values_list("pk", flat=True)
    return {pk: rank for rank, pk in enumerate(waiting, start=1)}


def record_registrants(session, registrations, note):
    journal.record_reads(
        Registration,
        [registration.pk for registration in registrations],
        REGISTRANT_FIELDS,
        cpts_id=session.cpts_id,
        note=note,
    )


# --- Access --------------------------------------------------------------------------------


def access(request, cpts_id):
    """The CPTS; 404, as for a CPTS that does not exist, unless the caller may see its prevention."""
    return cpts_or_404(request, cpts_id, policies.can_see_prevention)


def manager_of(request, cpts_id):
    """The CPTS, for a coordinator's write: 404 without the right to see, 403 without the right to write."""
    return ensure_manager(request, access(request, cpts_id))


def ensure_manager(request, cpts):
    if not policies.can_manage_prevention(request.auth, cpts):
        raise HttpError(403, COORDINATORS_ONLY)
    return cpts


def actions_of(request, cpts):
    return (
        policies.visible_actions(request.auth, cpts)
        .select_related("owner__professional", "owner__structure")
        .prefetch_related("communes")
    )


def visible_action(request, cpts, action_id) -> PreventionAction:
    return first_or_404(actions_of(request, cpts).filter(pk=action_id), ACTION_NOT_FOUND)


def measures_of(request, cpts):
    return policies.visible_measures(request.auth, cpts).select_related("action", "departement")


def visible_measure(request, cpts, measure_id) -> Measure:
    return first_or_404(measures_of(request, cpts).filter(pk=measure_id), MEASURE_NOT_FOUND)


def sessions_of(request, cpts):
    return (
        policies.visible_sessions(request.auth, cpts)
        .select_related("action__owner__professional", "commune")
        .annotate(waiting_count=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)))
    )


def visible_session(request, cpts, session_id) -> PublicSession:
    return first_or_404(sessions_of(request, cpts).filter(pk=session_id), SESSION_NOT_FOUND)


def session_answer(request, cpts, session_id) -> dict:
    session = visible_session(request, cpts, session_id)
    return session_dict(session, participants_of([session]))


def registrants_of(request, cpts, session_id) -> tuple[PublicSession, object]:
    """The session and its registrations: 404 unless the caller sees the session's registrants."""
    session = visible_session(request, cpts, session_id)
    if not policies.can_see_registrants(request.auth, session):
        raise HttpError(404, REGISTRATIONS_NOT_FOUND)
    return session, policies.visible_registrations(request.auth, session)


def action_for_body(request, cpts, action_id) -> PreventionAction:
    found = policies.visible_actions(request.auth, cpts).filter(pk=action_id).first()
    if found is None:
        raise InvalidField("action", [UNKNOWN_ACTION])
    return found


def owner_of(cpts, membership_id):
    if membership_id is None:
        return None
    found = (
        Membership.objects.for_cpts(cpts)
        .active()
        .filter(pk=membership_id, professional__isnull=False)
        .select_related("professional")
        .first()
    )
    if found is None:
        raise InvalidField("owner", [UNKNOWN_OWNER])
    return found


def territory_communes(cpts, codes) -> list:
    """The communes of `codes`, all of the CPTS's current territory, else 422 on `communes`."""
    codes = list(dict.fromkeys(codes))
    current = set(
        TerritoryCommune.objects.for_cpts(cpts)
        .current()
        .filter(commune_id__in=codes)
        .values_list("commune_id", flat=True)
    )
    outside = [code for code in codes if code not in current]
    if outside:
        raise InvalidField(
            "communes", [f"Communes visées : {', '.join(outside)} ne sont pas du territoire actuel de la CPTS."]
        )
    return list(Commune.objects.filter(code__in=codes))


def commune_of(code):
    if code is None:
        return None
    found = Commune.objects.filter(code=code).first()
    if found is None:
        raise InvalidField("commune", [UNKNOWN_COMMUNE])
    return found


def departement_of(code):
    if code is None:
        return None
    found = Departement.objects.filter(code=code).first()
    if found is None:
        raise InvalidField("departement", [UNKNOWN_DEPARTEMENT])
    return found


# --- Actions -------------------------------------------------------------------------------


@router.get(f"{BASE}/actions", response=PreventionActionPageOut, summary="Actions de prévention de la CPTS")
def list_actions(
    request,
    cpts_id: int,
    theme: Annotated[ThemeCode | None, Query(description="Thème")] = None,
    status: Annotated[ActionStatusCode | None, Query(description="État : planned, completed, cancelled")] = None,
    perinatal: Annotated[bool | None, Query(description="Étiquette « périnatalité / santé de la femme »")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les actions, les plus récentes d'abord. Tout rôle dans la CPTS, l'autorité et les
    observateurs de son territoire."""
    cpts = access(request, cpts_id)
    actions = actions_of(request, cpts)
    if theme:
        actions = actions.filter(theme=theme)
    if status:
        actions = actions.filter(status=status)
    if perinatal is not None:
        actions = actions.filter(perinatal=perinatal)
    shown, count = page_of(actions.order_by("-starts_on", "pk"), page, page_size)
    return {"items": [action_dict(action) for action in shown], "count": count}


@router.post(f"{BASE}/actions", response={201: PreventionActionOut}, summary="Créer une action de prévention")
def create_action(request, cpts_id: int, payload: PreventionActionIn):
    """Thème, population visée (âges, sexe, communes du territoire), partenaires, dates, budget,
    responsable (une adhésion), étiquette périnatalité, action du projet de santé. Coordinateurs."""
    cpts = manager_of(request, cpts_id)
    fields = payload.model_dump(exclude={"communes", "owner"})
    owner = owner_of(cpts, payload.owner)
    communes = territory_communes(cpts, payload.communes)
    action = PreventionAction(cpts=cpts, owner=owner, **fields)
    with refusals(PreventionAction, *ACTION_FIELDS):
        action.save_with_communes(communes)
    return Status(201, action_dict(visible_action(request, cpts, action.pk)))


@router.get(f"{BASE}/actions/{{int:action_id}}", response=PreventionActionOut, summary="Une action de prévention")
def get_action(request, cpts_id: int, action_id: int):
    cpts = access(request, cpts_id)
    return action_dict(visible_action(request, cpts, action_id))


@router.patch(f"{BASE}/actions/{{int:action_id}}", response=PreventionActionOut, summary="Modifier une action")
def update_action(request, cpts_id: int, action_id: int, payload: PreventionActionPatchIn):
    """Seuls les champs envoyés changent ; `null` vide un champ facultatif (fin, âges, budget,
    responsable). L'état change par `complete` et `cancel`. Coordinateurs."""
    cpts = access(request, cpts_id)
    action = visible_action(request, cpts, action_id)
    ensure_manager(request, cpts)
    required(PreventionAction, payload, ["title", "theme", "sex", "starts_on", "perinatal"])
    sent = payload.model_fields_set
    for name in sent - {"communes", "owner"}:
        value = getattr(payload, name)
        setattr(
            action,
            name,
            "" if value is None and name in {"description", "partners", "health_project_action"} else value,
        )
    if "owner" in sent:
        action.owner = owner_of(cpts, payload.owner)
    communes = territory_communes(cpts, payload.communes or []) if "communes" in sent else None
    with refusals(PreventionAction, *ACTION_FIELDS):
        action.save_with_communes(communes)
    return action_dict(visible_action(request, cpts, action_id))


def action_transition(request, cpts_id, action_id, name, note):
    cpts = access(request, cpts_id)
    action = visible_action(request, cpts, action_id)
    ensure_manager(request, cpts)
    act = services.cancel_action if name == "cancel" else PreventionAction.complete
    with refusals(PreventionAction):
        act(action, by=request.auth, note=note)
    return action_dict(visible_action(request, cpts, action_id))


@router.post(
    f"{BASE}/actions/{{int:action_id}}/complete",
    response={200: PreventionActionOut, 409: ConflictOut},
    summary="Terminer une action",
)
def complete_action(request, cpts_id: int, action_id: int, payload: PreventionNoteIn):
    """Une action prévue devient terminée ; déjà terminée ou annulée : 409 avec son état."""
    return action_transition(request, cpts_id, action_id, "complete", payload.note)


@router.post(
    f"{BASE}/actions/{{int:action_id}}/cancel",
    response={200: PreventionActionOut, 409: ConflictOut},
    summary="Annuler une action",
)
def cancel_action(request, cpts_id: int, action_id: int, payload: PreventionNoteIn):
    """Une action prévue devient annulée ; déjà terminée ou annulée : 409 avec son état."""
    return action_transition(request, cpts_id, action_id, "cancel", payload.note)


# --- Measures and values -------------------------------------------------------------------


@router.get(f"{BASE}/measures", response=PreventionMeasurePageOut, summary="Mesures des actions de prévention")
def list_measures(
    request,
    cpts_id: int,
    action: Annotated[int | None, Query(description="Identifiant d'une action")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Ce que chaque action doit faire bouger : la valeur de référence (source, date), la cible."""
    cpts = access(request, cpts_id)
    measures = measures_of(request, cpts)
    if action is not None:
        measures = measures.filter(action_id=action)
    shown, count = page_of(measures.order_by("action__title", "action_id", "pk"), page, page_size)
    return {"items": [measure_dict(measure) for measure in shown], "count": count}


@router.post(f"{BASE}/measures", response={201: PreventionMeasureDetailOut}, summary="Créer la mesure d'une action")
def create_measure(request, cpts_id: int, payload: PreventionMeasureIn):
    """La mesure d'une action (`kind` : un taux publié par les sources, ou `custom` avec son
    `name`), sa valeur de référence avec source et date, sa cible ; le département de
    comparaison est par défaut celui de la plupart des communes du territoire. Coordinateurs."""
    cpts = manager_of(request, cpts_id)
    action = action_for_body(request, cpts, payload.action)
    fields = payload.model_dump(exclude={"action", "departement"})
    departement = departement_of(payload.departement)
    if departement is not None:
        fields["departement"] = departement
    with refusals(Measure, *MEASURE_FIELDS), transaction.atomic():
        measure = services.create_measure(action, **fields)
    return Status(201, measure_detail(visible_measure(request, cpts, measure.pk)))


@router.get(
    f"{BASE}/measures/{{int:measure_id}}", response=PreventionMeasureDetailOut, summary="Une mesure et ses valeurs"
)
def get_measure(request, cpts_id: int, measure_id: int):
    """La mesure et ses valeurs annuelles, du territoire et du département ; une valeur cachée
    (moins de 6 personnes) répond `value: null, hidden: true`."""
    cpts = access(request, cpts_id)
    return measure_detail(visible_measure(request, cpts, measure_id))


@router.patch(f"{BASE}/measures/{{int:measure_id}}", response=PreventionMeasureDetailOut, summary="Modifier une mesure")
def update_measure(request, cpts_id: int, measure_id: int, payload: PreventionMeasurePatchIn):
    """Seuls les champs envoyés changent ; l'action d'une mesure ne change pas. Coordinateurs."""
    cpts = access(request, cpts_id)
    measure = visible_measure(request, cpts, measure_id)
    ensure_manager(request, cpts)
    required(Measure, payload, ["kind", "unit", "baseline_value", "baseline_source", "baseline_on"])
    sent = payload.model_fields_set
    for name in sent - {"departement"}:
        value = getattr(payload, name)
        setattr(measure, name, "" if value is None and name == "name" else value)
    if "departement" in sent:
        measure.departement = departement_of(payload.departement)
    with refusals(Measure, *MEASURE_FIELDS), transaction.atomic():
        measure.full_clean()
        measure.save()
    return measure_detail(visible_measure(request, cpts, measure_id))


@router.get(
    f"{BASE}/measures/{{int:measure_id}}/values", response=PreventionValuePageOut, summary="Valeurs d'une mesure"
)
def list_values(request, cpts_id: int, measure_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Par année puis périmètre (`territory`, `departement`)."""
    cpts = access(request, cpts_id)
    measure = visible_measure(request, cpts, measure_id)
    shown, count = page_of(measure.values.order_by("year", "scope"), page, page_size)
    return {"items": [value_dict(row) for row in shown], "count": count}


YearPath = Annotated[int, Field(ge=2000, le=2100)]


@router.put(
    f"{BASE}/measures/{{int:measure_id}}/values/{{int:year}}/{{scope}}",
    response=PreventionValueOut,
    summary="Saisir la valeur d'une année",
)
def put_value(request, cpts_id: int, measure_id: int, year: YearPath, scope: ScopeCode, payload: PreventionValueIn):
    """La valeur de l'année pour le territoire ou le département, avec sa source : créée, ou
    remplacée (un chiffre corrigé). Coordinateurs."""
    cpts = access(request, cpts_id)
    measure = visible_measure(request, cpts, measure_id)
    ensure_manager(request, cpts)
    with refusals(MeasureValue, *VALUE_FIELDS), transaction.atomic():
        row = services.set_value(measure, year=year, scope=scope, by=request.auth, **payload.model_dump())
    return value_dict(row)


@router.delete(
    f"{BASE}/measures/{{int:measure_id}}/values/{{int:year}}/{{scope}}",
    response={204: None},
    summary="Retirer la valeur d'une année",
)
def delete_value(request, cpts_id: int, measure_id: int, year: YearPath, scope: ScopeCode):
    """Coordinateurs ; une valeur absente : 404."""
    cpts = access(request, cpts_id)
    measure = visible_measure(request, cpts, measure_id)
    ensure_manager(request, cpts)
    row = first_or_404(MeasureValue.objects.filter(measure=measure, year=year, scope=scope), VALUE_NOT_FOUND)
    row.delete()
    return Status(204, None)


# --- Sessions ------------------------------------------------------------------------------


@router.get(f"{BASE}/sessions", response=PreventionSessionPageOut, summary="Séances des actions de prévention")
def list_sessions(
    request,
    cpts_id: int,
    upcoming: Annotated[bool, Query(description="Seulement les séances programmées à venir")] = False,
    action: Annotated[int | None, Query(description="Identifiant d'une action")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par date : places, places prises et restantes, liste d'attente ; une fois tenue, les
    participants par tranche d'âge et sexe."""
    cpts = access(request, cpts_id)
    sessions = sessions_of(request, cpts)
    if upcoming:
        sessions = sessions.upcoming()
    if action is not None:
        sessions = sessions.filter(action_id=action)
    shown, count = page_of(sessions.order_by("starts_at", "pk"), page, page_size)
    participants = participants_of(shown)
    return {"items": [session_dict(session, participants) for session in shown], "count": count}


def session_fields(payload, sent) -> dict:
    fields = {name: getattr(payload, name) for name in sent if name not in {"action", "commune"}}
    for name in ("starts_at", "ends_at"):
        if name in fields:
            fields[name] = aware(fields[name])
    for name in ("description", "place", "online_url"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    if "commune" in sent:
        fields["commune"] = commune_of(payload.commune)
    return fields


@router.post(f"{BASE}/sessions", response={201: PreventionSessionOut}, summary="Programmer une séance")
def create_session(request, cpts_id: int, payload: PreventionSessionIn):
    """Atelier, stand, séance en milieu scolaire, webinaire, journée de vaccination… : le lieu
    ou le lien, les places (`null` : sans inscription), la page publique. Coordinateurs."""
    cpts = manager_of(request, cpts_id)
    action = action_for_body(request, cpts, payload.action)
    session = PublicSession(cpts=cpts, action=action, **session_fields(payload, set(PreventionSessionIn.model_fields)))
    with refusals(PublicSession, *SESSION_FIELDS), transaction.atomic():
        services.save_session(session, by=request.auth)
    return Status(201, session_answer(request, cpts, session.pk))


@router.get(f"{BASE}/sessions/{{int:session_id}}", response=PreventionSessionOut, summary="Une séance")
def get_session(request, cpts_id: int, session_id: int):
    cpts = access(request, cpts_id)
    return session_answer(request, cpts, session_id)


@router.patch(f"{BASE}/sessions/{{int:session_id}}", response=PreventionSessionOut, summary="Modifier une séance")
def update_session(request, cpts_id: int, session_id: int, payload: PreventionSessionPatchIn):
    """Seuls les champs envoyés changent. Des places en plus vont d'abord à la liste d'attente ;
    moins de places que de personnes inscrites : 422 sur `capacity`. Coordinateurs."""
    cpts = access(request, cpts_id)
    session = visible_session(request, cpts, session_id)
    ensure_manager(request, cpts)
    if not policies.can_change_session(request.auth, session):
        raise HttpError(409, SESSION_NOT_CHANGEABLE)
    required(PublicSession, payload, ["kind", "title", "starts_at", "ends_at", "public"])
    for name, value in session_fields(payload, payload.model_fields_set).items():
        setattr(session, name, value)
    with refusals(PublicSession, *SESSION_FIELDS):
        services.save_session(session, by=request.auth)
    return session_answer(request, cpts, session_id)


@router.post(
    f"{BASE}/sessions/{{int:session_id}}/cancel",
    response={200: PreventionSessionOut, 409: ConflictOut},
    summary="Annuler une séance",
)
def cancel_session(request, cpts_id: int, session_id: int, payload: PreventionNoteIn):
    """Les inscrits et la liste d'attente reçoivent un message. Déjà tenue ou annulée : 409.
    Coordinateurs."""
    cpts = access(request, cpts_id)
    session = visible_session(request, cpts, session_id)
    ensure_manager(request, cpts)
    with refusals(PublicSession):
        services.cancel_session(session, by=request.auth, note=payload.note)
    return session_answer(request, cpts, session_id)


@router.post(
    f"{BASE}/sessions/{{int:session_id}}/held",
    response={200: PreventionSessionOut, 409: ConflictOut | MessageOut},
    summary="Marquer une séance tenue",
)
def mark_session_held(request, cpts_id: int, session_id: int, payload: PreventionNoteIn):
    """Une fois commencée ; les participants se comptent alors. Pas encore commencée : 409 ;
    déjà tenue ou annulée : 409 avec son état. Coordinateurs, comme sur la page de la séance."""
    cpts = access(request, cpts_id)
    session = visible_session(request, cpts, session_id)
    ensure_manager(request, cpts)
    with refusals(PublicSession):
        session.mark_held(by=request.auth, note=payload.note)
    return session_answer(request, cpts, session_id)


# --- Registrations -------------------------------------------------------------------------


@router.get(
    f"{BASE}/sessions/{{int:session_id}}/registrations",
    response=PreventionRegistrationPageOut,
    summary="Personnes inscrites à une séance",
)
def list_registrations(
    request,
    cpts_id: int,
    session_id: int,
    status: Annotated[RegistrationStatusCode | None, Query(description="confirmed, waiting, cancelled")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Par ordre d'inscription, avec le rang sur la liste d'attente. La coordination et
    l'adhérent responsable de l'action (les autres : 404) ; chaque personne montrée est inscrite
    au journal."""
    cpts = access(request, cpts_id)
    session, registrations = registrants_of(request, cpts, session_id)
    if status:
        registrations = registrations.filter(status=status)
    shown, count = page_of(registrations.order_by("registered_at", "pk"), page, page_size)
    ranks = waiting_ranks(session)
    record_registrants(session, shown, "inscrits d'une séance (API)")
    return {"items": [registration_dict(registration, ranks) for registration in shown], "count": count}


@router.post(
    f"{BASE}/sessions/{{int:session_id}}/registrations/{{int:registration_id}}/cancel",
    response={200: PreventionRegistrationCancelOut, 409: ConflictOut},
    summary="Annuler une inscription",
)
def cancel_registration(request, cpts_id: int, session_id: int, registration_id: int, payload: PreventionNoteIn):
    """La personne reçoit un message ; sa place va à la première personne de la liste d'attente
    (`promoted`). Déjà annulée : 409. La coordination et l'adhérent responsable de l'action."""
    cpts = access(request, cpts_id)
    session, registrations = registrants_of(request, cpts, session_id)
    registration = first_or_404(registrations.filter(pk=registration_id), REGISTRATION_NOT_FOUND)
    with refusals(Registration):
        promoted = services.cancel_registration(registration, by=request.auth, note=payload.note)
    registration.refresh_from_db()
    ranks = waiting_ranks(session)
    record_registrants(session, [registration, *([promoted] if promoted else [])], "inscription annulée (API)")
    return {
        "registration": registration_dict(registration, ranks),
        "promoted": registration_dict(promoted, ranks) if promoted else None,
    }


# --- The public face -----------------------------------------------------------------------


@router.get(
    f"{BASE}/public-sessions",
    response={200: PreventionPublicSessionPageOut, 404: MessageOut, 422: ValidationErrorOut},
    auth=None,
    summary="Séances publiques à venir d'une CPTS",
)
def list_public_sessions(request, cpts_id: int, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """Sans connexion : les séances à venir qui ont une page publique, par date, avec les places
    restantes. Aucune donnée personnelle ; le lien d'une séance en ligne va aux inscrits."""
    cpts = get_cpts_or_404(cpts_id)
    sessions = policies.public_sessions(cpts).upcoming().select_related("action", "commune")
    shown, count = page_of(sessions.order_by("starts_at", "pk"), page, page_size)
    return {"items": [public_session_dict(session) for session in shown], "count": count}


@router.post(
    f"{BASE}/public-sessions/{{int:session_id}}/registrations",
    response={
        202: MessageOut,
        404: MessageOut,
        409: MessageOut,
        415: MessageOut,
        422: ValidationErrorOut,
        429: MessageOut,
    },
    auth=None,
    summary="S'inscrire à une séance publique",
)
def register_publicly(request, cpts_id: int, session_id: int, payload: PreventionPublicRegistrationIn):
    """Sans compte : une place s'il en reste, sinon la liste d'attente ; un message dit lequel
    (avec le lien d'annulation et l'invitation .ics). La réponse est la même quoi qu'il arrive
    (202) ; inscriptions closes : 409 ; trop de demandes depuis la même adresse dans l'heure : 429,
    rien n'est écrit."""
    # A cross-site form can post text/plain without asking first: only JSON, which browsers
    # send to another site after a preflight this API never grants.
    if request.content_type != "application/json":
        raise HttpError(415, JSON_ONLY)
    cpts = get_cpts_or_404(cpts_id)
    session = first_or_404(policies.public_sessions(cpts).filter(pk=session_id), SESSION_NOT_FOUND)
    if not session.is_open:
        raise HttpError(409, REGISTRATIONS_CLOSED)
    if not throttle.allow(request, THROTTLE_SCOPE):
        raise HttpError(429, TOO_MANY)
    try:
        services.register(session, **payload.model_dump())
    except DjangoValidationError as error:
        raise HttpError(409, " ".join(error.messages)) from error
    return Status(202, {"detail": REGISTRATION_RECEIVED})
