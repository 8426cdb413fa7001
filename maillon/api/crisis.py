"""The crisis plan of a CPTS (mission 4): its yearly versions, the editor's writes, the
review by the authority and the diff between versions.

Same rights as the pages (`maillon.crisis.policies`): the CPTS's coordinators write drafts
and submit them; the authorities (ARS, CPAM) of its territory validate or send back a
submitted version; its members and the observers of its territory read. Anyone else (a
platform admin without a role included) gets 404, as for a CPTS that does not exist; a
reader who writes gets 403. A frozen version
(submitted, validated) or a refused transition answers 409 (a transition the version's state
does not allow also gives that state: `{"detail", "status", "status_label"}`). Every write is
journaled.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Query, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from maillon.crisis import document, facts, policies, selectors, services, template
from maillon.crisis.models import PlanProfessional, PlanVersion
from maillon.members.models import Professional

from .common import CptsRouter, cpts_or_404, first_or_404
from .errors import conflict, refusals_as_409
from .schemas import READ_ERRORS_NO_422, WRITE_ERRORS_NO_422, ConflictOut, MessageOut

router = CptsRouter(tags=["Crise : plan"], read_errors=READ_ERRORS_NO_422, write_errors=WRITE_ERRORS_NO_422)

VERSION_NOT_FOUND = "Version du plan introuvable."
SECTION_NOT_FOUND = "Section inconnue du modèle national."
ROW_NOT_FOUND = "Professionnel introuvable dans cette version."
PROFESSIONAL_NOT_FOUND = "Professionnel : choisissez un adhérent actif de la CPTS."
COORDINATOR_ONLY = "Seuls les coordinateurs de cette CPTS rédigent et soumettent le plan de crise."
AUTHORITY_ONLY = "Seules l'ARS et la CPAM du territoire valident ou renvoient le plan de crise."


# --- Shapes ---------------------------------------------------------------------------


class VersionSummaryOut(Schema):
    year: int
    status: str = Field(description="draft (brouillon), submitted (soumise) ou validated (validée).")
    status_label: str
    validated_at: datetime.datetime | None


class CrisisPlanProfessionalOut(Schema):
    id: int = Field(description="Identifiant de la ligne du plan (pour la retirer).")
    professional_id: int
    name: str
    profession: str
    role: str
    skills: str
    typologies: list[int]


class MissingOut(Schema):
    section: str
    section_title: str
    label: str


class CrisisPlanEventOut(Schema):
    at: datetime.datetime
    from_status: str
    to_status: str
    by: str | None
    comment: str


class CrisisPlanVersionOut(VersionSummaryOut):
    content: dict[str, dict[str, str]] = Field(description="{section: {champ: texte}} selon le modèle national.")
    professionals: list[CrisisPlanProfessionalOut]
    missing: list[MissingOut] = Field(description="Ce que le modèle national attend encore (vide : complet).")
    events: list[CrisisPlanEventOut]
    based_on_year: int | None


class CrisisPlanDeadlineOut(Schema):
    contract_year: int
    first_drafting: bool
    due_on: datetime.date
    done_on: datetime.date | None
    state: str = Field(description="done, on_time, upcoming (échéance proche) ou overdue (en retard).")


class ImprovementOut(Schema):
    id: int
    text: str
    source: str
    created_at: datetime.datetime


class CrisisPlanOut(Schema):
    current_year: int | None = Field(description="Le plan en vigueur (dernière version validée).")
    versions: list[VersionSummaryOut]
    deadlines: list[CrisisPlanDeadlineOut]
    open_improvements: list[ImprovementOut]


class NewVersionIn(Schema):
    year: int | None = Field(
        None,
        description="Par défaut : l'année qui suit la dernière version. L'année en cours, ou la suivante"
        " de la dernière version si elle ne dépasse pas l'an prochain.",
    )


class SectionIn(Schema):
    fields: dict[str, str] = Field(description="{champ: texte} ; les champs absents sont vidés.")


class ProfessionalIn(Schema):
    professional_id: int
    role: str = Field(max_length=200)
    skills: str | None = Field(None, max_length=2000, description="Par défaut : les compétences de l'annuaire.")
    typologies: list[int] = Field(default_factory=list, description="Typologies 1 à 5.")


class CrisisPlanDecisionIn(Schema):
    validate_plan: bool = Field(description="true : valider la version ; false : la renvoyer avec des remarques.")
    comment: str = Field("", max_length=5000, description="Remarques (obligatoires pour un renvoi).")


class DiffLineOut(Schema):
    kind: str = Field(description="same, removed ou added.")
    text: str


class DiffSectionOut(Schema):
    key: str
    title: str
    changed: bool
    lines: list[DiffLineOut]


class DiffOut(Schema):
    year: int
    since_year: int | None
    sections: list[DiffSectionOut]
    text: str = Field(description="Les sections modifiées en texte brut (lignes « − » retirées, « + » ajoutées).")


# --- Access and presenters --------------------------------------------------------------


# The step an operation takes → (its policy, the 403 message for a reader who may not).
EDIT = (policies.can_edit_plan, COORDINATOR_ONLY)
REVIEW = (policies.can_review_plan, AUTHORITY_ONLY)


def access(request, cpts_id, *, need=None):
    """The CPTS; 404 (as a missing CPTS) unless the user reads its plan, 403 when `need` (EDIT
    or REVIEW) refuses the operation."""
    cpts = cpts_or_404(request, cpts_id, policies.can_read_plan)
    if need is not None:
        allowed, message = need
        if not allowed(request.auth, cpts):
            raise HttpError(403, message)
    return cpts


def plan_version(request, cpts_id, year, *, need=None) -> PlanVersion:
    """The version of `year` of the CPTS's plan; 404 or 403 as `access`, 404 without one."""
    return version_or_404(access(request, cpts_id, need=need), year)


def version_or_404(cpts, year) -> PlanVersion:
    versions = PlanVersion.objects.for_cpts(cpts).filter(year=year).select_related("plan", "based_on")
    return first_or_404(versions, VERSION_NOT_FOUND)


def summary_dict(version) -> dict:
    return {
        "year": version.year,
        "status": version.status,
        "status_label": version.get_status_display(),
        "validated_at": version.validated_at,
    }


def professional_dict(row) -> dict:
    professional = row.professional
    return {
        "id": row.pk,
        "professional_id": professional.pk,
        "name": f"{professional.first_name} {professional.last_name}",
        "profession": professional.get_profession_display(),
        "role": row.role,
        "skills": row.skills,
        "typologies": list(row.typologies),
    }


def version_dict(version) -> dict:
    version = PlanVersion.objects.select_related("plan", "based_on").get(pk=version.pk)
    return {
        **summary_dict(version),
        "content": template.clean_content(version.content),
        "professionals": [professional_dict(row) for row in version.professionals.select_related("professional")],
        "missing": [
            {"section": item.section_key, "section_title": item.section_title, "label": item.label}
            for item in version.missing_items()
        ],
        "events": [
            {
                "at": event.at,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "by": str(event.by) if event.by else None,
                "comment": event.comment,
            }
            for event in version.events.select_related("by")
        ],
        "based_on_year": version.based_on.year if version.based_on else None,
    }


# --- Reads ---------------------------------------------------------------------------------


@router.get("/cpts/{int:cpts_id}/crisis/plan", response=CrisisPlanOut, summary="Le plan")
def plan(request, cpts_id: int):
    """Les versions du plan (une par an), le plan en vigueur, les échéances de l'ACI
    (première rédaction puis mise à jour annuelle) et les actions d'amélioration à intégrer."""
    cpts = access(request, cpts_id)
    current = selectors.current_plan(cpts)
    return {
        "current_year": current.year if current else None,
        "versions": [summary_dict(version) for version in selectors.versions(cpts)],
        "deadlines": [
            {
                "contract_year": item.contract_year,
                "first_drafting": item.first,
                "due_on": item.deadline.due_on,
                "done_on": item.deadline.done_on,
                "state": item.deadline.state,
            }
            for item in facts.plan_deadlines(cpts)
        ],
        "open_improvements": [
            {"id": item.pk, "text": item.text, "source": item.source, "created_at": item.created_at}
            for item in services.open_improvements(cpts)
        ],
    }


@router.get(
    "/cpts/{int:cpts_id}/crisis/plan/versions/{int:year}", response=CrisisPlanVersionOut, summary="Une version du plan"
)
def version(request, cpts_id: int, year: int):
    """Le contenu (sections du modèle national), les professionnels mobilisables, ce qui manque
    encore et l'historique des étapes."""
    return version_dict(plan_version(request, cpts_id, year))


@router.get(
    "/cpts/{int:cpts_id}/crisis/plan/versions/{int:year}/diff",
    response=DiffOut,
    summary="Écarts avec une autre version",
)
def diff(request, cpts_id: int, year: int, since: Query[int | None] = None):
    """Section par section, les lignes retirées et ajoutées depuis la version `since` (par
    défaut : la version de l'année précédente ; aucune pour la première)."""
    cpts = access(request, cpts_id)
    newer = version_or_404(cpts, year)
    older = version_or_404(cpts, since) if since is not None else selectors.previous_version(newer)
    sections = document.diff(older, newer) if older else []
    return {
        "year": newer.year,
        "since_year": older.year if older else None,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "changed": section.changed,
                "lines": [{"kind": line.kind, "text": line.text} for line in section.lines],
            }
            for section in sections
        ],
        "text": document.unified(older, newer) if older else "",
    }


# --- Writes --------------------------------------------------------------------------------


@router.post(
    "/cpts/{int:cpts_id}/crisis/plan/versions",
    response={201: CrisisPlanVersionOut},
    summary="Ouvrir le brouillon de l'année",
)
def start(request, cpts_id: int, payload: NewVersionIn):
    """Un nouveau brouillon, copie de la dernière version validée (contenu et professionnels) ;
    409 si une version est déjà en brouillon ou soumise, si l'année existe, ou si ce n'est ni
    l'année en cours ni la suivante de la dernière version (au plus l'an prochain)."""
    cpts = access(request, cpts_id, need=EDIT)
    with refusals_as_409():
        created = services.open_draft(cpts, by=request.auth, year=payload.year)
    return Status(201, version_dict(created))


@router.put(
    "/cpts/{int:cpts_id}/crisis/plan/versions/{int:year}/sections/{section}",
    response=CrisisPlanVersionOut,
    summary="Écrire une section du brouillon",
)
def write_section(request, cpts_id: int, year: int, section: str, payload: SectionIn):
    """Remplace les champs d'une section (`general`, `typology_1` … `typology_5`,
    `communication`, `reporting`, `training`) ; les champs inconnus sont ignorés."""
    target = plan_version(request, cpts_id, year, need=EDIT)
    if template.section(section) is None:
        raise HttpError(404, SECTION_NOT_FOUND)
    with refusals_as_409():
        services.save_section(target, section, payload.fields, by=request.auth)
    return version_dict(target)


@router.post(
    "/cpts/{int:cpts_id}/crisis/plan/versions/{int:year}/professionals",
    response={201: CrisisPlanProfessionalOut},
    summary="Ajouter un professionnel mobilisable",
)
def add_professional(request, cpts_id: int, year: int, payload: ProfessionalIn):
    """Un adhérent actif de la CPTS, son rôle dans le plan, ses compétences et les typologies."""
    target = plan_version(request, cpts_id, year, need=EDIT)
    professional = first_or_404(Professional.objects.filter(pk=payload.professional_id), PROFESSIONAL_NOT_FOUND)
    with refusals_as_409():
        row = services.add_professional(
            target, professional=professional, by=request.auth, **payload.dict(exclude={"professional_id"})
        )
    return Status(201, professional_dict(row))


@router.delete(
    "/cpts/{int:cpts_id}/crisis/plan/versions/{int:year}/professionals/{int:row_id}",
    response={204: None},
    summary="Retirer un professionnel du brouillon",
)
def remove_professional(request, cpts_id: int, year: int, row_id: int):
    target = plan_version(request, cpts_id, year, need=EDIT)
    row = first_or_404(PlanProfessional.objects.filter(version=target, pk=row_id), ROW_NOT_FOUND)
    with refusals_as_409():
        services.remove_professional(row, by=request.auth)
    return Status(204, None)


@router.post(
    "/cpts/{int:cpts_id}/crisis/plan/versions/{int:year}/submit",
    response={200: CrisisPlanVersionOut, 409: ConflictOut | MessageOut},
    summary="Soumettre le brouillon à l'ARS et à la CPAM",
)
def submit(request, cpts_id: int, year: int):
    """Fige la version ; 409 si elle n'est pas un brouillon complet (le message dit ce qui manque)."""
    target = plan_version(request, cpts_id, year, need=EDIT)
    with refusals_as_409():
        services.submit_version(target, by=request.auth)
    return version_dict(target)


@router.post(
    "/cpts/{int:cpts_id}/crisis/plan/versions/{int:year}/decision",
    response={200: CrisisPlanVersionOut, 409: ConflictOut | MessageOut},
    summary="Valider ou renvoyer une version soumise (ARS, CPAM)",
)
def decision(request, cpts_id: int, year: int, payload: CrisisPlanDecisionIn):
    """L'acte de l'autorité du territoire : valider la version soumise (elle devient le plan en
    vigueur et compte pour le financement de l'ACI), ou la renvoyer en brouillon avec des remarques."""
    target = plan_version(request, cpts_id, year, need=REVIEW)
    try:
        if payload.validate_plan:
            services.validate_version(target, by=request.auth, comment=payload.comment.strip())
        else:
            services.send_back_version(target, by=request.auth, comment=payload.comment)
    except PermissionDenied as error:
        raise HttpError(403, AUTHORITY_ONLY) from error
    except DjangoValidationError as error:
        raise conflict(error) from error
    return version_dict(target)
