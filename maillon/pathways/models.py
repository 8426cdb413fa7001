"""Care pathways around the patient — mission 2.

A CPTS defines its programmes (elderly person at home, pregnancy, heart failure…), each a
versioned list of steps; a member or the coordinator includes a patient in a programme with
the patient's recorded consent, names the lead professional (référent) and the care team
(cercle de soins: members of the CPTS and people outside it). An inclusion is open until it
is closed (pathway over, consent withdrawn, the patient moved or died):

    active → closed

Patient data is health data: only the care team, the lead and the coordinators see an
inclusion (`policies.py`), every read and write is journaled, the identity never reaches a
URL nor a log (`__str__` says a number), and closed inclusions are deleted after
MAILLON_PATHWAYS_RETENTION_DAYS (`purge.py`).
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core.identifiers import compact_nir, validate_insee_commune_code, validate_nir
from maillon.core.missions import PERINATAL_LABEL
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.members.models import Membership
from maillon.members.professions import Profession

# --- Programmes ----------------------------------------------------------------------------


class ProgrammeQuerySet(CptsOwnedQuerySet):
    def current(self):
        """The version of each programme that new inclusions use."""
        return self.filter(superseded_at__isnull=True)

    def shared(self):
        return self.current().filter(shared=True)


class Programme(JournaledModel):
    """One version of a programme of the CPTS. A new version is a new row of the same
    `lineage` (`services.new_version`); inclusions keep theirs until they are moved."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="programmes", verbose_name="CPTS")
    lineage = models.UUIDField("programme", default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField("version", default=1)
    name = models.CharField("nom", max_length=150)
    description = models.TextField("description", blank=True)
    eligibility = models.TextField("critères d'inclusion", blank=True)
    perinatal = models.BooleanField(PERINATAL_LABEL.lower(), default=False)
    # Fixed assessment grids until the surveys' form engine: [{"name": …, "items": [...]}].
    assessment_grids = models.JSONField("grilles d'évaluation", default=list, blank=True)
    template = models.CharField("modèle d'origine", max_length=40, blank=True)
    shared = models.BooleanField("partagé avec les autres CPTS", default=False)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    superseded_at = models.DateTimeField("remplacée le", null=True, blank=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "programme de parcours"
        verbose_name_plural = "programmes de parcours"
        ordering = ["cpts", "name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="one_row_per_programme_version"),
            models.UniqueConstraint(
                fields=["lineage"], condition=Q(superseded_at__isnull=True), name="one_current_version_per_programme"
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Anchor(models.TextChoices):
    INCLUSION = "inclusion", "après l'inclusion"
    PREVIOUS = "previous", "après l'étape précédente"
    RECURRING = "recurring", "à intervalle régulier"


class ProgrammeStep(JournaledModel):
    """What a programme asks, of whom and when: `offset_days` after the inclusion or the
    previous step, or every `offset_days` (recurring); late beyond `tolerance_days`."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="steps", verbose_name="programme")
    position = models.PositiveSmallIntegerField("rang")
    title = models.CharField("étape", max_length=200)
    profession = models.CharField("profession", max_length=10, choices=Profession.choices, blank=True)
    role = models.CharField(
        "rôle", max_length=100, blank=True, help_text="Par exemple « référent » ou « coordination »."
    )
    anchor = models.CharField("à compter", max_length=10, choices=Anchor.choices, default=Anchor.INCLUSION)
    offset_days = models.PositiveIntegerField("délai (jours)", default=0)
    tolerance_days = models.PositiveIntegerField("tolérance (jours)", default=7)
    # A reminder to the patient this many days before the step is due (None: no reminder).
    reminder_days_before = models.PositiveSmallIntegerField("rappel au patient (jours avant)", null=True, blank=True)

    class Meta:
        verbose_name = "étape de programme"
        verbose_name_plural = "étapes de programme"
        ordering = ["programme", "position"]
        constraints = [models.UniqueConstraint(fields=["programme", "position"], name="one_step_per_rank")]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def clean(self):
        if not self.profession and not self.role:
            raise ValidationError({"profession": "Profession : indiquez une profession ou un rôle pour cette étape."})
        if self.anchor == Anchor.RECURRING and not self.offset_days:
            raise ValidationError({"offset_days": "Délai : une étape régulière revient au moins tous les 1 jour."})

    @property
    def who(self) -> str:
        return self.get_profession_display() if self.profession else self.role


# --- Inclusions ----------------------------------------------------------------------------


class InclusionStatus(models.TextChoices):
    ACTIVE = "active", "En cours"
    CLOSED = "closed", "Close"


class CloseReason(models.TextChoices):
    COMPLETED = "completed", "Parcours terminé"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consentement retiré"
    MOVED = "moved", "Patient parti du territoire"
    DECEASED = "deceased", "Décès"
    OTHER = "other", "Autre"


class Sex(models.TextChoices):
    FEMALE = "F", "Féminin"
    MALE = "M", "Masculin"
    UNDETERMINED = "I", "Indéterminé"


class InsStatus(models.TextChoices):
    """The four states of an identity in the national identity referential (RNIV): retrieved
    means read from the INSi service, validated means checked on an identity document,
    qualified both. Only a qualified identity may carry its INS matricule outside."""

    PROVISIONAL = "provisional", "Identité provisoire"
    RETRIEVED = "retrieved", "Identité récupérée"
    VALIDATED = "validated", "Identité validée"
    QUALIFIED = "qualified", "Identité qualifiée"


INS_FROM_SERVICE = (InsStatus.RETRIEVED, InsStatus.QUALIFIED)


class ConsentMode(models.TextChoices):
    ORAL = "oral", "Oral, noté par le professionnel"
    WRITTEN = "written", "Écrit, signé par le patient"
    ELECTRONIC = "electronic", "Électronique"


class ReminderChannel(models.TextChoices):
    SMS = "sms", "Par SMS"
    EMAIL = "email", "Par courriel"


class InclusionQuerySet(CptsOwnedQuerySet):
    def active(self):
        return self.filter(status=InclusionStatus.ACTIVE)


class Inclusion(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="inclusions", verbose_name="CPTS")
    programme = models.ForeignKey(
        Programme, on_delete=models.RESTRICT, related_name="inclusions", verbose_name="programme"
    )
    # The identity traits of the INS referential (birth names, as on the identity document).
    birth_name = models.CharField("nom de naissance", max_length=100)
    used_name = models.CharField("nom utilisé", max_length=100, blank=True)
    given_names = models.CharField("prénoms de naissance", max_length=200)
    first_given_name = models.CharField("premier prénom de naissance", max_length=100)
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("date de naissance")
    birth_place_code = models.CharField(
        "lieu de naissance (code INSEE)", max_length=5, blank=True, validators=[validate_insee_commune_code]
    )
    ins_number = models.CharField("matricule INS", max_length=15, blank=True, validators=[validate_nir])
    identity_qualification = models.CharField(
        "statut de l'identité", max_length=12, choices=InsStatus.choices, default=InsStatus.PROVISIONAL
    )
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    consent_on = models.DateField("consentement recueilli le")
    consent_mode = models.CharField("recueil du consentement", max_length=12, choices=ConsentMode.choices)
    # Keep the record when the account is erased.
    consent_recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="consentement noté par"
    )
    consent_withdrawn_on = models.DateField("consentement retiré le", null=True, blank=True)
    # Reminders of the patient's own appointments and checks: only with their consent, by the
    # channel they chose; a « STOP » or the link in a message stops them (`reminders_stopped_on`).
    reminder_channel = models.CharField(
        "rappels au patient", max_length=5, choices=ReminderChannel.choices, blank=True, default=""
    )
    reminders_stopped_on = models.DateField("rappels arrêtés le", null=True, blank=True)
    lead = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, related_name="led_inclusions", verbose_name="professionnel référent"
    )
    included_on = models.DateField("inclus le", default=timezone.localdate)
    status = models.CharField("état", max_length=10, choices=InclusionStatus.choices, default=InclusionStatus.ACTIVE)
    closed_on = models.DateField("clos le", null=True, blank=True)
    close_reason = models.CharField("motif de clôture", max_length=20, choices=CloseReason.choices, blank=True)

    objects = InclusionQuerySet.as_manager()

    workflow = Workflow(
        log="pathways.InclusionEvent",
        subject="Cette inclusion",
        final=[InclusionStatus.CLOSED],
        transitions=[Transition("close", source=InclusionStatus.ACTIVE, target=InclusionStatus.CLOSED)],
    )

    class Meta:
        verbose_name = "inclusion dans un parcours"
        verbose_name_plural = "inclusions dans un parcours"
        ordering = ["cpts", "-included_on", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "included_on"])]

    def __str__(self):
        # Never the name: this string reaches logs and the admin's history.
        return f"Inclusion n° {self.pk}"

    def save(self, *args, **kwargs):
        self.ins_number = compact_nir(self.ins_number)
        super().save(*args, **kwargs)

    def clean(self):
        today = timezone.localdate()
        if self.birth_date and (self.birth_date > today or self.birth_date.year < today.year - 120):
            raise ValidationError({"birth_date": "Date de naissance : elle doit être passée et plausible."})
        if self.consent_on and self.consent_on > today:
            raise ValidationError({"consent_on": "Consentement : la date ne peut pas être dans le futur."})
        if self.identity_qualification in INS_FROM_SERVICE and not self.ins_number:
            raise ValidationError(
                {"ins_number": "Matricule INS : une identité récupérée ou qualifiée porte son matricule INS."}
            )
        if self.reminder_channel == ReminderChannel.SMS and not self.phone:
            raise ValidationError({"phone": "Téléphone : il faut un numéro pour des rappels par SMS."})
        if self.reminder_channel == ReminderChannel.EMAIL and not self.email:
            raise ValidationError({"email": "Courriel : il faut une adresse pour des rappels par courriel."})
        if self.lead_id and (self.lead.cpts_id != self.cpts_id or not self.lead.professional_id):
            raise ValidationError({"lead": "Référent : choisissez un professionnel adhérent de cette CPTS."})

    @property
    def display_name(self) -> str:
        return f"{(self.used_name or self.birth_name).upper()} {self.first_given_name}"

    @property
    def name_words(self) -> list[str]:
        """The names the patient is known by — birth and used names whole, each given name — to
        keep them out of pseudonymised texts."""
        return [name for name in (self.birth_name, self.used_name) if name] + self.given_names.replace(",", " ").split()

    @property
    def qualified(self) -> bool:
        return self.identity_qualification == InsStatus.QUALIFIED and bool(self.ins_number)

    def close(self, *, by, reason: str, on=None, note: str = ""):
        if reason not in CloseReason.values:
            raise ValidationError({"close_reason": "Motif de clôture : choisissez un motif de la liste."})
        changes = {"closed_on": on or timezone.localdate(), "close_reason": reason}
        if reason == CloseReason.CONSENT_WITHDRAWN:
            changes["consent_withdrawn_on"] = changes["closed_on"]
        with transaction.atomic():
            self.workflow.run(self, "close", by=by, note=note, changes=changes)
            # Nothing is left to do for a closed pathway.
            CareTask.workflow.run_many(self.care_tasks.open(), "cancel", by=by, note="inclusion close")


InclusionEvent = transition_log(Inclusion, "changement d'état d'une inclusion", "changements d'état des inclusions")


class Relationship(models.TextChoices):
    FAMILY_CARER = "family_carer", "Aidant familial"
    SOCIAL_WORKER = "social_worker", "Travailleur social"
    HOSPITAL = "hospital", "Professionnel hospitalier"
    OTHER = "other", "Autre"


class CareTeamMemberQuerySet(models.QuerySet):
    def on(self, day):
        return self.filter(Q(starts_on__lte=day), Q(ends_on__isnull=True) | Q(ends_on__gte=day))


class CareTeamMember(JournaledModel):
    """A member of the patient's care team (cercle de soins): an adherent of the CPTS picked
    from the directory, or a person outside it (family carer, social worker) with a contact."""

    inclusion = models.ForeignKey(
        Inclusion, on_delete=models.CASCADE, related_name="care_team", verbose_name="inclusion"
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.RESTRICT, null=True, blank=True, related_name="care_teams", verbose_name="adhérent"
    )
    name = models.CharField("nom", max_length=150, blank=True)
    relationship = models.CharField("lien", max_length=20, choices=Relationship.choices, blank=True)
    contact = models.CharField("contact", max_length=150, blank=True)
    role = models.CharField("rôle dans l'équipe", max_length=100, blank=True)
    starts_on = models.DateField("depuis le", default=timezone.localdate)
    ends_on = models.DateField("jusqu'au", null=True, blank=True)

    objects = CareTeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "membre de l'équipe de soins"
        verbose_name_plural = "membres de l'équipe de soins"
        ordering = ["inclusion", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(membership__isnull=False, name="") | Q(membership__isnull=True) & ~Q(name=""),
                name="care_team_member_is_an_adherent_or_a_named_person",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="care_team_period_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"Membre n° {self.pk} de l'équipe de soins"

    @property
    def is_adherent(self) -> bool:
        return self.membership_id is not None

    def clean(self):
        if bool(self.membership_id) == bool(self.name):
            raise ValidationError({"membership": "Équipe de soins : choisissez un adhérent ou nommez une personne."})
        if self.is_adherent and self.inclusion_id and self.membership.cpts_id != self.inclusion.cpts_id:
            raise ValidationError({"membership": "Équipe de soins : l'adhérent doit être de cette CPTS."})
        if not self.is_adherent and not self.relationship:
            raise ValidationError({"relationship": "Lien : dites qui est cette personne pour le patient."})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Jusqu'au : la fin vient après le début."})


# --- The personalised plan (PPCS, HAS 2019) ---------------------------------------------------

# The dimensions of the multidimensional assessment (HAS PPCS model).
ASSESSMENT_DIMENSIONS = {
    "health": "Santé (problèmes de santé, traitements)",
    "autonomy": "Autonomie (vie quotidienne, déplacements)",
    "psychological": "Psychologique et cognitif",
    "social": "Social, familial, aidants",
    "environment": "Environnement et logement",
}


class CarePlan(JournaledModel):
    """One version of the patient's PPCS; a change is a new version (`services.revise_plan`),
    the earlier ones stay. Up to date while its reassessment date is not past."""

    inclusion = models.ForeignKey(Inclusion, on_delete=models.CASCADE, related_name="plans", verbose_name="inclusion")
    version = models.PositiveIntegerField("version", default=1)
    assessment = models.JSONField("évaluation multidimensionnelle", default=dict, blank=True)
    problems = models.TextField("problèmes et besoins", blank=True)
    goals = models.TextField("objectifs", blank=True)
    next_review_on = models.DateField("prochaine réévaluation")
    # Keep the version when the account is erased.
    written_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="rédigée par"
    )
    written_at = models.DateTimeField("rédigée le", default=timezone.now)

    class Meta:
        verbose_name = "plan personnalisé (PPCS)"
        verbose_name_plural = "plans personnalisés (PPCS)"
        ordering = ["inclusion", "-version"]
        constraints = [models.UniqueConstraint(fields=["inclusion", "version"], name="one_row_per_plan_version")]

    def __str__(self):
        return f"PPCS n° {self.pk} (v{self.version})"

    def clean(self):
        unknown = set(self.assessment or {}) - set(ASSESSMENT_DIMENSIONS)
        if unknown:
            raise ValidationError({"assessment": "Évaluation : dimension inconnue."})

    def up_to_date_on(self, day) -> bool:
        return self.next_review_on >= day


class ActionKind(models.TextChoices):
    CARE = "care", "Soins"
    PREVENTION = "prevention", "Prévention"
    SOCIAL = "social", "Accompagnement social"


class CarePlanAction(models.Model):
    """An action of a PPCS version (copied into the next version with it)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="actions", verbose_name="PPCS")
    kind = models.CharField("nature", max_length=12, choices=ActionKind.choices)
    description = models.CharField("action", max_length=300)
    owner = models.CharField("qui", max_length=150)
    due_on = models.DateField("pour le", null=True, blank=True)

    class Meta:
        verbose_name = "action du PPCS"
        verbose_name_plural = "actions du PPCS"
        ordering = ["plan", "pk"]

    def __str__(self):
        return self.description


# --- Care tasks --------------------------------------------------------------------------------


class CareTaskStatus(models.TextChoices):
    TODO = "todo", "À faire"
    DONE = "done", "Faite"
    CANCELLED = "cancelled", "Annulée"


class CareTaskQuerySet(CptsOwnedQuerySet):
    def open(self):
        return self.filter(status=CareTaskStatus.TODO)

    def late_on(self, day):
        """Open tasks whose due date plus tolerance is past."""
        return self.open().filter(late_from__lt=day)


class CareTask(JournaledModel):
    """A step of the programme made work for the care team (« tâche de soins »): who (a
    profession or a role), for when, and how late it may be (`late_from`). It carries its
    inclusion's CPTS so that a member's list and the boards read one indexed table."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="care_tasks", verbose_name="CPTS")
    inclusion = models.ForeignKey(
        Inclusion, on_delete=models.CASCADE, related_name="care_tasks", verbose_name="inclusion"
    )
    step = models.ForeignKey(
        ProgrammeStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="étape"
    )
    title = models.CharField("tâche", max_length=200)
    profession = models.CharField("profession", max_length=10, choices=Profession.choices, blank=True)
    role = models.CharField("rôle", max_length=100, blank=True)
    assignee = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_tasks",
        verbose_name="confiée à",
    )
    # The town visit due after a hospital stay (its lateness is that stay's break, not a late step).
    stay = models.ForeignKey(
        "HospitalStay", on_delete=models.CASCADE, null=True, blank=True, related_name="tasks", verbose_name="séjour"
    )
    due_on = models.DateField("pour le")
    late_from = models.DateField("en retard après le")
    status = models.CharField("état", max_length=10, choices=CareTaskStatus.choices, default=CareTaskStatus.TODO)
    done_on = models.DateField("faite le", null=True, blank=True)
    outcome = models.CharField("résultat", max_length=300, blank=True)

    objects = CareTaskQuerySet.as_manager()

    workflow = Workflow(
        log="pathways.CareTaskEvent",
        subject="Cette tâche",
        final=[CareTaskStatus.DONE, CareTaskStatus.CANCELLED],
        transitions=[
            Transition("complete", source=CareTaskStatus.TODO, target=CareTaskStatus.DONE),
            Transition("cancel", source=CareTaskStatus.TODO, target=CareTaskStatus.CANCELLED),
        ],
    )

    class Meta:
        verbose_name = "tâche de soins"
        verbose_name_plural = "tâches de soins"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"]),
            models.Index(fields=["cpts", "status", "late_from"]),
        ]

    def __str__(self):
        return f"Tâche n° {self.pk}"

    @property
    def who(self) -> str:
        return self.get_profession_display() if self.profession else self.role


CareTaskEvent = transition_log(CareTask, "changement d'état d'une tâche de soins", "changements d'état des tâches")


class HospitalStay(JournaledModel):
    """A hospital stay the team learnt of: after discharge, a town visit is due within
    HOSPITAL_FOLLOW_UP_DAYS (a task done by a member of the team)."""

    inclusion = models.ForeignKey(
        Inclusion, on_delete=models.CASCADE, related_name="hospital_stays", verbose_name="inclusion"
    )
    admitted_on = models.DateField("entrée le")
    discharged_on = models.DateField("sortie le", null=True, blank=True)
    # Keep the record when the account is erased.
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="notée par"
    )

    class Meta:
        verbose_name = "hospitalisation"
        verbose_name_plural = "hospitalisations"
        ordering = ["inclusion", "admitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="hospital_stay_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"Hospitalisation n° {self.pk}"

    def clean(self):
        if self.discharged_on and self.admitted_on and self.discharged_on < self.admitted_on:
            raise ValidationError({"discharged_on": "Sortie : elle vient après l'entrée."})
        if self.admitted_on and self.admitted_on > timezone.localdate():
            raise ValidationError({"admitted_on": "Entrée : la date ne peut pas être dans le futur."})


HOSPITAL_FOLLOW_UP_DAYS = 7


# --- Breaks in the pathway --------------------------------------------------------------------


class BreakKind(models.TextChoices):
    TASK_LATE = "task_late", "Étape en retard au-delà de sa tolérance"
    REVIEW_MISSED = "review_missed", "Réévaluation du PPCS manquée"
    NO_VISIT_AFTER_STAY = "no_visit_after_stay", "Pas de visite en ville dans les 7 jours après une hospitalisation"
    PROFESSION_MISSING = "profession_missing", "Profession requise absente de l'équipe de soins"


class BreakStatus(models.TextChoices):
    OPEN = "open", "À traiter"
    RESOLVED = "resolved", "Résolue"


class CareBreakQuerySet(CptsOwnedQuerySet):
    def open(self):
        return self.filter(status=BreakStatus.OPEN)


class CareBreak(JournaledModel):
    """What broke in a patient's pathway, found by the daily scan (`breaks.scan`): one open
    break per (inclusion, kind, subject) — `subject` names the task, the stay, the PPCS version
    or the profession —, notified once to the lead and the coordinators; resolving is recorded.
    It carries its inclusion's CPTS (the board reads one indexed table)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="care_breaks", verbose_name="CPTS")
    inclusion = models.ForeignKey(Inclusion, on_delete=models.CASCADE, related_name="breaks", verbose_name="inclusion")
    kind = models.CharField("rupture", max_length=24, choices=BreakKind.choices)
    subject = models.CharField("objet", max_length=40)
    detected_on = models.DateField("repérée le", default=timezone.localdate)
    status = models.CharField("état", max_length=10, choices=BreakStatus.choices, default=BreakStatus.OPEN)
    resolved_on = models.DateField("résolue le", null=True, blank=True)
    resolution = models.CharField("comment elle a été résolue", max_length=300, blank=True)

    objects = CareBreakQuerySet.as_manager()

    workflow = Workflow(
        log="pathways.CareBreakEvent",
        subject="Cette rupture",
        final=[BreakStatus.RESOLVED],
        transitions=[Transition("resolve", source=BreakStatus.OPEN, target=BreakStatus.RESOLVED)],
    )

    class Meta:
        verbose_name = "rupture de parcours"
        verbose_name_plural = "ruptures de parcours"
        ordering = ["-detected_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inclusion", "kind", "subject"],
                condition=Q(status="open"),
                name="one_open_break_per_subject",
            )
        ]
        indexes = [models.Index(fields=["cpts", "status", "detected_on"])]

    def __str__(self):
        return f"Rupture n° {self.pk}"

    def resolve(self, *, by, resolution: str, on=None):
        if not resolution.strip():
            raise ValidationError({"resolution": "Résolution : dites ce qui a été fait."})
        changes = {"resolved_on": on or timezone.localdate(), "resolution": resolution.strip()}
        self.workflow.run(self, "resolve", by=by, changes=changes)


CareBreakEvent = transition_log(CareBreak, "changement d'état d'une rupture", "changements d'état des ruptures")
