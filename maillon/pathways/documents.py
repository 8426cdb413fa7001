"""The PPCS a professional prints for the patient's file: one version of the plan as a PDF
(`maillon.core.pdf`), the same for the pages and the API.

In it: the patient's identity (names, birth date; the INS matricule only for a qualified
identity, the RNIV's rule), the programme, the lead and today's care team, the assessment by
dimension (`models.ASSESSMENT_DIMENSIONS`), problems and needs, goals, the actions (nature,
action, who, due date), the next reassessment, the version and its date. The PDF's metadata
(title, subject) name the plan, never the patient. The caller journals the read.
"""

from django.utils import timezone

from maillon.core import pdf

from .models import ASSESSMENT_DIMENSIONS, CarePlan

PDF_TYPE = "application/pdf"
TITLE = "Plan personnalisé de coordination en santé (PPCS)"
NOTHING = "Non renseigné."
ACTION_COLUMNS = ["Nature", "Action", "Qui", "Pour le"]
TEAM_COLUMNS = ["Membre", "Rôle", "Depuis le"]


def day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def filename(plan: CarePlan) -> str:
    """The file's name: the inclusion's number and the version, never the patient's name."""
    return f"ppcs-inclusion-{plan.inclusion_id}-v{plan.version}.pdf"


def identity_pairs(inclusion) -> list[tuple[str, str]]:
    pairs = [("Nom de naissance", inclusion.birth_name.upper())]
    if inclusion.used_name:
        pairs.append(("Nom utilisé", inclusion.used_name.upper()))
    pairs += [
        ("Prénoms de naissance", inclusion.given_names),
        ("Sexe", inclusion.get_sex_display()),
        ("Date de naissance", day(inclusion.birth_date)),
    ]
    if inclusion.qualified:
        pairs.append(("Matricule INS", inclusion.ins_number))
    pairs.append(("Statut de l'identité", inclusion.get_identity_qualification_display()))
    return pairs


def team_rows(inclusion) -> list[list[str]]:
    members = inclusion.care_team.on(timezone.localdate()).select_related(
        "membership__professional", "membership__structure"
    )
    rows = []
    for member in members.order_by("starts_on", "pk"):
        if member.membership_id:
            who = str(member.membership.member)
        else:
            who = f"{member.name} ({member.get_relationship_display()})"
        rows.append([who, member.role or "—", day(member.starts_on)])
    return rows


def plan_blocks(plan: CarePlan) -> list:
    inclusion = plan.inclusion
    written_by = plan.written_by.get_full_name() if plan.written_by else ""
    blocks = [
        pdf.KeyValues(
            [
                ("Version", f"{plan.version}, du {day(timezone.localtime(plan.written_at))}"),
                ("Rédigée par", written_by or "—"),
                ("Prochaine réévaluation", day(plan.next_review_on)),
            ]
        ),
        pdf.Heading("Patient"),
        pdf.KeyValues(identity_pairs(inclusion)),
        pdf.Heading("Coordination"),
        pdf.KeyValues(
            [
                ("Programme", f"{inclusion.programme.name} (version {inclusion.programme.version})"),
                ("Inclus le", day(inclusion.included_on)),
                ("Professionnel référent", str(inclusion.lead.member)),
            ]
        ),
    ]
    team = team_rows(inclusion)
    blocks.append(pdf.Table(TEAM_COLUMNS, team) if team else pdf.Paragraph(NOTHING))
    blocks.append(pdf.Heading("Évaluation multidimensionnelle"))
    assessment = plan.assessment or {}
    blocks.append(pdf.KeyValues([(label, assessment.get(key) or "—") for key, label in ASSESSMENT_DIMENSIONS.items()]))
    blocks += [
        pdf.Heading("Problèmes et besoins"),
        pdf.Paragraph(plan.problems or NOTHING),
        pdf.Heading("Objectifs"),
        pdf.Paragraph(plan.goals or NOTHING),
        pdf.Heading("Actions"),
    ]
    actions = [
        [action.get_kind_display(), action.description, action.owner, day(action.due_on)]
        for action in plan.actions.all()
    ]
    blocks.append(pdf.Table(ACTION_COLUMNS, actions) if actions else pdf.Paragraph("Aucune action prévue."))
    return blocks


def plan_pdf(plan: CarePlan) -> bytes:
    """The PDF of this PPCS version, as bytes."""
    return pdf.render_pdf(
        title=TITLE,
        subtitle=f"Version {plan.version} — prochaine réévaluation le {day(plan.next_review_on)}",
        blocks=plan_blocks(plan),
    )
