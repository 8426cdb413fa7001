"""The evaluation of a patient's pathway (mission 5): read-only, it walks the inclusion's
timeline and lists the breaks and the delays (`quality.evaluation.evaluate`), for whoever sees
the patient (`policies.can_evaluate_pathway`; 404 for the others, as a missing inclusion); as
a PDF for a conference, pseudonymised (the inclusion's number and programme only). Each reading
is journaled; the address and the title hold the inclusion's number only."""

from django.shortcuts import render
from django.urls import reverse

from maillon.pathways import services as pathways_services
from maillon.quality import documents, evaluation, policies

# An inclusion the user sees, else 404: `policies.can_evaluate_pathway` is who sees the patient.
from ..pathways_views.common import NAME_FIELDS, inclusion_or_404, pathways_breadcrumb
from ..space import allow
from ..spreadsheets import attachment
from . import page
from .home import require_quality

# What the evaluation reads of the patient: the path (tasks, PPCS, stays, breaks).
PATH_FIELDS = ["care_tasks", "plans", "hospital_stays", "breaks"]


def count_rows(result) -> list[tuple[str, int]]:
    """(label, count) for each kind of finding, in the evaluation's order."""
    return [(evaluation.FINDING_KINDS.get(kind, kind), count) for kind, count in result.counts.items()]


@page("qualite/evaluations/<int:pk>/")
@allow("GET", check=require_quality)
def quality_evaluation(request, cpts_slug, pk):
    cpts = request.cpts
    inclusion = inclusion_or_404(request, pk)
    result = evaluation.evaluate(inclusion)
    pathways_services.record_inclusion_reads([inclusion], [*NAME_FIELDS, *PATH_FIELDS], note="évaluation du parcours")
    back = reverse("pathways_inclusion", args=[cpts.slug, inclusion.pk])
    heading = f"Évaluation du parcours — inclusion n° {inclusion.pk}"
    context = {
        "cpts": cpts,
        "inclusion": inclusion,
        "evaluation": result,
        "findings": result.findings,
        "counts": count_rows(result),
        "total": len(result.findings),
        "back": back,
        "can_request": policies.can_request_for(request.user, inclusion),
        "heading": heading,
        "title": f"{heading} — {cpts.name}",
        "breadcrumb_data": pathways_breadcrumb(cpts, "Évaluation du parcours", (f"Inclusion n° {inclusion.pk}", back)),
    }
    return render(request, "quality/evaluation.html", context)


@page("qualite/evaluations/<int:pk>/pdf/")
@allow("GET", check=require_quality)
def quality_evaluation_pdf(request, cpts_slug, pk):
    inclusion = inclusion_or_404(request, pk)
    result = evaluation.evaluate(inclusion)
    content = documents.evaluation_pdf(result)
    pathways_services.record_inclusion_reads([inclusion], PATH_FIELDS, note="évaluation du parcours en PDF")
    return attachment(content, documents.evaluation_filename(result), documents.PDF_TYPE)
