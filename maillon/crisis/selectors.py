"""Reads of the crisis plan, for the pages, the API and the crisis response (`crisis_response`)."""

from .models import PlanProfessional, PlanStatus, PlanVersion


def versions(cpts):
    """Every version of the CPTS's plan, the latest year first."""
    return PlanVersion.objects.for_cpts(cpts).select_related("plan").order_by("-year")


def current_plan(cpts) -> PlanVersion | None:
    """The last validated version of the plan (the one in force), or None."""
    return versions(cpts).filter(status=PlanStatus.VALIDATED).first()


def working_version(cpts) -> PlanVersion | None:
    """The version being written or reviewed (draft or submitted), or None."""
    return versions(cpts).exclude(status=PlanStatus.VALIDATED).first()


def previous_version(version: PlanVersion) -> PlanVersion | None:
    """The version of the year before `version` (any state), for the diff."""
    return PlanVersion.objects.filter(plan=version.plan, year__lt=version.year).order_by("-year").first()


def mobilisable_professionals(cpts):
    """The professionals picked in the current (validated) plan, each row with
    `professional`, `role`, `skills` (text; `skill_list`) and `typologies` (1-5).

    Without a validated plan, those of the latest version (a draft is better than no
    one when a crisis comes before the first validation); empty when there is no plan.
    """
    version = current_plan(cpts) or versions(cpts).first()
    if version is None:
        return PlanProfessional.objects.none()
    return PlanProfessional.objects.filter(version=version).select_related("professional")
