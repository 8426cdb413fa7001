"""A version of the crisis plan on paper (PDF, for a préfet's office) and the diff between
two versions, section by section. Both read the same rendering (`crisis.document`)."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from maillon.core import journal
from maillon.crisis import document, selectors, template
from maillon.crisis.models import PlanStatus, PlanVersion

from .. import pdf
from ..space import allow
from ..spreadsheets import attachment
from . import page
from .plan_common import plan_breadcrumb, plan_link, require_reader, role_context, version_link, version_or_404

PDF_TYPE = "application/pdf"


def status_line(version) -> str:
    if version.status == PlanStatus.VALIDATED:
        return f"Version validée le {timezone.localtime(version.validated_at):%d/%m/%Y}"
    if version.status == PlanStatus.SUBMITTED:
        return f"Version soumise à l'ARS et à la CPAM le {timezone.localtime(version.submitted_at):%d/%m/%Y}"
    return "Brouillon — version de travail, non validée"


def pdf_blocks(version) -> list:
    professionals = list(version.professionals.select_related("professional"))
    blocks = [pdf.KeyValues([("État", status_line(version)), ("Année", str(version.year))])]
    for key in template.ORDER:
        blocks.append(pdf.Heading(template.title_of(key)))
        if key == template.PROFESSIONALS_KEY:
            rows = [document.professional_cells(row) for row in professionals]
            if rows:
                blocks.append(pdf.Table(document.PROFESSIONAL_COLUMNS, rows))
            else:
                blocks.append(pdf.Paragraph(document.EMPTY))
            continue
        pairs = [(label, text or document.EMPTY) for label, text in document.section_fields(version, key)]
        blocks.append(pdf.KeyValues(pairs))
    return blocks


def plan_pdf(version) -> bytes:
    cpts = version.cpts
    return pdf.render_pdf(
        title=f"Plan de gestion des crises sanitaires exceptionnelles {version.year}",
        subtitle=f"{cpts.name} — modèle national (lignes directrices, décembre 2022)",
        blocks=pdf_blocks(version),
    )


@page("crise/plan/<int:year>/pdf/")
@allow("GET", check=require_reader)
def crisis_plan_pdf(request, cpts_slug, year):
    cpts = request.cpts
    version = version_or_404(cpts, year)
    content = plan_pdf(version)
    journal.record(
        journal.Action.EXPORT, version, cpts_id=cpts.pk, fields=["content", "professionals"], note="plan de crise, PDF"
    )
    return attachment(content, f"plan-de-crise-{cpts.slug}-{version.year}.pdf", PDF_TYPE)


def compared_version(request, version) -> PlanVersion | None:
    """The version named by ?depuis=<year>, else the year before."""
    since = request.GET.get("depuis", "")
    if not since:
        return selectors.previous_version(version)
    if not (since.isascii() and since.isdigit()):
        raise Http404
    return version_or_404(version.cpts, int(since))


@page("crise/plan/<int:year>/ecarts/")
@allow("GET", check=require_reader, role=True)
def crisis_plan_diff(request, cpts_slug, year, role):
    cpts = request.cpts
    version = version_or_404(cpts, year)
    older = compared_version(request, version)
    sections = document.diff(older, version) if older else []
    context = {
        "cpts": cpts,
        **role_context(role),
        "version": version,
        "older": older,
        "others": [other for other in selectors.versions(cpts) if other.pk != version.pk],
        "sections": sections,
        "changed_count": sum(1 for section in sections if section.changed),
        "title": f"Écarts du plan {version.year} — {cpts.name}",
        "breadcrumb_data": plan_breadcrumb(
            request, cpts, "Écarts entre versions", plan_link(cpts), version_link(version)
        ),
    }
    return render(request, "crisis/plan_diff.html", context)
