"""The crisis plan of a CPTS (mission 4): its yearly versions, their review by the
authorities, the mobilisable professionals and the improvement actions to carry into it.

- One `CrisisPlan` per CPTS; one `PlanVersion` per plan and year (a millésime).
- A version is a draft, submitted to the ARS and the CPAM, then validated by an authority
  (or sent back to draft with comments): `PlanVersion.workflow`. Each transition is logged
  (`PlanEvent`, with the authority's comments) and journaled.
- A submitted or validated version is frozen: its content, its professionals cannot change.
- The content follows the national template (`template.py`): `{section: {field: text}}`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, TransitionLog, Workflow, transition_log
from maillon.members.models import Professional

from . import template

YEAR_MIN = 2019  # the first ACI
YEAR_MAX = 2100
ROLE_MAX = 200
COMMENT_MAX = 5000


class PlanStatus(models.TextChoices):
    # The pages name a version « plan 2026 »: the labels agree with « plan ».
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Soumis à l'ARS et à la CPAM"
    VALIDATED = "validated", "Validé"


FROZEN_STATUSES = (PlanStatus.SUBMITTED, PlanStatus.VALIDATED)


class CrisisPlan(JournaledModel):
    cpts = models.OneToOneField(Cpts, on_delete=models.CASCADE, related_name="crisis_plan", verbose_name="CPTS")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "plan de crise"
        verbose_name_plural = "plans de crise"

    def __str__(self):
        return f"Plan de crise — {self.cpts}"


class PlanVersionQuerySet(models.QuerySet):
    def for_cpts(self, cpts):
        return self.filter(plan__cpts=cpts)

    def validated(self):
        return self.filter(status=PlanStatus.VALIDATED)


def frozen_error():
    return ValidationError("Version figée : une version soumise ou validée ne se modifie plus.")


def by_id(user):
    """Foreign keys go into a transition's UPDATE by id (the journal's copy compares ids)."""
    return getattr(user, "pk", None)


class PlanVersion(JournaledModel):
    """The plan of one year. Frozen once submitted (see `save`)."""

    # Fields that make the plan's text; refused on a frozen version.
    CONTENT_FIELDS = ("plan_id", "year", "content", "based_on_id")

    plan = models.ForeignKey(
        CrisisPlan, on_delete=models.CASCADE, related_name="versions", verbose_name="plan de crise"
    )
    year = models.PositiveSmallIntegerField("année")
    status = models.CharField("état", max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    content = models.JSONField("contenu", default=template.empty_content)
    # The validated version this draft was copied from (kept when that version goes).
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="établie à partir de"
    )
    # Keep the version when the accounts that wrote or reviewed it are erased.
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="soumise par"
    )
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    validated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="validée par"
    )

    objects = PlanVersionQuerySet.as_manager()

    workflow = Workflow(
        log="crisis.PlanEvent",
        log_fk="version",
        subject="Cette version du plan",
        transitions=[
            Transition("submit", source=PlanStatus.DRAFT, target=PlanStatus.SUBMITTED),
            Transition("validate", source=PlanStatus.SUBMITTED, target=PlanStatus.VALIDATED),
            Transition("send_back", source=PlanStatus.SUBMITTED, target=PlanStatus.DRAFT),
        ],
    )

    class Meta:
        verbose_name = "version du plan de crise"
        verbose_name_plural = "versions du plan de crise"
        ordering = ["plan", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="one_crisis_plan_version_per_year"),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="crisis_plan_version_status_valid"),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX), name="crisis_plan_version_year_range"
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.VALIDATED) | Q(validated_at__isnull=False),
                name="crisis_plan_validated_version_has_date",
            ),
        ]

    def __str__(self):
        return f"Plan de crise {self.year}"

    @property
    def cpts(self):
        return self.plan.cpts

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    def _loaded_status(self):
        return getattr(self, "_journal_loaded", {}).get("status", self.status)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            loaded = getattr(self, "_journal_loaded", {})
            changed = [name for name in self.CONTENT_FIELDS if name in loaded and getattr(self, name) != loaded[name]]
            # The stored state decides, not this copy's: the version may have been submitted since it was read.
            if changed and (
                self._loaded_status() in FROZEN_STATUSES
                or PlanVersion.objects.filter(pk=self.pk, status__in=FROZEN_STATUSES).exists()
            ):
                raise frozen_error()
        self.content = template.clean_content(self.content)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._loaded_status() in FROZEN_STATUSES:
            raise frozen_error()
        return super().delete(*args, **kwargs)

    def clean(self):
        if not YEAR_MIN <= (self.year or 0) <= YEAR_MAX:
            raise ValidationError({"year": f"Année : entre {YEAR_MIN} et {YEAR_MAX}."})

    # --- the template --------------------------------------------------------------------

    def missing_items(self) -> list[template.Missing]:
        return template.missing_items(self.content, self.professionals.count())

    @property
    def is_complete(self) -> bool:
        return not self.missing_items()

    def set_section(self, key: str, values: dict) -> None:
        """Replace one section's fields (unknown fields are dropped by the template)."""
        if self.is_frozen:
            raise frozen_error()
        if template.section(key) is None:
            raise ValidationError({"section": "Section : elle n'existe pas dans le modèle national."})
        content = template.clean_content(self.content)
        content[key] = template.clean_content({key: values})[key]
        self.content = content
        self.save()

    # --- transitions -------------------------------------------------------------------

    def _check(self, name: str, message: str) -> None:
        """Refuse a move the version's state does not allow, before any other check or write."""
        self.workflow.check(self, name, message=message)

    def submit(self, *, by):
        """Draft → submitted to the ARS and the CPAM, once the template is complete."""
        self._check("submit", "Soumission : seule une version en brouillon peut être soumise.")
        missing = self.missing_items()
        if missing:
            raise ValidationError(
                "Plan incomplet : il manque "
                + " ; ".join(str(item) for item in missing[:10])
                + (" …" if len(missing) > 10 else "")
                + "."
            )
        return self.workflow.run(
            self,
            "submit",
            by=by,
            changes={"submitted_at": timezone.now(), "submitted_by_id": by_id(by)},
            log={"comment": ""},
        )

    def validate(self, *, by, comment=""):
        """Submitted → validated (the authority's act; `services.validate_version` checks the role)."""
        self._check("validate", "Validation : seule une version soumise peut être validée.")
        return self.workflow.run(
            self,
            "validate",
            by=by,
            changes={"validated_at": timezone.now(), "validated_by_id": by_id(by)},
            log={"comment": (comment or "")[:COMMENT_MAX]},
        )

    def send_back(self, *, by, comment):
        """Submitted → draft again, with the authority's comments."""
        self._check("send_back", "Renvoi : seule une version soumise peut être renvoyée.")
        comment = (comment or "").strip()[:COMMENT_MAX]
        if not comment:
            raise ValidationError({"comment": "Remarques : dites à la CPTS ce qu'il faut reprendre."})
        return self.workflow.run(
            self,
            "send_back",
            by=by,
            changes={"submitted_at": None, "submitted_by_id": None},
            log={"comment": comment},
        )


class PlanEvent(TransitionLog):
    """One transition of a version: who, when, from → to, and the authority's comments."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="events", verbose_name="version du plan"
    )
    comment = models.TextField("remarques", blank=True)

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'une version du plan"
        verbose_name_plural = "étapes des versions du plan"
        ordering = ["version", "at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def is_send_back(self) -> bool:
        return self.from_status == PlanStatus.SUBMITTED and self.to_status == PlanStatus.DRAFT


def typologies_valid(value) -> bool:
    numbers = {typology.number for typology in template.TYPOLOGIES}
    return isinstance(value, list) and all(isinstance(item, int) and item in numbers for item in value)


class PlanProfessional(JournaledModel):
    """A member the plan counts on: the role given and the skills useful in a crisis."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="professionals", verbose_name="version du plan"
    )
    # A validated plan is an official document: the professional's record cannot go under it.
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="crisis_roles", verbose_name="professionnel de santé"
    )
    role = models.CharField("rôle dans le plan", max_length=ROLE_MAX)
    skills = models.TextField("compétences utiles en crise", blank=True)
    typologies = models.JSONField("typologies concernées", default=list, blank=True)

    class Meta:
        verbose_name = "professionnel mobilisable"
        verbose_name_plural = "professionnels mobilisables"
        ordering = ["version", "professional__last_name", "professional__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "professional"], name="one_plan_role_per_professional"),
        ]

    def __str__(self):
        return f"{self.professional} — {self.role}"

    def clean(self):
        if not self.role.strip():
            raise ValidationError({"role": "Rôle : précisez le rôle dans le plan."})
        if not typologies_valid(self.typologies):
            raise ValidationError({"typologies": "Typologies : choisissez parmi les typologies 1 à 5."})

    def save(self, *args, **kwargs):
        if PlanVersion.objects.filter(pk=self.version_id, status__in=FROZEN_STATUSES).exists():
            raise frozen_error()
        self.typologies = sorted(set(self.typologies or []))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if PlanVersion.objects.filter(pk=self.version_id, status__in=FROZEN_STATUSES).exists():
            raise frozen_error()
        return super().delete(*args, **kwargs)

    @property
    def skill_list(self) -> list[str]:
        return [skill.strip() for skill in self.skills.split(",") if skill.strip()]

    @property
    def typology_labels(self) -> str:
        return ", ".join(str(number) for number in self.typologies)


class ImprovementStatus(models.TextChoices):
    OPEN = "open", "À intégrer"
    INTEGRATED = "integrated", "Intégrée"


class PlanImprovement(JournaledModel):
    """An improvement action (from a RETEX, an exercise…) to take into the next version:
    open → integrated into a draft (`workflow`, logged in `PlanImprovementEvent`)."""

    plan = models.ForeignKey(
        CrisisPlan, on_delete=models.CASCADE, related_name="improvements", verbose_name="plan de crise"
    )
    text = models.TextField("action d'amélioration")
    source = models.CharField("origine", max_length=200)
    status = models.CharField(
        max_length=12, choices=ImprovementStatus.choices, default=ImprovementStatus.OPEN, verbose_name="état"
    )
    # Keep the action when the version or the accounts go.
    integrated_in = models.ForeignKey(
        PlanVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="integrated_improvements",
        verbose_name="intégrée dans la version",
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    integrated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="intégrée par"
    )
    integrated_at = models.DateTimeField(null=True, blank=True, verbose_name="intégrée le")

    workflow = Workflow(
        log="crisis.PlanImprovementEvent",
        log_fk="improvement",
        subject="Cette action d'amélioration",
        transitions=[Transition("integrate", source=ImprovementStatus.OPEN, target=ImprovementStatus.INTEGRATED)],
    )

    class Meta:
        verbose_name = "action d'amélioration du plan"
        verbose_name_plural = "actions d'amélioration du plan"
        ordering = ["plan", "status", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImprovementStatus.values), name="crisis_improvement_status_valid"
            ),
        ]

    def __str__(self):
        return f"Action d'amélioration ({self.get_status_display()})"

    def integrate(self, *, version, by):
        """Mark the action as taken into `version`, a draft of the same plan."""
        self.workflow.check(self, "integrate", message="Action d'amélioration : elle est déjà intégrée.")
        if version.plan_id != self.plan_id or not version.is_draft:
            raise ValidationError("Action d'amélioration : elle s'intègre dans la version en brouillon du plan.")
        return self.workflow.run(
            self,
            "integrate",
            by=by,
            note=f"version {version.year}",
            changes={"integrated_in_id": version.pk, "integrated_by_id": by_id(by), "integrated_at": timezone.now()},
        )


PlanImprovementEvent = transition_log(
    PlanImprovement, "étape d'une action d'amélioration", "étapes des actions d'amélioration"
)
