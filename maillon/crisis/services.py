"""Writes of the crisis plan: versions, sections, professionals, review, improvement actions.

Every write goes through a `JournaledModel` (the audit journal gets who, what, which fields).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillon.members.models import Professional
from maillon.members.selectors import active_professionals

from . import policies, selectors, template
from .models import (
    ROLE_MAX,
    CrisisPlan,
    ImprovementStatus,
    PlanImprovement,
    PlanProfessional,
    PlanVersion,
    typologies_valid,
)

SOURCE_MAX = 200
IMPROVEMENT_MAX = 2000


def plan_of(cpts) -> CrisisPlan:
    plan, _ = CrisisPlan.objects.get_or_create(cpts=cpts)
    return plan


def next_year(cpts) -> int:
    latest = selectors.versions(cpts).first()
    return latest.year + 1 if latest else timezone.localdate().year


def allowed_years(cpts, today=None) -> list[int]:
    """The years a coordinator may open: the current calendar year, or the one after the last
    version (`next_year`) when it is no later than next calendar year — a far year, once
    validated, would stay the plan in force for good."""
    this_year = (today or timezone.localdate()).year
    return sorted({this_year, next_year(cpts)} & set(range(this_year, this_year + 2)))


def open_draft(cpts, *, by, year: int | None = None, today=None) -> PlanVersion:
    """The coordinator's « open the draft » (pages and API): `start_version` for one of the
    `allowed_years` (default: `next_year`)."""
    year = year or next_year(cpts)
    allowed = allowed_years(cpts, today)
    if year not in allowed:
        choices = " ou ".join(str(number) for number in allowed)
        raise ValidationError({"year": f"Année : le plan {year} ne peut pas être ouvert, choisissez {choices}."})
    return start_version(cpts, by=by, year=year)


@transaction.atomic
def start_version(cpts, *, by, year: int | None = None) -> PlanVersion:
    """A new draft: a copy of the last validated version (content and professionals), or an
    empty plan for the first one. One version at a time is written or reviewed.
    Any year of the range (the demo writes past plans): the pages and the API go through
    `open_draft`, which holds the coordinator to the current or next year."""
    plan = plan_of(cpts)
    CrisisPlan.objects.select_for_update().filter(pk=plan.pk).first()
    if selectors.working_version(cpts) is not None:
        raise ValidationError("Nouvelle version : une version est déjà en brouillon ou soumise.")
    year = year or next_year(cpts)
    if PlanVersion.objects.filter(plan=plan, year=year).exists():
        raise ValidationError({"year": f"Année : le plan {year} existe déjà (une version par an)."})
    base = selectors.current_plan(cpts)
    version = PlanVersion(plan=plan, year=year, created_by=by, based_on=base)
    version.content = dict(base.content) if base else template.empty_content()
    version.full_clean(exclude=["content", "plan", "based_on", "created_by"])
    version.save()
    if base is not None:
        for row in base.professionals.all():
            PlanProfessional.objects.create(
                version=version,
                professional_id=row.professional_id,
                role=row.role,
                skills=row.skills,
                typologies=list(row.typologies),
            )
    return version


def save_section(version: PlanVersion, key: str, values: dict, *, by) -> PlanVersion:
    version.set_section(key, values)
    return version


def is_active_member(professional, cpts) -> bool:
    return active_professionals(cpts).filter(pk=professional.pk).exists()


def add_professional(version: PlanVersion, *, professional: Professional, role: str, skills=None, typologies=(), by):
    """Pick a member of the CPTS for the plan; the skills default to those of the directory."""
    if version.is_frozen:
        raise ValidationError("Version figée : une version soumise ou validée ne se modifie plus.")
    if not is_active_member(professional, version.cpts):
        raise ValidationError({"professional": "Professionnel : choisissez un adhérent actif de la CPTS."})
    role = (role or "").strip()[:ROLE_MAX]
    typologies = sorted({int(number) for number in typologies})
    row = PlanProfessional(
        version=version,
        professional=professional,
        role=role,
        skills=(professional.skills if skills is None else skills).strip(),
        typologies=typologies,
    )
    row.full_clean(exclude=["version", "professional"])
    if not typologies_valid(typologies):
        raise ValidationError({"typologies": "Typologies : choisissez parmi les typologies 1 à 5."})
    if PlanProfessional.objects.filter(version=version, professional=professional).exists():
        raise ValidationError({"professional": "Professionnel : il figure déjà dans le plan."})
    row.save()
    return row


def remove_professional(row: PlanProfessional, *, by) -> None:
    row.delete()


def submit_version(version: PlanVersion, *, by):
    return version.submit(by=by)


def validate_version(version: PlanVersion, *, by, comment=""):
    """The authority's validation; anyone else is refused."""
    if not policies.can_review_plan(by, version.cpts):
        raise PermissionDenied("Validation : elle revient à l'ARS ou à la CPAM du territoire.")
    return version.validate(by=by, comment=comment)


def send_back_version(version: PlanVersion, *, by, comment):
    if not policies.can_review_plan(by, version.cpts):
        raise PermissionDenied("Renvoi : il revient à l'ARS ou à la CPAM du territoire.")
    return version.send_back(by=by, comment=comment)


def carry_improvements(cpts, *, items: list[str], source: str, by) -> list[PlanImprovement]:
    """Store improvement actions (from a RETEX, an exercise…) to take into the CPTS's next plan
    version, or its current draft; they are listed in the editor until integrated.

    Stable entry point for `maillon.crisis_response`. Blank items are skipped; all or nothing.
    """
    source = (source or "").strip()[:SOURCE_MAX]
    if not source:
        raise ValidationError({"source": "Origine : précisez d'où viennent les actions (RETEX, exercice…)."})
    texts = [str(item).strip()[:IMPROVEMENT_MAX] for item in items if str(item or "").strip()]
    with transaction.atomic():
        plan = plan_of(cpts)
        return [PlanImprovement.objects.create(plan=plan, text=text, source=source, created_by=by) for text in texts]


def open_improvements(cpts):
    return PlanImprovement.objects.filter(plan__cpts=cpts, status=ImprovementStatus.OPEN).order_by("created_at", "pk")


def integrate_improvement(improvement: PlanImprovement, *, by) -> PlanImprovement:
    """Mark an action as taken into the current draft."""
    version = selectors.working_version(improvement.plan.cpts)
    if version is None or not version.is_draft:
        raise ValidationError("Action d'amélioration : ouvrez d'abord une version en brouillon du plan.")
    improvement.integrate(version=version, by=by)
    return improvement
