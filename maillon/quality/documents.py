"""The documents of mission 5, as PDF (`maillon.core.pdf`), the same for the pages and the API.

- `conference_pdf`: the record of a case conference, following the FRCP's content (« fiche de
  réunion de concertation pluriprofessionnelle »): the case presented, the question asked, the
  participants and their attendance, the conclusions, the decisions with their owner and due
  date. Pseudonymised: « Cas n° … », never the patient's name nor the inclusion (participants
  outside the care team read it).
- `evaluation_pdf`: a pathway evaluation (`evaluation.evaluate`) for a conference: the
  inclusion's number and programme, the findings and the whole timeline — never the patient's
  identity; free texts (a task's outcome…) have the patient's names masked as a last guard.

The PDF's metadata name the case or the inclusion number only. The caller journals the read.
"""

import re

from django.utils import timezone

from maillon.core import pdf
from maillon.pathways.selectors import MOMENT_KINDS

from .evaluation import FINDING_KINDS
from .models import CaseConference

PDF_TYPE = "application/pdf"
CONFERENCE_TITLE = "Fiche de concertation pluriprofessionnelle"
EVALUATION_TITLE = "Évaluation du parcours"
NOTHING = "Non renseigné."
PARTICIPANT_COLUMNS = ["Participant", "Profession", "Présence"]
DECISION_COLUMNS = ["Décision", "Responsable", "Échéance", "État"]
FINDING_COLUMNS = ["Date", "Constat", "Objet", "Détail", "Retard (jours)"]
MOMENT_COLUMNS = ["Date", "Moment", "Objet", "Détail"]
MASK = "[patient]"


def day(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def conference_filename(conference: CaseConference) -> str:
    return f"concertation-cas-{conference.pk}.pdf"


def evaluation_filename(evaluation) -> str:
    return f"evaluation-parcours-inclusion-{evaluation.inclusion.pk}.pdf"


def patient_names(inclusion) -> list[str]:
    if inclusion is None:
        return []
    return [name.strip() for name in inclusion.name_words if len(name.strip()) >= 2]


def masker(names):
    """A function that masks the patient's names (whole words) in a text."""
    if not names:
        return lambda text: text or ""
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(name) for name in sorted(set(names), key=len, reverse=True)) + r")(?!\w)",
        re.IGNORECASE,
    )
    return lambda text: pattern.sub(MASK, text or "")


# --- Case conference ---------------------------------------------------------------------------


def participant_rows(conference) -> list[list[str]]:
    if conference.meeting_id is None:
        return []
    invitations = conference.meeting.invitations.select_related("membership__professional", "membership__structure")
    rows = []
    for invitation in invitations.order_by("pk"):
        member = invitation.membership.member
        profession = member.get_profession_display() if hasattr(member, "get_profession_display") else "Structure"
        rows.append([str(member), profession, invitation.get_attendance_display()])
    return rows


def decision_rows(conference, mask) -> list[list[str]]:
    decisions = conference.decisions.select_related("owner__professional", "owner__structure").order_by("due_on", "pk")
    rows = []
    for decision in decisions:
        owner = str(decision.owner.member) if decision.owner_id else "—"
        state = decision.get_status_display()
        if decision.done_on:
            state += f" le {day(decision.done_on)}"
        rows.append([mask(decision.description), owner, day(decision.due_on), state])
    return rows


def conference_blocks(conference: CaseConference) -> list:
    mask = masker(patient_names(conference.inclusion))
    meeting = conference.meeting
    when = day(timezone.localtime(meeting.starts_at)) if meeting and meeting.starts_at else "—"
    pairs = [
        ("Cas", conference.case_label),
        ("CPTS", conference.cpts.name),
        ("État", conference.get_status_display()),
        ("Demandée le", day(timezone.localtime(conference.requested_at))),
        ("Réunion", when),
        ("Tenue le", day(conference.held_on)),
    ]
    if meeting and meeting.visio_url:
        pairs.append(("Visioconférence", "oui"))
    if conference.plan_id:
        pairs.append(("PPCS du patient", "mis à jour : les décisions y sont des actions"))
    blocks = [
        pdf.KeyValues(pairs),
        pdf.Heading("Présentation du cas"),
        pdf.Paragraph(mask(conference.context) or NOTHING),
        pdf.Heading("Question posée"),
        pdf.Paragraph(mask(conference.question) or NOTHING),
        pdf.Heading("Participants"),
    ]
    participants = participant_rows(conference)
    blocks.append(
        pdf.Table(PARTICIPANT_COLUMNS, participants) if participants else pdf.Paragraph("Aucun participant invité.")
    )
    blocks += [pdf.Heading("Conclusions"), pdf.Paragraph(mask(conference.conclusions) or "Pas encore tenue.")]
    blocks.append(pdf.Heading("Décisions"))
    decisions = decision_rows(conference, mask)
    blocks.append(pdf.Table(DECISION_COLUMNS, decisions) if decisions else pdf.Paragraph("Aucune décision."))
    return blocks


def conference_pdf(conference: CaseConference) -> bytes:
    """The record of the conference (FRCP content), pseudonymised, as bytes."""
    subtitle = conference.case_label
    if conference.held_on:
        subtitle += f" — tenue le {day(conference.held_on)}"
    return pdf.render_pdf(title=CONFERENCE_TITLE, subtitle=subtitle, blocks=conference_blocks(conference))


# --- Pathway evaluation ------------------------------------------------------------------------


def evaluation_blocks(evaluation) -> list:
    inclusion = evaluation.inclusion
    mask = masker(patient_names(inclusion))
    programme = inclusion.programme
    state = inclusion.get_status_display()
    if inclusion.closed_on:
        state = f"Close le {day(inclusion.closed_on)} ({inclusion.get_close_reason_display()})"
    blocks = [
        pdf.KeyValues(
            [
                ("Inclusion", f"n° {inclusion.pk}"),
                ("Programme", f"{programme.name} (version {programme.version})"),
                ("Incluse le", day(inclusion.included_on)),
                ("État", state),
                ("Parcours évalué jusqu'au", day(evaluation.until)),
                ("Constats", str(len(evaluation.findings))),
                ("Retards cumulés", f"{evaluation.delay_days_total} jours"),
            ]
        ),
        pdf.Heading("Synthèse"),
        pdf.Table(
            ["Constat", "Nombre"],
            [[label, str(evaluation.counts.get(kind, 0))] for kind, label in FINDING_KINDS.items()],
            align_right={1},
        ),
        pdf.Heading("Ruptures et retards"),
    ]
    rows = [
        [
            day(finding.on),
            finding.kind_label,
            mask(finding.title),
            mask(finding.detail),
            "" if finding.delay_days is None else str(finding.delay_days),
        ]
        for finding in evaluation.findings
    ]
    blocks.append(
        pdf.Table(FINDING_COLUMNS, rows, align_right={4}) if rows else pdf.Paragraph("Aucune rupture ni aucun retard.")
    )
    blocks.append(pdf.Heading("Chronologie du parcours"))
    moments = [
        [day(moment.on), MOMENT_KINDS.get(moment.kind, moment.kind), mask(moment.title), mask(moment.detail)]
        for moment in evaluation.moments
    ]
    blocks.append(pdf.Table(MOMENT_COLUMNS, moments) if moments else pdf.Paragraph(NOTHING))
    return blocks


def evaluation_pdf(evaluation) -> bytes:
    """The evaluation of a patient's path, pseudonymised (the inclusion's number), as bytes."""
    inclusion = evaluation.inclusion
    subtitle = f"Inclusion n° {inclusion.pk} — {inclusion.programme.name}"
    return pdf.render_pdf(title=EVALUATION_TITLE, subtitle=subtitle, blocks=evaluation_blocks(evaluation))
