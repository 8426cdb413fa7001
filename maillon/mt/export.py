"""What the desk holds on one person, for the export on request (issue 5, point 7; RGPD art. 15).

`person_data(patient, audience=…)` gathers identity and contact, criteria and priority, status,
the transition log, the proposals (doctor, dates, status, reasons) and the audit journal about
the registration and its proposals (who read or changed which fields, when: never values). It
returns plain JSON-ready values; the pages make a JSON file and a PDF of it, the API answers it.

Who did it, in the journal: the coordination's export names each user; the patient's own export
(from their private link) names roles instead — « Coordination de la CPTS », « Médecin
proposé »… — as the CJEU allows for access logs (C-579/21, 22 June 2023: the dates and purposes
of the consultations are due, not the employees' identity). The coordination's export names the
doctor of every proposal; the patient's names the doctor only once they accepted
(`models.DOCTOR_NAMED`, as the status page), the others are « Médecin du territoire ».

The caller journals the export itself (`record_export`).

The patient's export is a POST from their status page that also asks their birth date: the
e-mailed link alone (which link scanners open) never gives the file. A wrong date is journaled
(the field's name, never the value) and `EXPORT_ATTEMPTS_PER_DAY` wrong dates in 24 hours
refuse any further try until the oldest is a day old (`confirm_birth_date`).
"""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone

from maillon.core import journal
from maillon.core.models import CptsRole, CptsRoleKind, JournalEntry, User

from .models import (
    DECLARED_FIELDS,
    DOCTOR_NAMED,
    IDENTITY_FIELDS,
    Criterion,
    Patient,
    PatientStatus,
    PriorityWeight,
    Proposal,
    ProposalStatus,
)

COORDINATION = "coordination"
PATIENT = "patient"
EXPORTED_FIELDS = sorted([*IDENTITY_FIELDS, "criteria", "status", "events", "proposals", "journal"])
ACTION_LABELS = dict(journal.Action.CHOICES)
FIELD_LABELS = {"criteria": "critères", "events": "étapes", "proposals": "propositions", "journal": "journal"}
UNNAMED_DOCTOR = "Médecin du territoire"
NO_ACCOUNT = "Sans compte : vous-même par votre lien personnel, ou un traitement automatique"


EXPORT_ATTEMPTS_PER_DAY = 5
WRONG_BIRTH_DATE = "Date de naissance : elle ne correspond pas à votre demande. Aucune donnée n'a été exportée."
TOO_MANY_ATTEMPTS = (
    "Date de naissance : trop d'essais erronés depuis 24 heures. Réessayez demain, ou contactez la coordination."
)
REFUSED_NOTE = "export refusé : date de naissance non confirmée (lien personnel)"


def failed_attempts(patient: Patient, now: datetime.datetime | None = None) -> int:
    """Wrong birth dates given for this registration's export in the last 24 hours."""
    since = (now or timezone.now()) - datetime.timedelta(days=1)
    return JournalEntry.objects.filter(
        action=journal.Action.LOGIN_FAILED,
        object_type=Patient._meta.label,
        object_id=str(patient.pk),
        note=REFUSED_NOTE,
        at__gte=since,
    ).count()


def confirm_birth_date(patient: Patient, birth_date: datetime.date, *, now=None) -> str | None:
    """None when the patient may export; else the French message (a wrong date is journaled)."""
    if failed_attempts(patient, now) >= EXPORT_ATTEMPTS_PER_DAY:
        return TOO_MANY_ATTEMPTS
    if birth_date != patient.birth_date:
        journal.record(
            journal.Action.LOGIN_FAILED, patient, fields=["birth_date"], cpts_id=patient.cpts_id, note=REFUSED_NOTE
        )
        return WRONG_BIRTH_DATE
    return None


def filename(patient: Patient, fmt: str) -> str:
    """The patient's number, never the name: file names reach logs and browser histories."""
    return f"donnees-patient-{patient.pk}.{fmt}"


def field_label(name: str) -> str:
    for model in (Patient, Proposal):
        field = next((field for field in model._meta.concrete_fields if field.name == name), None)
        if field is not None:
            return str(field.verbose_name)
    return FIELD_LABELS.get(name, name)


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _user_label(user: User | None) -> str:
    if user is None:
        return "compte supprimé"
    return user.get_full_name() or user.email


class _Who:
    """Names the author of a step or a journal entry, for one audience."""

    def __init__(self, patient: Patient, proposals: list[Proposal], actor_ids: set[int], audience: str):
        self.audience = audience
        self.users = User.objects.in_bulk(actor_ids)
        self.coordinators = set(
            CptsRole.objects.filter(cpts_id=patient.cpts_id, role=CptsRoleKind.COORDINATOR).values_list(
                "user_id", flat=True
            )
        )
        self.doctors = {proposal.offer.doctor.user_id for proposal in proposals if proposal.offer.doctor.user_id}
        self.registered_by = patient.registered_by_id

    def __call__(self, actor_id: int | None) -> str:
        if actor_id is None:
            return NO_ACCOUNT
        if self.audience == COORDINATION:
            return _user_label(self.users.get(actor_id))
        if actor_id in self.coordinators:
            return "Coordination de la CPTS"
        if actor_id in self.doctors:
            return "Médecin proposé"
        if actor_id == self.registered_by:
            return "Professionnel qui vous a inscrit(e)"
        return "Autre personne habilitée de la plateforme"


def _doctor_label(proposal: Proposal, audience: str) -> str:
    if audience == COORDINATION or proposal.status in DOCTOR_NAMED:
        return str(proposal.offer.doctor)
    return UNNAMED_DOCTOR


def journal_entries(patient: Patient, proposals: list[Proposal]):
    about = Q(object_type=Patient._meta.label, object_id=str(patient.pk)) | Q(
        object_type=Proposal._meta.label, object_id__in=[str(proposal.pk) for proposal in proposals]
    )
    return list(JournalEntry.objects.filter(about).order_by("at", "id"))


def person_data(patient: Patient, *, audience: str) -> dict:
    """Everything held on the person of this registration, JSON-ready (see the module's docstring)."""
    today = timezone.localdate()
    proposals = list(patient.proposals.select_related("offer__doctor").order_by("created_at", "pk"))
    events = list(patient.events.order_by("at", "pk"))
    entries = journal_entries(patient, proposals)
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id} | {
        event.by_id for event in events if event.by_id
    }
    if patient.registered_by_id:
        actor_ids.add(patient.registered_by_id)
    who = _Who(patient, proposals, actor_ids, audience)
    score, reasons = patient.score(PriorityWeight.weights_of(patient.cpts), today)
    return {
        "generated_at": _iso(timezone.now()),
        "cpts": patient.cpts.name,
        "registration": {
            "id": patient.pk,
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "birth_date": _iso(patient.birth_date),
            "commune": {"code": patient.commune.code, "name": patient.commune.name},
            "email": patient.email,
            "phone": patient.phone,
            "nir": patient.nir,
            "declared": {name: getattr(patient, name) for name in DECLARED_FIELDS},
            "channel": {"code": patient.channel, "label": patient.get_channel_display()},
            "registered_by": who(patient.registered_by_id) if patient.registered_by_id else None,
            "registered_at": _iso(patient.registered_at),
            "consent_at": _iso(patient.consent_at),
            "status": {"code": patient.status, "label": patient.get_status_display()},
            "closed_at": _iso(patient.closed_at),
        },
        "priority": {
            "criteria": [{"code": str(c), "label": Criterion(c).label} for c in patient.criteria(today)],
            "score": score,
            "reasons": [{"label": label, "points": points} for label, points in reasons],
        },
        "events": [
            {
                "at": _iso(event.at),
                "from": PatientStatus(event.from_status).label,
                "to": PatientStatus(event.to_status).label,
                "proposal_id": event.proposal_id,
                "by": who(event.by_id),
                "for_doctor": event.for_doctor,
                "note": event.note,
            }
            for event in events
        ],
        "proposals": [
            {
                "id": proposal.pk,
                "doctor": _doctor_label(proposal, audience),
                "status": {"code": proposal.status, "label": ProposalStatus(proposal.status).label},
                "created_at": _iso(proposal.created_at),
                "expires_at": _iso(proposal.expires_at),
                "decided_at": _iso(proposal.decided_at),
                "distance_km": float(proposal.distance_km) if proposal.distance_km is not None else None,
                "reasons": [str(reason) for reason in proposal.reasons or []],
            }
            for proposal in proposals
        ],
        "journal": [
            {
                "at": _iso(entry.at),
                "action": ACTION_LABELS.get(entry.action, entry.action),
                "object": f"{'inscription' if entry.object_type == Patient._meta.label else 'proposition'}"
                f" n° {entry.object_id}",
                "fields": [field_label(name) for name in entry.fields or []],
                "by": who(entry.actor_id),
                "note": entry.note,
            }
            for entry in entries
        ],
        "retention": (
            f"Ces données sont supprimées {settings.MAILLON_MT_RETENTION_DAYS} jours après la clôture de la demande."
        ),
    }


def as_json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def record_export(patient: Patient, *, fmt: str, audience: str, actor=None) -> None:
    """Journal the export (field names and format, never values)."""
    who = "demandé par le patient (lien personnel)" if audience == PATIENT else "par la coordination"
    journal.record(
        journal.Action.EXPORT,
        patient,
        fields=EXPORTED_FIELDS,
        actor=actor,
        cpts_id=patient.cpts_id,
        note=f"export des données {who}, {fmt}",
    )
