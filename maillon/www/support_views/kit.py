"""The welcome kit of a professional settling (mission 6, point 2), as a page and as a PDF to hand
over: the CPTS's contacts and how to join it, its missions under the ACI in force, the adherents
practising near the commune envisaged (the directory's public data only: name, profession, the
practice place's address and phone — never a personal e-mail or phone), the coming meetings of
mission 6 (cross-trainings…) and public sessions. Built from `support.selectors.welcome_kit`; the
public sessions come from the prevention's public list (a mission app never reads another one;
the page does).

Who reads it: whoever sees the project (`support.policies.visible_installations`: the
coordination, the professional whose adhesion is tied to it); 404 for the others. The PDF's
export of the directory is journaled once (field names and a count, never a name)."""

from django.shortcuts import render
from django.utils import formats, timezone

from maillon.core import journal, pdf
from maillon.core.missions import Mission
from maillon.prevention import policies as prevention_policies
from maillon.support import selectors

from ..space import allow, journal_summary
from ..spreadsheets import attachment
from . import page
from .home import require_support, support_breadcrumb
from .installations import installation_link, installations_link, project_or_404

PDF_TYPE = "application/pdf"
KIT_TITLE = "Kit d'accueil"
SESSIONS_SHOWN = 10
# What the kit reads of the directory (field names for the journal).
DIRECTORY_FIELDS = [
    "first_name",
    "last_name",
    "profession",
    "specialty",
    "practice_places.address",
    "practice_places.commune",
    "practice_places.phone",
]


def when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y à H:i") if moment else "date à fixer"


def kit_of(request, project) -> dict:
    """The kit's content: the selector's, the mission labels, and the public sessions to come."""
    cpts = request.cpts
    kit = selectors.welcome_kit(cpts, project)
    sessions = (
        prevention_policies.public_sessions(cpts).upcoming().select_related("commune").order_by("starts_at", "pk")
    )
    kit["mission_labels"] = [Mission(number).label for number in kit["missions"] if number in Mission.values]
    kit["sessions"] = list(sessions[:SESSIONS_SHOWN])
    kit["professional_count"] = sum(len(professionals) for _, professionals in kit["directory"])
    return kit


def places_of(professional) -> list:
    return list(professional.practice_places.all())


def place_label(place) -> str:
    return f"{place.address}, {place.commune.name}" if place.address else place.commune.name


@page("accompagnement/installations/<int:pk>/kit-d-accueil/")
@allow("GET", check=require_support)
def welcome_kit(request, cpts_slug, pk):
    cpts = request.cpts
    project = project_or_404(request, pk)
    kit = kit_of(request, project)
    context = {
        "cpts": cpts,
        "project": project,
        "kit": kit,
        "heading": f"{KIT_TITLE} de {project.name}",
        "title": f"{KIT_TITLE} de {project.name} — {cpts.name}",
        "breadcrumb_data": support_breadcrumb(cpts, KIT_TITLE, installations_link(cpts), installation_link(project)),
    }
    return render(request, "support/installation/kit.html", context)


# --- The PDF -----------------------------------------------------------------------------------


def contact_pairs(kit) -> list[tuple[str, str]]:
    cpts, site = kit["cpts"], kit["site"]
    pairs = [("CPTS", cpts.name)]
    for label, value in (
        ("Adresse", cpts.address),
        ("Courriel", cpts.email),
        ("Téléphone", cpts.phone),
        ("Site internet", cpts.website),
        ("Numéro pour les patients", site.patient_phone),
        ("Courriel pour les patients", site.patient_email),
        ("Horaires", site.patient_hours),
    ):
        if value:
            pairs.append((label, value))
    return pairs


def directory_blocks(kit) -> list:
    blocks = [pdf.Heading("Les adhérents qui exercent près de vous")]
    if kit["directory_radius_km"] and kit["project"].commune_id:
        commune = kit["project"].commune
        blocks.append(pdf.Paragraph(f"À {kit['directory_radius_km']} km au plus de {commune.name}."))
    if not kit["directory"]:
        return [*blocks, pdf.Paragraph("Aucun adhérent dans l'annuaire pour l'instant.")]
    for profession, professionals in kit["directory"]:
        rows = []
        for professional in professionals:
            places = places_of(professional)
            rows.append(
                [
                    f"{professional.first_name} {professional.last_name}",
                    "\n".join(place_label(place) for place in places) or "—",
                    "\n".join(place.phone for place in places if place.phone) or "—",
                ]
            )
        blocks += [pdf.Heading(profession), pdf.Table(["Nom", "Lieu d'exercice", "Téléphone du cabinet"], rows)]
    return blocks


def agenda_blocks(kit) -> list:
    blocks = [pdf.Heading("Les prochaines réunions d'accompagnement des professionnels")]
    meetings = [[when(meeting.starts_at), meeting.title, meeting.place or "—"] for meeting in kit["meetings"]]
    blocks.append(
        pdf.Table(["Date", "Réunion", "Lieu"], meetings) if meetings else pdf.Paragraph("Aucune réunion fixée.")
    )
    blocks.append(pdf.Heading("Les séances publiques à venir"))
    sessions = [
        [when(session.starts_at), session.title, session.place or (session.commune.name if session.commune else "—")]
        for session in kit["sessions"]
    ]
    blocks.append(
        pdf.Table(["Date", "Séance", "Lieu"], sessions)
        if sessions
        else pdf.Paragraph("Aucune séance publique à venir.")
    )
    return blocks


def kit_blocks(kit) -> list:
    site = kit["site"]
    blocks = [pdf.Heading("La CPTS et ses contacts"), pdf.KeyValues(contact_pairs(kit))]
    if site.intro:
        blocks.append(pdf.Paragraph(site.intro))
    blocks.append(pdf.Heading("Ses missions"))
    if kit["mission_labels"]:
        blocks.append(pdf.Paragraph("\n".join(kit["mission_labels"])))
    else:
        blocks.append(pdf.Paragraph("Aucun contrat ACI en vigueur aujourd'hui."))
    if site.join_text:
        blocks += [pdf.Heading("Adhérer à la CPTS"), pdf.Paragraph(site.join_text)]
    return [*blocks, *directory_blocks(kit), *agenda_blocks(kit)]


def kit_pdf(kit) -> bytes:
    project = kit["project"]
    subtitle = f"Pour {project.name}, {project.get_profession_display().lower()}"
    if project.commune_id:
        subtitle += f" — {project.commune.name}"
    return pdf.render_pdf(title=f"{KIT_TITLE} — {kit['cpts'].name}", subtitle=subtitle, blocks=kit_blocks(kit))


def kit_filename(project) -> str:
    return f"kit-d-accueil-{project.cpts.slug}-{project.pk}.pdf"


@page("accompagnement/installations/<int:pk>/kit-d-accueil.pdf")
@allow("GET", check=require_support)
def welcome_kit_pdf(request, cpts_slug, pk):
    cpts = request.cpts
    project = project_or_404(request, pk)
    kit = kit_of(request, project)
    count = kit["professional_count"]
    note = f"kit d'accueil du projet n° {project.pk} : {count} professionnel{'s' if count > 1 else ''}, PDF"
    journal_summary(
        cpts, "members.Professional", DIRECTORY_FIELDS, note, object_id="welcome_kit", action=journal.Action.EXPORT
    )
    return attachment(kit_pdf(kit), kit_filename(project), PDF_TYPE)
