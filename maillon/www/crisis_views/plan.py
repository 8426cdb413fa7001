"""The crisis plan (mission 4): its versions and due dates, and one version with its
completeness check and review.

- Coordinator: opens next year's draft (a copy of the last validated version), edits it,
  integrates the improvement actions, submits it to the ARS and the CPAM.
- Authority (ARS, CPAM agent) of the CPTS's territory: validates a submitted version, or
  sends it back to draft with comments.
- Members of the CPTS and observers of its territory: read.
- Anyone else (a platform admin without a role included): 404, as for a CPTS that does not
  exist; a reader who posts an action that is not theirs: 403 (`maillon.crisis.policies`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from maillon.core.policies import ensure_allowed
from maillon.crisis import document, facts, policies, selectors, services, template
from maillon.crisis.models import PlanImprovement

from ..space import allow, posted_id
from . import page
from .plan_common import (
    AUTHORITY_ONLY,
    COORDINATOR_ONLY,
    PLAN_TITLE,
    plan_breadcrumb,
    plan_link,
    require_reader,
    role_context,
    version_or_404,
)

# The posted actions of a version → (the policy that allows them, the 403 message).
ACTIONS = {
    "submit": (policies.can_edit_plan, COORDINATOR_ONLY),
    "integrate": (policies.can_edit_plan, COORDINATOR_ONLY),
    "validate": (policies.can_review_plan, AUTHORITY_ONLY),
    "send_back": (policies.can_review_plan, AUTHORITY_ONLY),
}
COMMENT_MAX = 5000


def error_text(error) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


@page("crise/plan/")
@allow("GET", "POST", check=require_reader, role=True)
def crisis_plan(request, cpts_slug, role):
    cpts = request.cpts
    if request.method == "POST":
        ensure_allowed(policies.can_edit_plan(request.user, cpts), COORDINATOR_ONLY)
        if request.POST.get("action") != "start":
            raise Http404
        try:
            version = services.open_draft(cpts, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("crisis_plan", cpts_slug=cpts.slug)
        messages.success(request, f"Brouillon du plan {version.year} ouvert.")
        return redirect("crisis_plan_version", cpts_slug=cpts.slug, year=version.year)
    versions = list(selectors.versions(cpts))
    working = selectors.working_version(cpts)
    context = {
        "cpts": cpts,
        **role_context(role),
        "versions": versions,
        "current": selectors.current_plan(cpts),
        "working": working,
        "next_year": services.next_year(cpts),
        "deadlines": facts.plan_deadlines(cpts),
        "warnings": facts.plan_warnings(cpts),
        "improvements": list(services.open_improvements(cpts)),
        "typologies": template.TYPOLOGIES,
        "title": f"{PLAN_TITLE} — {cpts.name}",
        "breadcrumb_data": plan_breadcrumb(request, cpts, PLAN_TITLE),
    }
    return render(request, "crisis/plan_overview.html", context)


def act(request, version, action) -> str:
    """Run a posted action; the success message. Raises ValidationError / PermissionDenied."""
    comment = request.POST.get("comment", "").strip()[:COMMENT_MAX]
    if action == "submit":
        services.submit_version(version, by=request.user)
        return f"Plan {version.year} soumis à l'ARS et à la CPAM."
    if action == "validate":
        services.validate_version(version, by=request.user, comment=comment)
        return f"Plan {version.year} validé."
    if action == "send_back":
        services.send_back_version(version, by=request.user, comment=comment)
        return f"Plan {version.year} renvoyé à la CPTS avec vos remarques."
    improvement = get_object_or_404(
        PlanImprovement.objects.filter(plan=version.plan), pk=posted_id(request.POST.get("improvement"))
    )
    services.integrate_improvement(improvement, by=request.user)
    return "Action d'amélioration marquée comme intégrée."


def section_blocks(version, is_editable):
    professionals = list(version.professionals.select_related("professional"))
    blocks = []
    for key in template.ORDER:
        if key == template.PROFESSIONALS_KEY:
            blocks.append(
                {
                    "key": key,
                    "title": template.PROFESSIONALS_TITLE,
                    "is_professionals": True,
                    "professionals": professionals,
                }
            )
            continue
        blocks.append(
            {
                "key": key,
                "title": template.title_of(key),
                "fields": document.section_fields(version, key),
                "edit_url": reverse("crisis_plan_section", args=[version.cpts.slug, version.year, key])
                if is_editable
                else "",
            }
        )
    return blocks


@page("crise/plan/<int:year>/")
@allow("GET", "POST", check=require_reader, role=True)
def crisis_plan_version(request, cpts_slug, year, role):
    cpts = request.cpts
    version = version_or_404(cpts, year)
    error = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise Http404
        allowed, message = ACTIONS[action]
        ensure_allowed(allowed(request.user, cpts), message)
        try:
            messages.success(request, act(request, version, action))
        except (ValidationError, PermissionDenied) as refusal:
            error = error_text(refusal)
        else:
            return redirect("crisis_plan_version", cpts_slug=cpts.slug, year=version.year)
    is_editable = policies.can_edit_plan(request.user, cpts) and version.is_draft
    previous = selectors.previous_version(version)
    context = {
        "cpts": cpts,
        **role_context(role),
        "version": version,
        "previous": previous,
        "missing": version.missing_items(),
        "blocks": section_blocks(version, is_editable),
        "is_editable": is_editable,
        "events": list(version.events.select_related("by")),
        "improvements": list(services.open_improvements(cpts)) if version.is_draft else [],
        "integrated": list(version.integrated_improvements.all()),
        "error": error,
        "comment": request.POST.get("comment", "") if error else "",
        "title": f"Plan de crise {version.year} — {cpts.name}",
        "breadcrumb_data": plan_breadcrumb(request, cpts, f"Plan {version.year}", plan_link(cpts)),
    }
    return render(request, "crisis/plan_version.html", context, status=422 if error else 200)
