"""Quality and relevance of care — mission 5.

Three ways a CPTS improves its practice, each on top of the meetings app (date poll, visio
link, attendance and the time it counts for indemnities):

- **case conferences** (`CaseConference`, « concertation pluriprofessionnelle », an RCP in
  town): someone of a care team or a coordinator asks for one on a case; the case is presented
  pseudonymised (« Cas n° 12 » and a presentation that names nobody) to whoever is outside the
  care team; on the day the conclusions and decisions are recorded (the FRCP's content); when
  the case is an included patient, the decisions go into a new version of the patient's PPCS:

      requested → scheduled (its meeting is polled) → held (record written) ; requested | scheduled → cancelled

  Each decision (`ConferenceDecision`) has an owner and a due date, and is followed to its end:
  open → done | dropped.
- **reviews of adverse events** (`IncidentReview`, « revue d'événement indésirable », the town
  version of the hospital CREX): any member reports a break in care, an error or a near miss
  without naming the patient nor blaming anyone; a referent analyses it (facts, causes by
  category, what protected, lessons), decides improvement actions (`ImprovementAction`) and
  closes it once they are all done or dropped; an anonymised summary is shared with the members:

      reported → analysis → actions → closed ; reported | analysis → dismissed

- **practice-analysis groups** (`PracticeGroup`): members, themes, sessions (`GroupSession`,
  each a meeting) that may take a held conference or a shared review as their material.

The crisis RETEX stays in `crisis_response`; the coordinator's list of improvement actions
reads both (the web layer joins them).
"""

import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.discussions.health_data import holds_patient_identifier
from maillon.meetings.models import Meeting
from maillon.members.models import Membership
from maillon.pathways.models import CarePlan, CarePlanAction, Inclusion

IDENTIFIER_REFUSAL = (
    "{label} : le texte contient un numéro qui ressemble à un NIR ou à un INS. Présentez le cas sans "
    "identifiant du patient : les participants hors de l'équipe de soins ne doivent pas le reconnaître."
)
NAME_REFUSAL = (
    "{label} : le texte contient le nom du patient. Présentez le cas sans le nommer (âge, sexe, situation) : "
    "les participants hors de l'équipe de soins ne doivent pas le reconnaître."
)


def refuse_identifying_text(values: dict[str, tuple[str, str]], *, names=()) -> None:
    """Refuse texts that hold a NIR/INS or one of `names` (a patient's names, as whole words).
    `values` maps a field to (its label, its text)."""
    errors = {}
    words = [name.strip() for name in names if name and len(name.strip()) >= 2]
    for field, (label, text) in values.items():
        if holds_patient_identifier(text):
            errors[field] = IDENTIFIER_REFUSAL.format(label=label)
        elif any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text or "", re.IGNORECASE) for word in words):
            errors[field] = NAME_REFUSAL.format(label=label)
    if errors:
        raise ValidationError(errors)


# --- Case conferences --------------------------------------------------------------------------


class ConferenceStatus(models.TextChoices):
    REQUESTED = "requested", "Demandée"
    SCHEDULED = "scheduled", "Programmée"
    HELD = "held", "Tenue"
    CANCELLED = "cancelled", "Annulée"


class CaseConferenceQuerySet(CptsOwnedQuerySet):
    def to_prepare(self):
        """Asked for and not held yet: the coordinator's work (date, participants, record)."""
        return self.filter(status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED])


class CaseConference(JournaledModel):
    """A pluriprofessional case conference (concertation) on one patient's case. Its title and
    presentation never name the patient: they are what participants outside the care team read.
    The link to the inclusion (when the patient is included) is shown only to the care team."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="case_conferences", verbose_name="CPTS")
    # The conference outlives the inclusion's purge: its record is pseudonymised already.
    inclusion = models.ForeignKey(
        Inclusion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_conferences",
        verbose_name="patient inclus",
    )
    context = models.TextField(
        "présentation du cas",
        help_text="Âge, sexe, situation, antécédents utiles : sans nom, sans date de naissance, sans numéro.",
    )
    question = models.TextField("question posée")
    status = models.CharField(
        "état", max_length=12, choices=ConferenceStatus.choices, default=ConferenceStatus.REQUESTED
    )
    # The meeting that polls its date, invites its participants and counts their time.
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_conference",
        verbose_name="réunion",
    )
    conclusions = models.TextField("conclusions", blank=True)
    # The PPCS version the decisions went into (an included patient).
    plan = models.ForeignKey(
        CarePlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="PPCS mis à jour"
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="demandée par"
    )
    requested_at = models.DateTimeField("demandée le", default=timezone.now)
    held_on = models.DateField("tenue le", null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="compte rendu par"
    )

    objects = CaseConferenceQuerySet.as_manager()

    workflow = Workflow(
        log="quality.CaseConferenceEvent",
        log_fk="conference",
        subject="Cette concertation",
        final=[ConferenceStatus.HELD, ConferenceStatus.CANCELLED],
        transitions=[
            Transition("schedule", source=ConferenceStatus.REQUESTED, target=ConferenceStatus.SCHEDULED),
            Transition("record", source=ConferenceStatus.SCHEDULED, target=ConferenceStatus.HELD),
            Transition(
                "cancel",
                source=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED],
                target=ConferenceStatus.CANCELLED,
            ),
        ],
    )

    class Meta:
        verbose_name = "concertation pluriprofessionnelle"
        verbose_name_plural = "concertations pluriprofessionnelles"
        ordering = ["cpts", "-requested_at", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "held_on"])]

    def __str__(self):
        return self.case_label

    @property
    def case_label(self) -> str:
        """The pseudonym every participant reads (never the patient's name)."""
        return f"Cas n° {self.pk}" if self.pk else "Nouveau cas"

    def clean(self):
        names = ()
        if self.inclusion_id:
            if self.inclusion.cpts_id != self.cpts_id:
                raise ValidationError({"inclusion": "Patient inclus : choisissez une inclusion de la CPTS."})
            names = self.inclusion.name_words
        refuse_identifying_text(
            {
                "context": ("Présentation du cas", self.context),
                "question": ("Question posée", self.question),
                "conclusions": ("Conclusions", self.conclusions),
            },
            names=names,
        )

    @transaction.atomic
    def schedule(self, *, meeting, by):
        if meeting.cpts_id != self.cpts_id:
            raise ValidationError({"meeting": "Réunion : elle doit être une réunion de la CPTS."})
        self.workflow.run(self, "schedule", by=by, changes={"meeting": meeting})

    @transaction.atomic
    def record(self, *, conclusions, held_on, by, plan=None):
        """The record of the day (its decisions are created by `services.record_conference`)."""
        if not (conclusions or "").strip():
            raise ValidationError({"conclusions": "Conclusions : écrivez ce que la concertation a conclu."})
        if held_on > timezone.localdate():
            raise ValidationError({"held_on": "Date : une concertation ne se consigne qu'une fois tenue."})
        self.conclusions = conclusions.strip()
        self.clean()
        self.workflow.run(
            self,
            "record",
            by=by,
            changes={"conclusions": self.conclusions, "held_on": held_on, "recorded_by": by, "plan": plan},
        )

    @transaction.atomic
    def cancel(self, *, by, note=""):
        self.workflow.run(self, "cancel", by=by, note=note)


CaseConferenceEvent = transition_log(
    CaseConference, "changement d'état d'une concertation", "changements d'état des concertations"
)


class FollowUpStatus(models.TextChoices):
    """The states of what a conference decides and of an improvement action."""

    OPEN = "open", "À faire"
    DONE = "done", "Réalisée"
    DROPPED = "dropped", "Abandonnée"


class FollowUpQuerySet(CptsOwnedQuerySet):
    def open(self):
        return self.filter(status=FollowUpStatus.OPEN)

    def late_on(self, day):
        return self.open().filter(due_on__lt=day)

    def owned_by(self, user):
        return self.filter(owner__professional__user=user)


class FollowUp(JournaledModel):
    """Something decided with an owner (an adherent) and a due date, followed to its end."""

    description = models.CharField("action", max_length=300)
    # The action stays when the owner's adhesion goes.
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="responsable"
    )
    due_on = models.DateField("échéance")
    status = models.CharField("état", max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    outcome = models.CharField("ce qui a été fait", max_length=300, blank=True)
    created_at = models.DateTimeField("décidée le", default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        if self.owner_id and self.owner.cpts_id != self.cpts_id:
            raise ValidationError({"owner": "Responsable : choisissez un adhérent de la CPTS."})

    @property
    def on_time(self) -> bool | None:
        """Done by its due date; None while open or once dropped."""
        if self.status != FollowUpStatus.DONE:
            return None
        return self.done_on <= self.due_on

    def is_late_on(self, day) -> bool:
        return self.status == FollowUpStatus.OPEN and self.due_on < day

    @transaction.atomic
    def complete(self, *, by, outcome="", on=None):
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise ValidationError({"done_on": "Date : une action ne se déclare réalisée qu'une fois faite."})
        self.workflow.run(self, "complete", by=by, changes={"done_on": on, "outcome": (outcome or "").strip()[:300]})

    @transaction.atomic
    def drop(self, *, by, note):
        if not (note or "").strip():
            raise ValidationError({"note": "Motif : dites pourquoi l'action est abandonnée."})
        self.workflow.run(self, "drop", by=by, note=note.strip(), changes={"outcome": note.strip()[:300]})


def follow_up_workflow(log: str, log_fk: str, subject: str) -> Workflow:
    return Workflow(
        log=log,
        log_fk=log_fk,
        subject=subject,
        final=[FollowUpStatus.DONE, FollowUpStatus.DROPPED],
        transitions=[
            Transition("complete", source=FollowUpStatus.OPEN, target=FollowUpStatus.DONE),
            Transition("drop", source=FollowUpStatus.OPEN, target=FollowUpStatus.DROPPED),
        ],
    )


class ConferenceDecision(FollowUp):
    """A decision of a case conference. For an included patient it is also an action of the
    PPCS version the conference wrote (`plan_action`)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="conference_decisions", verbose_name="CPTS")
    conference = models.ForeignKey(
        CaseConference, on_delete=models.CASCADE, related_name="decisions", verbose_name="concertation"
    )
    plan_action = models.ForeignKey(
        CarePlanAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="action du PPCS",
    )

    workflow = follow_up_workflow("quality.ConferenceDecisionEvent", "decision", "Cette décision")

    class Meta:
        verbose_name = "décision de concertation"
        verbose_name_plural = "décisions de concertation"
        ordering = ["conference", "due_on", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="quality_decision_done_dated",
            )
        ]

    def __str__(self):
        return f"Décision n° {self.pk}"


ConferenceDecisionEvent = transition_log(
    ConferenceDecision, "changement d'état d'une décision", "changements d'état des décisions"
)


# --- Reviews of adverse events -----------------------------------------------------------------


class EventCategory(models.TextChoices):
    CARE_BREAK = "care_break", "Rupture de parcours"
    ERROR = "error", "Erreur"
    NEAR_MISS = "near_miss", "Presque-accident (événement évité)"
    OTHER = "other", "Autre dysfonctionnement"


class Consequence(models.TextChoices):
    NONE = "none", "Aucune conséquence pour le patient"
    MINOR = "minor", "Conséquence mineure"
    SIGNIFICANT = "significant", "Conséquence significative"
    SEVERE = "severe", "Conséquence grave"


# The causes of an event by category — the ALARM grid the hospital CREX use, put in town words.
CAUSE_CATEGORIES = {
    "patient": "Patient (état de santé, compréhension, environnement)",
    "tasks": "Tâches (protocoles, informations disponibles, résultats d'examens)",
    "professional": "Professionnel (connaissances, compétences, disponibilité) — sans nommer personne",
    "team": "Équipe (communication entre professionnels, transmission, coordination)",
    "environment": "Environnement de travail (charge, locaux, outils, logiciels)",
    "organisation": "Organisation (circuits, rôles, continuité des soins)",
    "institutional": "Contexte institutionnel (financement, réglementation, relations avec l'hôpital)",
}


class ReviewStatus(models.TextChoices):
    REPORTED = "reported", "Déclarée"
    ANALYSIS = "analysis", "En analyse"
    ACTIONS = "actions", "Actions en cours"
    CLOSED = "closed", "Close"
    DISMISSED = "dismissed", "Classée sans suite"


class IncidentReviewQuerySet(CptsOwnedQuerySet):
    def under_way(self):
        return self.filter(status__in=[ReviewStatus.REPORTED, ReviewStatus.ANALYSIS, ReviewStatus.ACTIONS])

    def shared(self):
        return self.filter(shared_at__isnull=False)


class IncidentReview(JournaledModel):
    """A review of an adverse event (« revue d'événement indésirable »): the report names no
    patient and no person; the analysis looks for causes in the organisation, not a culprit."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="incident_reviews", verbose_name="CPTS")
    title = models.CharField("intitulé", max_length=200, help_text="Ce qui s'est passé, en quelques mots.")
    category = models.CharField("nature", max_length=12, choices=EventCategory.choices)
    occurred_on = models.DateField("date de l'événement")
    consequence = models.CharField("conséquences", max_length=12, choices=Consequence.choices, default=Consequence.NONE)
    description = models.TextField(
        "description",
        help_text="Les faits, dans l'ordre : sans nom de patient ni de professionnel, sans numéro.",
    )
    status = models.CharField("état", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.REPORTED)
    reported_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="déclarée par"
    )
    reported_at = models.DateTimeField("déclarée le", default=timezone.now)
    # Who runs the analysis: a coordinator or an adherent the coordination names.
    referent = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incident_reviews_led",
        verbose_name="référent de l'analyse",
    )
    # The analysis.
    facts = models.TextField("chronologie des faits", blank=True)
    causes = models.JSONField("causes par catégorie", default=dict, blank=True)
    protective_factors = models.TextField("ce qui a protégé", blank=True)
    lessons = models.TextField("enseignements", blank=True)
    # What every member reads once it is shared.
    summary = models.TextField("synthèse anonymisée", blank=True)
    shared_at = models.DateTimeField("partagée le", null=True, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)

    objects = IncidentReviewQuerySet.as_manager()

    workflow = Workflow(
        log="quality.IncidentReviewEvent",
        log_fk="review",
        subject="Cette revue",
        final=[ReviewStatus.CLOSED, ReviewStatus.DISMISSED],
        transitions=[
            Transition("start_analysis", source=ReviewStatus.REPORTED, target=ReviewStatus.ANALYSIS),
            Transition("decide", source=ReviewStatus.ANALYSIS, target=ReviewStatus.ACTIONS),
            Transition("close", source=ReviewStatus.ACTIONS, target=ReviewStatus.CLOSED),
            Transition("dismiss", source=[ReviewStatus.REPORTED, ReviewStatus.ANALYSIS], target=ReviewStatus.DISMISSED),
        ],
    )

    # The analysis fields the referent writes (pages and API).
    ANALYSIS_FIELDS = ("facts", "causes", "protective_factors", "lessons")

    class Meta:
        verbose_name = "revue d'événement indésirable"
        verbose_name_plural = "revues d'événements indésirables"
        ordering = ["cpts", "-reported_at", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "reported_at"])]

    def __str__(self):
        return f"Revue n° {self.pk}" if self.pk else "Nouvelle revue"

    def clean(self):
        errors = {}
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = "Date de l'événement : elle ne peut pas être dans le futur."
        unknown = set(self.causes or {}) - set(CAUSE_CATEGORIES)
        if unknown:
            errors["causes"] = "Causes : catégorie inconnue."
        if errors:
            raise ValidationError(errors)
        texts = {
            "title": ("Intitulé", self.title),
            "description": ("Description", self.description),
            "facts": ("Chronologie des faits", self.facts),
            "protective_factors": ("Ce qui a protégé", self.protective_factors),
            "lessons": ("Enseignements", self.lessons),
            "summary": ("Synthèse anonymisée", self.summary),
        }
        refuse_identifying_text(texts)
        # The causes are one field: the refusal names the category in its message.
        for key, value in (self.causes or {}).items():
            refuse_identifying_text({"causes": (f"Causes — {CAUSE_CATEGORIES[key].split(' (')[0]}", value)})

    @property
    def cause_rows(self) -> list[tuple[str, str]]:
        """(category label, text) for the categories the analysis filled, in the grid's order."""
        return [(label, self.causes[key]) for key, label in CAUSE_CATEGORIES.items() if (self.causes or {}).get(key)]

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @transaction.atomic
    def start_analysis(self, *, referent, by):
        self.workflow.run(self, "start_analysis", by=by, changes={"referent": referent})

    def check_analysis_complete(self):
        missing = []
        if not self.facts.strip():
            missing.append("la chronologie des faits")
        if not any((text or "").strip() for text in (self.causes or {}).values()):
            missing.append("au moins une cause")
        if not self.lessons.strip():
            missing.append("les enseignements")
        if missing:
            raise ValidationError({"status": f"Analyse : complétez d'abord {', '.join(missing)}."})

    @transaction.atomic
    def decide(self, *, by):
        """The analysis is done and the actions are decided (at least one, or say why none)."""
        self.check_analysis_complete()
        if not self.actions.exists():
            raise ValidationError({"status": "Actions : décidez au moins une action d'amélioration."})
        self.workflow.run(self, "decide", by=by)

    @transaction.atomic
    def close(self, *, by, on=None):
        # Under the review's lock, as an action is added under it: no action slips in meanwhile.
        IncidentReview.objects.select_for_update().filter(pk=self.pk).first()
        if self.actions.filter(status=FollowUpStatus.OPEN).exists():
            raise ValidationError({"status": "Clôture : des actions d'amélioration sont encore à faire."})
        self.workflow.run(self, "close", by=by, changes={"closed_on": on or timezone.localdate()})

    @transaction.atomic
    def dismiss(self, *, by, note):
        if not (note or "").strip():
            raise ValidationError({"note": "Motif : dites pourquoi la revue est classée sans suite."})
        self.workflow.run(self, "dismiss", by=by, note=note.strip())

    @transaction.atomic
    def share(self, *, summary, by):
        """Share the anonymised summary with every member (once the analysis is done)."""
        if self.status not in (ReviewStatus.ACTIONS, ReviewStatus.CLOSED):
            raise self.workflow.refusal(self, message="Synthèse : elle se partage une fois l'analyse faite.")
        if not (summary or "").strip():
            raise ValidationError({"summary": "Synthèse anonymisée : écrivez ce que les adhérents liront."})
        self.summary = summary.strip()
        self.shared_at = self.shared_at or timezone.now()
        self.full_clean(exclude=["referent", "reported_by"])
        self.save()


IncidentReviewEvent = transition_log(IncidentReview, "changement d'état d'une revue", "changements d'état des revues")


class ImprovementAction(FollowUp):
    """An improvement action decided by the review of an adverse event."""

    cpts = models.ForeignKey(
        Cpts, on_delete=models.CASCADE, related_name="quality_improvement_actions", verbose_name="CPTS"
    )
    review = models.ForeignKey(IncidentReview, on_delete=models.CASCADE, related_name="actions", verbose_name="revue")

    workflow = follow_up_workflow("quality.ImprovementActionEvent", "action", "Cette action d'amélioration")

    class Meta:
        verbose_name = "action d'amélioration"
        verbose_name_plural = "actions d'amélioration"
        ordering = ["review", "due_on", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False) | ~Q(status="done"),
                name="quality_action_done_dated",
            )
        ]

    def __str__(self):
        return f"Action d'amélioration n° {self.pk}"


ImprovementActionEvent = transition_log(
    ImprovementAction, "changement d'état d'une action d'amélioration", "changements d'état des actions d'amélioration"
)


# --- Practice-analysis groups ------------------------------------------------------------------


class PracticeGroup(JournaledModel):
    """A practice-analysis group (« groupe d'analyse des pratiques »): adherents who meet
    regularly on themes; each session is a meeting of the CPTS (attendance, time counted)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="practice_groups", verbose_name="CPTS")
    name = models.CharField("nom", max_length=200)
    themes = models.CharField("thèmes", max_length=300, help_text="Séparés par des virgules.")
    description = models.TextField("description", blank=True)
    facilitator = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practice_groups_led",
        verbose_name="animateur ou animatrice",
    )
    members = models.ManyToManyField(
        Membership, blank=True, related_name="practice_groups", verbose_name="membres du groupe"
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    closed_on = models.DateField("fermé le", null=True, blank=True)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "groupe d'analyse des pratiques"
        verbose_name_plural = "groupes d'analyse des pratiques"
        ordering = ["cpts", "name", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.facilitator_id and self.facilitator.cpts_id != self.cpts_id:
            raise ValidationError({"facilitator": "Animation : choisissez un adhérent de la CPTS."})

    @property
    def theme_list(self) -> list[str]:
        return [theme.strip() for theme in self.themes.split(",") if theme.strip()]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class GroupSession(JournaledModel):
    """One session of a group: its meeting, its theme and, as material, a held conference's
    pseudonymised case or a shared review's anonymised summary."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="group_sessions", verbose_name="CPTS")
    group = models.ForeignKey(PracticeGroup, on_delete=models.CASCADE, related_name="sessions", verbose_name="groupe")
    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="group_session", verbose_name="réunion"
    )
    theme = models.CharField("thème de la séance", max_length=200)
    conference = models.ForeignKey(
        CaseConference,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_sessions",
        verbose_name="cas étudié",
    )
    review = models.ForeignKey(
        IncidentReview,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_sessions",
        verbose_name="revue étudiée",
    )
    notes = models.TextField("notes de la séance", blank=True)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "séance d'un groupe d'analyse des pratiques"
        verbose_name_plural = "séances des groupes d'analyse des pratiques"
        ordering = ["group", "pk"]

    def __str__(self):
        return f"Séance n° {self.pk} — {self.theme}"

    def clean(self):
        errors = {}
        if self.conference_id and self.review_id:
            errors["review"] = "Support : choisissez un cas ou une revue, pas les deux."
        if self.conference_id and (
            self.conference.cpts_id != self.cpts_id or self.conference.status != ConferenceStatus.HELD
        ):
            errors["conference"] = "Cas étudié : choisissez une concertation tenue de la CPTS."
        if self.review_id and (self.review.cpts_id != self.cpts_id or not self.review.is_shared):
            errors["review"] = "Revue étudiée : choisissez une revue de la CPTS dont la synthèse est partagée."
        if errors:
            raise ValidationError(errors)
        refuse_identifying_text({"notes": ("Notes de la séance", self.notes)})
