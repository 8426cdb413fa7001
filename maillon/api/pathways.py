"""Care pathways (mission 2): the library of templates, the CPTS's programmes and their
versions, the programmes other CPTS share, the inclusions of patients with their consent and
care team, and an inclusion's FHIR export (docs/api.md, docs/fhir.md).

Who: the rules of maillon/pathways/policies.py, the ones the pages ask too. Any role in the
CPTS reads its programmes and includes a patient; the coordinators create programmes; an
inclusion is seen by its lead, its care team of today and the coordinators, and changed
(closing, care team) by the lead and the coordinators. No role in the CPTS answers 404, as for
a CPTS that does not exist — a platform admin included; an inclusion the caller may not see
answers 404 with the body of a missing one; a visible one the caller may not change, 403. A
refused rule of the domain that names a field of the body answers 422 with that field; a
closing the inclusion's state does not allow, 409 with the state. Every patient shown is
journaled (`services.record_inclusion_reads`: one entry per patient, field names only).
"""

import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from maillon.fhir.careplan import build_inclusion_bundle, inclusion_for_export
from maillon.fhir.responses import CONTENT_TYPE, fhir_response
from maillon.members.models import Membership
from maillon.members.professions import Profession
from maillon.pathways import policies, selectors, services
from maillon.pathways.models import (
    Anchor,
    CloseReason,
    ConsentMode,
    Inclusion,
    InclusionStatus,
    InsStatus,
    Programme,
    Relationship,
    Sex,
)
from maillon.pathways.templates import TEMPLATES

from .common import CptsRouter, PageNumber, cpts_or_404, first_or_404, page_of, page_size
from .errors import InvalidField, conflict, refusals_as_409
from .presenters import code_label, cpts_ref
from .schemas import (
    READ_ERRORS,
    BirthDate,
    CodeLabelOut,
    ConflictOut,
    CptsRefOut,
    IsoDate,
    MessageOut,
    Name,
    Text100,
    Text200,
)

router = CptsRouter(tags=["Parcours"], read_errors=READ_ERRORS)

PAGE_SIZE = 20
PageSize = page_size(100)

PROGRAMME_NOT_FOUND = "Programme introuvable."
INCLUSION_NOT_FOUND = "Inclusion introuvable."
MEMBER_NOT_FOUND = "Membre de l'équipe de soins introuvable."
NO_SHARED_PROGRAMMES = "Programmes partagés introuvables."
COORDINATORS_ONLY = "Programmes : seuls les coordinateurs de cette CPTS créent un programme."
EDITORS_ONLY = "Inclusion : seuls le référent et la coordination modifient cette inclusion."
ONE_SOURCE = "Modèle : indiquez soit un modèle de la bibliothèque (template), soit un programme partagé (copy_of)."
UNKNOWN_SHARED = "Programme : seul un programme partagé par une autre CPTS se copie."
UNKNOWN_PROGRAMME = "Programme : choisissez un programme en vigueur de cette CPTS."
UNKNOWN_LEAD = "Référent : choisissez un professionnel adhérent de cette CPTS."
UNKNOWN_MEMBERSHIP = "Équipe de soins : l'adhérent doit être de cette CPTS."
CLOSED = "Équipe de soins : l'inclusion est close."
ALREADY_LEFT = "Équipe de soins : ce membre a déjà quitté l'équipe."

# The fields each answer shows of the patient, for the journal (names only, never values).
LIST_FIELDS = ["birth_name", "used_name", "first_given_name", "birth_date"]
TEAM_FIELDS = ["care_team.name", "care_team.contact"]
# The PPCS fields a read shows (the plans, their PDF, the FHIR export's activities).
PLAN_FIELDS = ["care_plan.assessment", "care_plan.problems", "care_plan.goals", "care_plan.actions"]
FHIR_FIELDS = [*services.PERSONAL_FIELDS, *TEAM_FIELDS, *PLAN_FIELDS]
# The body fields of an inclusion, named as the model names them (a refusal names the same).
INCLUSION_FIELDS = [
    "programme",
    "lead",
    *services.PERSONAL_FIELDS,
    "identity_qualification",
    "consent_on",
    "consent_mode",
    "included_on",
]
TEAM_MEMBER_FIELDS = ["membership", "name", "relationship", "contact", "role", "starts_on", "ends_on"]

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
Contact = Annotated[str, StringConstraints(strip_whitespace=True, max_length=150)]


# --- Schemas -------------------------------------------------------------------------------


class TemplateStepOut(Schema):
    title: str
    profession: CodeLabelOut | None
    role: str
    anchor: CodeLabelOut = Field(description="inclusion, previous (l'étape précédente) ou recurring.")
    offset_days: int
    tolerance_days: int


class GridOut(Schema):
    name: str
    items: list[str]


class TemplateOut(Schema):
    key: str
    name: str
    description: str
    eligibility: str
    perinatal: bool = Field(description="Étiquette « périnatalité / santé de la femme ».")
    steps: list[TemplateStepOut]
    grids: list[GridOut]


class TemplatePageOut(Schema):
    items: list[TemplateOut]
    count: int


class ProgrammeOut(Schema):
    id: int
    lineage: str = Field(description="Le programme, commun à toutes ses versions.")
    version: int
    is_current: bool
    name: str
    description: str
    perinatal: bool
    template: str = Field(description="La clé du modèle d'origine ; vide sinon.")
    shared: bool


class ProgrammePageOut(Schema):
    items: list[ProgrammeOut]
    count: int


class ProgrammeStepOut(TemplateStepOut):
    position: int


class ProgrammeVersionOut(Schema):
    id: int
    version: int
    is_current: bool


class ProgrammeDetailOut(ProgrammeOut):
    eligibility: str
    created_at: datetime.datetime
    superseded_at: datetime.datetime | None
    steps: list[ProgrammeStepOut]
    assessment_grids: list[GridOut]
    versions: list[ProgrammeVersionOut] = Field(
        description="Toutes les versions du programme, de la première à la dernière."
    )


class SharedProgrammeOut(ProgrammeOut):
    cpts: CptsRefOut


class SharedProgrammePageOut(Schema):
    items: list[SharedProgrammeOut]
    count: int


class ProgrammeIn(Schema):
    template: str | None = Field(None, description="Clé d'un modèle de la bibliothèque (GET /pathway-templates).")
    copy_of: int | None = Field(None, description="Identifiant d'un programme partagé par une autre CPTS.")


class ProgrammeRefOut(Schema):
    id: int
    name: str
    version: int


class LeadOut(Schema):
    id: int = Field(description="L'adhésion du référent.")
    name: str


class PathwayPatientRefOut(Schema):
    display_name: str = Field(description="NOM (d'usage, sinon de naissance) et premier prénom.")
    birth_date: datetime.date


class InclusionListItemOut(Schema):
    id: int
    programme: ProgrammeRefOut
    status: InclusionStatus
    status_label: str
    included_on: datetime.date
    lead: LeadOut
    patient: PathwayPatientRefOut


class InclusionPageOut(Schema):
    items: list[InclusionListItemOut]
    count: int


class PathwayPatientOut(PathwayPatientRefOut):
    birth_name: str
    used_name: str
    given_names: str
    first_given_name: str
    sex: CodeLabelOut
    birth_place_code: str
    ins_number: str
    identity_qualification: CodeLabelOut
    qualified: bool = Field(description="Identité qualifiée : le matricule INS peut être partagé.")
    phone: str
    email: str


class ConsentOut(Schema):
    on: datetime.date
    mode: CodeLabelOut
    withdrawn_on: datetime.date | None


class CareTeamMemberOut(Schema):
    id: int
    membership_id: int | None = Field(description="L'adhésion d'un adhérent ; null pour une personne hors CPTS.")
    name: str
    profession: CodeLabelOut | None
    relationship: CodeLabelOut | None
    contact: str
    role: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    is_lead: bool


class CareTeamPageOut(Schema):
    items: list[CareTeamMemberOut]
    count: int


class InclusionOut(InclusionListItemOut):
    patient: PathwayPatientOut
    consent: ConsentOut
    closed_on: datetime.date | None
    close_reason: CodeLabelOut | None
    can_edit: bool = Field(description="Le lecteur peut clore l'inclusion et changer l'équipe de soins.")
    care_team: list[CareTeamMemberOut] = Field(description="Toute l'équipe, membres passés compris (avec leurs dates).")


class TeamMemberIn(Schema):
    """An adherent (`membership`) or a person outside the CPTS (`name`, `relationship`, `contact`)."""

    membership: int | None = Field(None, description="L'adhésion d'un professionnel de la CPTS.")
    name: Text100 = ""
    relationship: Relationship | None = None
    contact: Contact = ""
    role: Text100 = ""
    starts_on: IsoDate | None = Field(None, description="Aujourd'hui par défaut.")


class InclusionIn(Schema):
    programme: int = Field(description="Un programme en vigueur de la CPTS.")
    lead: int = Field(description="L'adhésion du professionnel référent (il rejoint l'équipe de soins).")
    birth_name: Name
    used_name: Text100 = ""
    given_names: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    first_given_name: Name
    sex: Sex
    birth_date: BirthDate
    birth_place_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5)] = Field(
        "", description="Code INSEE de la commune de naissance."
    )
    ins_number: Short = Field("", description="Matricule INS (NIR, 15 caractères).")
    identity_qualification: InsStatus = InsStatus.PROVISIONAL
    phone: Short = ""
    email: Text200 = ""
    consent_on: IsoDate
    consent_mode: ConsentMode
    included_on: IsoDate | None = Field(None, description="Aujourd'hui par défaut.")
    team: list[TeamMemberIn] = Field(default_factory=list, max_length=50)


class CloseIn(Schema):
    reason: CloseReason
    note: Text200 = ""


class EndIn(Schema):
    on: IsoDate | None = Field(None, description="Aujourd'hui par défaut.")


# --- Presenters ----------------------------------------------------------------------------


def step_dict(title, profession, profession_label, role, anchor, offset, tolerance) -> dict:
    return {
        "title": title,
        "profession": code_label(str(profession), profession_label) if profession else None,
        "role": role,
        "anchor": code_label(str(anchor), Anchor(anchor).label),
        "offset_days": offset,
        "tolerance_days": tolerance,
    }


def template_dict(key, template) -> dict:
    return {
        "key": key,
        "name": template.name,
        "description": template.description,
        "eligibility": template.eligibility,
        "perinatal": template.perinatal,
        "steps": [
            step_dict(title, profession, Profession(profession).label if profession else "", role, anchor, *days)
            for title, profession, role, anchor, *days in template.steps
        ],
        "grids": list(template.grids),
    }


def programme_dict(programme) -> dict:
    return {
        "id": programme.pk,
        "lineage": str(programme.lineage),
        "version": programme.version,
        "is_current": programme.is_current,
        "name": programme.name,
        "description": programme.description,
        "perinatal": programme.perinatal,
        "template": programme.template,
        "shared": programme.shared,
    }


def programme_detail(programme) -> dict:
    versions = Programme.objects.filter(lineage=programme.lineage).order_by("version")
    return {
        **programme_dict(programme),
        "eligibility": programme.eligibility,
        "created_at": programme.created_at,
        "superseded_at": programme.superseded_at,
        "steps": [
            {
                "position": step.position,
                **step_dict(
                    step.title,
                    step.profession,
                    step.get_profession_display(),
                    step.role,
                    step.anchor,
                    step.offset_days,
                    step.tolerance_days,
                ),
            }
            for step in programme.steps.all()
        ],
        "assessment_grids": programme.assessment_grids,
        "versions": [
            {"id": version.pk, "version": version.version, "is_current": version.is_current} for version in versions
        ],
    }


def lead_dict(inclusion) -> dict:
    return {"id": inclusion.lead_id, "name": str(inclusion.lead.member)}


def inclusion_item(inclusion) -> dict:
    programme = inclusion.programme
    return {
        "id": inclusion.pk,
        "programme": {"id": programme.pk, "name": programme.name, "version": programme.version},
        "status": inclusion.status,
        "status_label": inclusion.get_status_display(),
        "included_on": inclusion.included_on,
        "lead": lead_dict(inclusion),
        "patient": {"display_name": inclusion.display_name, "birth_date": inclusion.birth_date},
    }


def team_member_dict(member, lead_id) -> dict:
    membership = member.membership
    professional = membership.professional if membership else None
    return {
        "id": member.pk,
        "membership_id": member.membership_id,
        "name": str(membership.member) if membership else member.name,
        "profession": code_label(professional.profession, professional.get_profession_display())
        if professional
        else None,
        "relationship": code_label(member.relationship, member.get_relationship_display()),
        "contact": member.contact,
        "role": member.role,
        "starts_on": member.starts_on,
        "ends_on": member.ends_on,
        "is_lead": membership is not None and member.membership_id == lead_id,
    }


def team_of(inclusion):
    return inclusion.care_team.select_related("membership__professional", "membership__structure").order_by(
        "starts_on", "pk"
    )


def inclusion_detail(request, inclusion) -> dict:
    """The whole inclusion, its patient journaled as read."""
    services.record_inclusion_reads([inclusion], [*services.PERSONAL_FIELDS, *TEAM_FIELDS], note="inclusion (API)")
    return {
        **inclusion_item(inclusion),
        "patient": {
            **{name: getattr(inclusion, name) for name in services.PERSONAL_FIELDS},
            "display_name": inclusion.display_name,
            "sex": code_label(inclusion.sex, inclusion.get_sex_display()),
            "identity_qualification": code_label(
                inclusion.identity_qualification, inclusion.get_identity_qualification_display()
            ),
            "qualified": inclusion.qualified,
        },
        "consent": {
            "on": inclusion.consent_on,
            "mode": code_label(inclusion.consent_mode, inclusion.get_consent_mode_display()),
            "withdrawn_on": inclusion.consent_withdrawn_on,
        },
        "closed_on": inclusion.closed_on,
        "close_reason": code_label(inclusion.close_reason, inclusion.get_close_reason_display()),
        "can_edit": policies.can_edit_inclusion(request.auth, inclusion),
        "care_team": [team_member_dict(member, inclusion.lead_id) for member in team_of(inclusion)],
    }


# --- Access --------------------------------------------------------------------------------


def programmes_access(request, cpts_id):
    """The CPTS; 404, as for a CPTS that does not exist, without a role there."""
    return cpts_or_404(request, cpts_id, policies.can_see_programmes)


def inclusions_access(request, cpts_id):
    return cpts_or_404(request, cpts_id, policies.can_include)


def visible_inclusions(request, cpts):
    return policies.visible_inclusions(request.auth, cpts).select_related("programme", "lead__professional")


def visible_inclusion(request, cpts, inclusion_id) -> Inclusion:
    """An inclusion the caller may see, else 404 as a missing one."""
    return first_or_404(visible_inclusions(request, cpts).filter(pk=inclusion_id), INCLUSION_NOT_FOUND)


def editable_inclusion(request, cpts, inclusion_id) -> Inclusion:
    """An inclusion the caller may change: 404 if they may not see it, 403 if only see it."""
    inclusion = visible_inclusion(request, cpts, inclusion_id)
    if not policies.can_edit_inclusion(request.auth, inclusion):
        raise HttpError(403, EDITORS_ONLY)
    return inclusion


def adherent(cpts, membership_id, field, message):
    """An active adhesion of a professional of the CPTS, else 422 on `field`."""
    found = Membership.objects.for_cpts(cpts).active().filter(pk=membership_id, professional__isnull=False).first()
    if found is None:
        raise InvalidField(field, [message])
    return found


def team_member_fields(cpts, member: TeamMemberIn, field: str, starts_on=None) -> dict:
    return {
        "membership": adherent(cpts, member.membership, field, UNKNOWN_MEMBERSHIP) if member.membership else None,
        "name": member.name,
        "relationship": member.relationship or "",
        "contact": member.contact,
        "role": member.role,
        "starts_on": member.starts_on or starts_on or timezone.localdate(),
    }


# --- The library ---------------------------------------------------------------------------


@router.get("/pathway-templates", response=TemplatePageOut, summary="Bibliothèque des modèles de programme")
def list_templates(request):
    """Les modèles livrés avec Maillon (deux de périnatalité) : étapes, grilles, critères. Tout
    utilisateur connecté les lit ; une CPTS en tire un programme (`POST …/programmes`)."""
    items = [template_dict(key, template) for key, template in TEMPLATES.items()]
    return {"items": items, "count": len(items)}


# --- Programmes ----------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/programmes", response=ProgrammePageOut, summary="Programmes de parcours de la CPTS")
def list_programmes(
    request,
    cpts_id: int,
    all_versions: Annotated[bool, Query(description="Aussi les versions remplacées")] = False,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les programmes de la CPTS, par nom ; la version en vigueur de chacun (toutes avec
    `all_versions=true`). Tout rôle dans la CPTS."""
    cpts = programmes_access(request, cpts_id)
    programmes = policies.visible_programmes(request.auth, cpts)
    if not all_versions:
        programmes = programmes.current()
    shown, count = page_of(programmes.order_by("name", "version", "pk"), page, page_size)
    return {"items": [programme_dict(programme) for programme in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/programmes", response={201: ProgrammeDetailOut}, summary="Créer un programme de parcours"
)
def create_programme(request, cpts_id: int, payload: ProgrammeIn):
    """D'un modèle de la bibliothèque (`template`) ou d'un programme qu'une autre CPTS partage
    (`copy_of`), à adapter ensuite. Coordinateurs seulement."""
    cpts = programmes_access(request, cpts_id)
    if not policies.can_manage_programmes(request.auth, cpts):
        raise HttpError(403, COORDINATORS_ONLY)
    if (payload.template is None) == (payload.copy_of is None):
        raise InvalidField("template", [ONE_SOURCE])
    if payload.template is not None:
        with refusals_as_409("template"):
            programme = services.create_from_template(cpts, payload.template)
    else:
        source = selectors.shared_programmes(request.auth).filter(pk=payload.copy_of).first()
        if source is None:
            raise InvalidField("copy_of", [UNKNOWN_SHARED])
        try:
            programme = services.copy_programme(source, cpts)
        except DjangoValidationError as error:
            raise InvalidField("copy_of", error.messages) from error
    return Status(201, programme_detail(programme))


@router.get(
    "/cpts/{int:cpts_id}/programmes/{int:programme_id}",
    response=ProgrammeDetailOut,
    summary="Détail d'un programme de parcours",
)
def get_programme(request, cpts_id: int, programme_id: int):
    """Une version d'un programme : ses étapes, ses grilles d'évaluation et la liste des versions."""
    cpts = programmes_access(request, cpts_id)
    programmes = policies.visible_programmes(request.auth, cpts).prefetch_related("steps")
    return programme_detail(first_or_404(programmes.filter(pk=programme_id), PROGRAMME_NOT_FOUND))


@router.get("/shared-programmes", response=SharedProgrammePageOut, summary="Programmes partagés par les CPTS")
def list_shared_programmes(request, page: PageNumber = 1, page_size: PageSize = PAGE_SIZE):
    """La version en vigueur des programmes que des CPTS partagent, avec leur CPTS : une autre
    CPTS en fait une copie (`POST /cpts/{id}/programmes` avec `copy_of`). Tout rôle dans une CPTS."""
    if not selectors.can_see_shared_programmes(request.auth):
        raise HttpError(404, NO_SHARED_PROGRAMMES)
    programmes = selectors.shared_programmes(request.auth).order_by("name", "cpts__name", "pk")
    shown, count = page_of(programmes, page, page_size)
    items = [{**programme_dict(programme), "cpts": cpts_ref(programme.cpts)} for programme in shown]
    return {"items": items, "count": count}


# --- Inclusions ----------------------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/pathway-inclusions", response=InclusionPageOut, summary="Patients inclus dans un parcours"
)
def list_inclusions(
    request,
    cpts_id: int,
    status: Annotated[InclusionStatus | None, Query(description="État de l'inclusion")] = None,
    programme: Annotated[int | None, Query(description="Identifiant d'une version de programme")] = None,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les inclusions que vous pouvez voir (la coordination : toutes ; un membre : celles dont il
    est le référent ou dans l'équipe de soins aujourd'hui), les plus récentes d'abord. Chaque
    patient montré est inscrit au journal."""
    cpts = inclusions_access(request, cpts_id)
    inclusions = visible_inclusions(request, cpts)
    if status:
        inclusions = inclusions.filter(status=status)
    if programme is not None:
        inclusions = inclusions.filter(programme_id=programme)
    shown, count = page_of(inclusions.order_by("-included_on", "-pk"), page, page_size)
    services.record_inclusion_reads(shown, LIST_FIELDS, note="inclusions (API)")
    return {"items": [inclusion_item(inclusion) for inclusion in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/pathway-inclusions",
    response={201: InclusionOut},
    summary="Inclure un patient dans un parcours",
)
def include(request, cpts_id: int, payload: InclusionIn):
    """L'identité (traits INS et statut de l'identité), le consentement recueilli (date, mode ; noté
    par vous), le référent et le reste de l'équipe de soins. Tout rôle dans la CPTS."""
    cpts = inclusions_access(request, cpts_id)
    programme = Programme.objects.for_cpts(cpts).current().filter(pk=payload.programme).first()
    if programme is None:
        raise InvalidField("programme", [UNKNOWN_PROGRAMME])
    lead = adherent(cpts, payload.lead, "lead", UNKNOWN_LEAD)
    team = [team_member_fields(cpts, member, "team", payload.included_on) for member in payload.team]
    identity = payload.model_dump(exclude={"programme", "lead", "team", "included_on"})
    if payload.included_on:
        identity["included_on"] = payload.included_on
    try:
        inclusion = services.include_patient(
            cpts, programme=programme, lead=lead, by=request.auth, team=team, **identity
        )
    except DjangoValidationError as error:
        raise refusal_of_inclusion(error) from error
    inclusion = visible_inclusions(request, cpts).filter(pk=inclusion.pk).first() or inclusion
    return Status(201, inclusion_detail(request, inclusion))


def refusal_of_inclusion(error: DjangoValidationError) -> Exception:
    """422 on the inclusion's fields it names, on `team` for its care team's, else 409."""
    named = getattr(error, "error_dict", {})
    if set(named) & set(INCLUSION_FIELDS):
        return InvalidField.of(error)
    if set(named) & set(TEAM_MEMBER_FIELDS):
        return InvalidField("team", error.messages)
    return conflict(error)


@router.get(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}",
    response=InclusionOut,
    summary="Détail d'une inclusion",
)
def get_inclusion(request, cpts_id: int, inclusion_id: int):
    """Le patient, le consentement, le référent et l'équipe de soins ; la lecture est journalisée."""
    cpts = inclusions_access(request, cpts_id)
    return inclusion_detail(request, visible_inclusion(request, cpts, inclusion_id))


@router.post(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/close",
    response={200: InclusionOut, 409: ConflictOut},
    summary="Clore une inclusion",
)
def close_inclusion(request, cpts_id: int, inclusion_id: int, payload: CloseIn):
    """Parcours terminé, consentement retiré (la date du retrait est notée), départ, décès… Le
    référent et la coordination ; une inclusion déjà close répond 409 avec son état."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = editable_inclusion(request, cpts, inclusion_id)
    with refusals_as_409("reason"):
        inclusion.close(by=request.auth, reason=payload.reason, note=payload.note)
    return inclusion_detail(request, visible_inclusion(request, cpts, inclusion_id))


@router.post(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/move",
    # A refused move of a closed inclusion is a rule of the domain (MessageOut), not a transition.
    response={200: InclusionOut, 409: ConflictOut | MessageOut},
    summary="Passer un patient à la version en vigueur de son programme",
)
def move_inclusion(request, cpts_id: int, inclusion_id: int):
    """Le référent et la coordination : les tâches à faire de l'ancienne version sont annulées,
    celles de la version en vigueur planifiées à partir d'aujourd'hui. Déjà à jour ou close : 409."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = editable_inclusion(request, cpts, inclusion_id)
    with refusals_as_409():
        services.move_to_current_version(inclusion, by=request.auth)
    return inclusion_detail(request, visible_inclusion(request, cpts, inclusion_id))


# --- Care team -----------------------------------------------------------------------------


@router.get(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/care-team",
    response=CareTeamPageOut,
    summary="Équipe de soins d'un patient",
)
def list_care_team(
    request,
    cpts_id: int,
    inclusion_id: int,
    current: Annotated[bool, Query(description="Seulement les membres d'aujourd'hui")] = False,
    page: PageNumber = 1,
    page_size: PageSize = PAGE_SIZE,
):
    """Les adhérents et les personnes hors CPTS (aidant, travailleur social) de l'équipe, avec leurs dates."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = visible_inclusion(request, cpts, inclusion_id)
    team = team_of(inclusion)
    if current:
        team = team.on(timezone.localdate())
    shown, count = page_of(team, page, page_size)
    services.record_inclusion_reads([inclusion], TEAM_FIELDS, note="équipe de soins (API)")
    return {"items": [team_member_dict(member, inclusion.lead_id) for member in shown], "count": count}


@router.post(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/care-team",
    response={201: CareTeamMemberOut},
    summary="Ajouter un membre à l'équipe de soins",
)
def add_team_member(request, cpts_id: int, inclusion_id: int, payload: TeamMemberIn):
    """Un adhérent (`membership`) ou une personne hors CPTS (`name`, `relationship`, `contact`),
    son rôle et sa date d'arrivée. Le référent et la coordination ; 409 sur une inclusion close."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = editable_inclusion(request, cpts, inclusion_id)
    if inclusion.status != InclusionStatus.ACTIVE:
        raise HttpError(409, CLOSED)
    fields = team_member_fields(cpts, payload, "membership")
    with refusals_as_409(*TEAM_MEMBER_FIELDS):
        member = services.add_team_member(inclusion, **fields)
    return Status(201, team_member_dict(member, inclusion.lead_id))


@router.post(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/care-team/{int:member_id}/end",
    response=CareTeamMemberOut,
    summary="Un membre quitte l'équipe de soins",
)
def end_team_member(request, cpts_id: int, inclusion_id: int, member_id: int, payload: EndIn):
    """Le membre quitte l'équipe à la date `on` (aujourd'hui par défaut) ; l'historique reste. Le
    référent ne la quitte pas (nommez-en un autre d'abord) : 409."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = editable_inclusion(request, cpts, inclusion_id)
    member = first_or_404(team_of(inclusion).filter(pk=member_id), MEMBER_NOT_FOUND)
    if member.ends_on is not None:
        raise HttpError(409, ALREADY_LEFT)
    member.inclusion = inclusion
    try:
        services.end_team_member(member, on=payload.on)
    except DjangoValidationError as error:
        if "ends_on" in getattr(error, "error_dict", {}):
            raise InvalidField("on", error.message_dict["ends_on"]) from error
        raise conflict(error) from error
    return team_member_dict(member, inclusion.lead_id)


# --- FHIR ----------------------------------------------------------------------------------

FHIR_ANSWER = {
    "responses": {
        200: {
            "description": "Un Bundle FHIR R4 de type collection (Patient, CarePlan, CareTeam, PractitionerRole, "
            "RelatedPerson).",
            "content": {CONTENT_TYPE.split(";")[0]: {"schema": {"type": "object"}}},
        }
    }
}


@router.get(
    "/cpts/{int:cpts_id}/pathway-inclusions/{int:inclusion_id}/fhir",
    response=dict[str, Any],
    summary="Export FHIR d'une inclusion (Bundle)",
    openapi_extra=FHIR_ANSWER,
)
def inclusion_fhir(request, cpts_id: int, inclusion_id: int):
    """Le dossier du patient pour un outil régional de parcours, en FHIR R4 (`application/fhir+json`) :
    un Bundle `collection` avec le Patient (son INS seulement si l'identité est qualifiée), le
    CarePlan, le CareTeam (profil ANS « Cercle de soins ») et ses membres. Journalisé."""
    cpts = inclusions_access(request, cpts_id)
    inclusion = inclusion_for_export(visible_inclusions(request, cpts), inclusion_id)
    if inclusion is None:
        raise HttpError(404, INCLUSION_NOT_FOUND)
    bundle = build_inclusion_bundle(inclusion)
    services.record_inclusion_reads([inclusion], FHIR_FIELDS, note="export FHIR (API)")
    return fhir_response(bundle)
