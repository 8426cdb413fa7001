"""Writes of the care pathways: programmes from the library or another CPTS, their versions,
and the inclusion of a patient with the consent and the care team, in one transaction each.
The audit journal is written by the models (`JournaledModel`); reads of a patient are
journaled by `record_inclusion_read`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillon.core import journal

from . import care
from .models import CareTask, CareTeamMember, Inclusion, InclusionStatus, Programme, ProgrammeStep
from .templates import TEMPLATES

# The fields of an inclusion that name or reach the patient (journaled on every read).
PERSONAL_FIELDS = [
    "birth_name",
    "used_name",
    "given_names",
    "first_given_name",
    "sex",
    "birth_date",
    "birth_place_code",
    "ins_number",
    "phone",
    "email",
]
STEP_FIELDS = ["position", "title", "profession", "role", "anchor", "offset_days", "tolerance_days"]


def record_inclusion_reads(inclusions, fields=PERSONAL_FIELDS, *, note=""):
    """The patients of these inclusions (of one CPTS) were shown to the current actor (set
    by the request): one journal entry each, field names only."""
    inclusions = list(inclusions)
    if inclusions:
        pks = [inclusion.pk for inclusion in inclusions]
        journal.record_reads(Inclusion, pks, fields, cpts_id=inclusions[0].cpts_id, note=note)


# --- Programmes ----------------------------------------------------------------------------


def _create_programme(cpts, *, steps, **fields) -> Programme:
    programme = Programme(cpts=cpts, **fields)
    programme.full_clean()
    programme.save()
    for position, step in enumerate(steps, start=1):
        row = ProgrammeStep(programme=programme, position=position, **step)
        row.full_clean(exclude=["programme"])
        row.save()
    return programme


def _steps_of(programme) -> list[dict]:
    return [{name: getattr(step, name) for name in STEP_FIELDS if name != "position"} for step in programme.steps.all()]


@transaction.atomic
def create_from_template(cpts, key: str) -> Programme:
    """A programme of the CPTS from the library's template `key`, ready to adapt."""
    template = TEMPLATES.get(key)
    if template is None:
        raise ValidationError({"template": "Modèle : choisissez un modèle de la bibliothèque."})
    steps = [
        dict(zip(STEP_FIELDS[1:], (title, str(profession), role, str(anchor), offset, tolerance), strict=True))
        for title, profession, role, anchor, offset, tolerance in template.steps
    ]
    return _create_programme(
        cpts,
        steps=steps,
        name=template.name,
        description=template.description,
        eligibility=template.eligibility,
        perinatal=template.perinatal,
        assessment_grids=list(template.grids),
        template=key,
    )


@transaction.atomic
def copy_programme(source: Programme, cpts) -> Programme:
    """A copy, in `cpts`, of the current version of a programme another CPTS shares."""
    if not (source.shared and source.is_current) or source.cpts_id == cpts.pk:
        raise ValidationError({"programme": "Programme : seul un programme partagé par une autre CPTS se copie."})
    return _create_programme(
        cpts,
        steps=_steps_of(source),
        name=source.name,
        description=source.description,
        eligibility=source.eligibility,
        perinatal=source.perinatal,
        assessment_grids=source.assessment_grids,
        template=source.template,
    )


@transaction.atomic
def new_version(programme: Programme, *, steps: list[dict] | None = None, **changes) -> Programme:
    """The next version of a programme: the same lineage, `changes` applied, the steps given
    (or the current ones); the previous version stays for the patients included in it."""
    current = Programme.objects.select_for_update().get(pk=programme.pk)
    if not current.is_current:
        raise ValidationError({"programme": "Programme : seule la version en vigueur se modifie."})
    kept = {name: getattr(current, name) for name in ["name", "description", "eligibility", "perinatal", "shared"]}
    current.superseded_at = timezone.now()
    current.save(update_fields=["superseded_at"])
    return _create_programme(
        current.cpts,
        steps=_steps_of(current) if steps is None else steps,
        **kept
        | {"assessment_grids": current.assessment_grids, "template": current.template}
        | changes
        | {"lineage": current.lineage, "version": current.version + 1},
    )


# --- Inclusions ----------------------------------------------------------------------------


@transaction.atomic
def include_patient(cpts, *, programme, lead, by, team=(), **identity_and_consent) -> Inclusion:
    """Include a patient: the identity, the consent (date and how; noted by `by`), the lead
    (who joins the care team) and the rest of the team (dicts of `CareTeamMember` fields)."""
    if programme.cpts_id != cpts.pk or not programme.is_current:
        raise ValidationError({"programme": "Programme : choisissez un programme en vigueur de cette CPTS."})
    inclusion = Inclusion(cpts=cpts, programme=programme, lead=lead, consent_recorded_by=by, **identity_and_consent)
    inclusion.full_clean()
    inclusion.save()
    add_team_member(inclusion, membership=lead, role="Référent", starts_on=inclusion.included_on)
    for member in team:
        if member.get("membership") != lead:
            add_team_member(inclusion, **member)
    care.schedule_tasks(inclusion)
    return inclusion


def add_team_member(inclusion, **fields) -> CareTeamMember:
    if inclusion.status != InclusionStatus.ACTIVE:
        raise ValidationError({"membership": "Équipe de soins : l'inclusion est close."})
    member = CareTeamMember(inclusion=inclusion, **fields)
    member.full_clean()
    member.save()
    return member


def end_team_member(member: CareTeamMember, *, on=None) -> None:
    """The member leaves the team (the history stays); the lead cannot leave: name another first."""
    on = on or timezone.localdate()
    if member.membership_id and member.membership_id == member.inclusion.lead_id:
        raise ValidationError({"membership": "Équipe de soins : le référent reste ; nommez-en un autre d'abord."})
    if on < member.starts_on:
        raise ValidationError({"ends_on": "Jusqu'au : la fin vient après le début."})
    member.ends_on = on
    member.save(update_fields=["ends_on"])


@transaction.atomic
def change_lead(inclusion: Inclusion, lead) -> None:
    """A new lead, who joins the care team if not in it today."""
    inclusion.lead = lead
    inclusion.full_clean()
    inclusion.save(update_fields=["lead"])
    if not inclusion.care_team.on(timezone.localdate()).filter(membership=lead).exists():
        add_team_member(inclusion, membership=lead, role="Référent")


@transaction.atomic
def move_to_current_version(inclusion: Inclusion, *, by) -> Inclusion:
    """The patient leaves their programme version for the one in force: the tasks still to do
    of the old version are cancelled (those done stay in the path), and the new version's steps
    are scheduled from today, as if included today in it. A visit due after a hospital stay stays."""
    inclusion = Inclusion.objects.select_for_update().select_related("programme").get(pk=inclusion.pk)
    if inclusion.status != InclusionStatus.ACTIVE:
        raise ValidationError({"programme": "Programme : l'inclusion est close."})
    current = Programme.objects.current().filter(lineage=inclusion.programme.lineage).first()
    if current is None or current.pk == inclusion.programme_id:
        raise ValidationError({"programme": "Programme : le patient suit déjà la version en vigueur."})
    note = f"passage à la version {current.version}"
    CareTask.workflow.run_many(inclusion.care_tasks.open().filter(stay__isnull=True), "cancel", by=by, note=note)
    inclusion.programme = current
    inclusion.save(update_fields=["programme"])
    care.schedule_tasks(inclusion, start=timezone.localdate())
    return inclusion
