"""A version of the projet de santé as a PDF for the partners: the CPTS, the version and its
state, the general diagnosis, each mission with its diagnosis and its fiches-actions, and the
decisions of the ARS and the Assurance Maladie. No personal data beyond what the coordinators
wrote in it (a fiche's pilote), read by whoever reads the page."""

from django.utils import timezone

from maillon.creation.models import ActionSheet

from .. import pdf
from ..space import allow
from ..spreadsheets import attachment
from . import page
from .project import sections_of, version_or_404
from .project_common import require_creation

PDF_TYPE = "application/pdf"
EMPTY = "non renseigné"


def when(value) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y}" if value else "—"


def sheet_pairs(sheet: ActionSheet) -> list[tuple[str, str]]:
    budget = pdf.euros(sheet.budget) if sheet.budget is not None else EMPTY
    pairs = [
        ("Besoin identifié", sheet.need),
        ("Objectif", sheet.objective),
        ("Population cible", sheet.target_population),
        ("Actions prévues", sheet.actions),
        ("Pilote", sheet.owner),
        ("Partenaires", sheet.partners),
        ("Calendrier", sheet.calendar),
        ("Budget prévisionnel", budget),
        ("Indicateurs de suivi", "\n".join(sheet.indicator_lines)),
    ]
    return [(label, value or EMPTY) for label, value in pairs]


def project_blocks(version) -> list:
    cpts = version.cpts
    blocks = [
        pdf.KeyValues(
            [
                ("CPTS", cpts.name),
                ("Version", str(version.number)),
                ("État", version.get_status_display()),
                ("Commencée le", when(version.created_at)),
                ("Déposée le", when(version.submitted_at)),
                ("Décidée le", when(version.decided_at)),
            ]
        ),
        pdf.Heading("Diagnostic territorial"),
        pdf.Paragraph(version.diagnosis or EMPTY),
    ]
    for section in sections_of(version):
        blocks += [pdf.Heading(f"Mission {section.get_mission_display()}"), pdf.Paragraph(section.diagnosis or EMPTY)]
        sheets = list(section.sheets.all())
        if not sheets:
            blocks.append(pdf.Paragraph("Aucune fiche-action."))
        for sheet in sheets:
            blocks += [pdf.Paragraph(f"Fiche-action : {sheet.title}"), pdf.KeyValues(sheet_pairs(sheet))]
    blocks.append(pdf.Heading("Décisions"))
    reviews = list(version.reviews.all())
    if reviews:
        blocks.append(
            pdf.Table(
                ["Organisme", "Décision", "Le", "Remarques"],
                [
                    [review.get_funder_display(), review.get_decision_display(), when(review.at), review.comments]
                    for review in reviews
                ],
            )
        )
    else:
        blocks.append(pdf.Paragraph("Aucune décision enregistrée sur cette version."))
    return blocks


@page("projet-de-sante/versions/<int:number>/pdf/")
@allow("GET", check=require_creation)
def creation_project_pdf(request, cpts_slug, number):
    cpts = request.cpts
    version = version_or_404(cpts, number)
    content = pdf.render_pdf(
        title=f"Projet de santé — version {version.number}", subtitle=cpts.name, blocks=project_blocks(version)
    )
    return attachment(content, f"projet-de-sante-{cpts.slug}-version-{version.number}.pdf", PDF_TYPE)
