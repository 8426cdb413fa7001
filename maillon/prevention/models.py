"""Territorial prevention actions — mission 3.

The coordinator plans prevention actions (a theme of the catalogue, a target population, a
period, a budget, an owner), each measured against a baseline: a `Measure` names the rate it
should move (colorectal screening…), its baseline with source and date, a target, and yearly
`MeasureValue`s for the territory and for its département — typed with their source or
imported from the sources' open-data files (`imports.py`).

An action holds public sessions (workshops, stands, vaccination days…): people register on
the session's public page without an account; a full session puts them on a waiting list
that moves up when someone cancels:

    registration: confirmed ⇄ (waiting → confirmed) → cancelled
    session:      scheduled → held | cancelled

The seat count is one conditional UPDATE (`PublicSession.take_seat`), so two hundred people
registering at once for a hundred seats never overbook it, on SQLite as on PostgreSQL.
Registrants' names and addresses are purged after the session (`purge.py`): their age band,
sex and attendance stay, for the counts.
"""

import secrets
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from maillon.core import journal
from maillon.core.missions import PERINATAL_LABEL
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.uploads import MEGABYTE, check_document
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.governance.models import document_storage
from maillon.members.models import Membership
from maillon.territories.models import Commune, Departement

# Counts under this are shown as « < 6 », as Rézone and Santé publique France do.
SMALL_COUNT = 6


class Theme(models.TextChoices):
    VACCINATION = "vaccination", "Vaccination"
    BREAST_SCREENING = "breast_screening", "Dépistage du cancer du sein"
    CERVICAL_SCREENING = "cervical_screening", "Dépistage du cancer du col de l'utérus"
    COLORECTAL_SCREENING = "colorectal_screening", "Dépistage du cancer colorectal"
    ADDICTIONS = "addictions", "Addictions"
    IATROGENIC = "iatrogenic", "Risque iatrogène"
    AUTONOMY = "autonomy", "Perte d'autonomie"
    OBESITY = "obesity", "Obésité"
    FAMILY_VIOLENCE = "family_violence", "Violences intrafamiliales"
    SEXUAL_HEALTH = "sexual_health", "Santé sexuelle"
    ENVIRONMENT = "environment", "Santé-environnement"
    THERAPEUTIC_EDUCATION = "therapeutic_education", "Éducation thérapeutique"
    NUTRITION = "nutrition", "Nutrition et activité physique"
    MENTAL_HEALTH = "mental_health", "Santé mentale"
    OTHER = "other", "Autre thème"


class TargetSex(models.TextChoices):
    ALL = "all", "Tous"
    FEMALE = "female", "Femmes"
    MALE = "male", "Hommes"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    COMPLETED = "completed", "Terminée"
    CANCELLED = "cancelled", "Annulée"


class PreventionActionQuerySet(CptsOwnedQuerySet):
    def not_cancelled(self):
        return self.exclude(status=ActionStatus.CANCELLED)

    def overlapping(self, start, end):
        """Actions under way at some day of [start, end)."""
        return self.filter(starts_on__lt=end).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))


class PreventionAction(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="prevention_actions", verbose_name="CPTS")
    title = models.CharField("intitulé", max_length=200)
    theme = models.CharField("thème", max_length=30, choices=Theme.choices)
    description = models.TextField("description", blank=True)
    age_min = models.PositiveSmallIntegerField("âge minimal", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("âge maximal", null=True, blank=True)
    sex = models.CharField("public", max_length=10, choices=TargetSex.choices, default=TargetSex.ALL)
    # Empty: the whole territory.
    communes = models.ManyToManyField(Commune, blank=True, related_name="+", verbose_name="communes visées")
    partners = models.TextField("partenaires", blank=True)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin", null=True, blank=True)
    budget = models.DecimalField(
        "budget (€)", max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # The adherent in charge; the action stays when the membership ends.
    owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prevention_actions",
        verbose_name="responsable",
    )
    perinatal = models.BooleanField(PERINATAL_LABEL.lower(), default=False)
    health_project_action = models.CharField("action du projet de santé", max_length=200, blank=True)
    status = models.CharField("état", max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    created_at = models.DateTimeField("créée le", default=timezone.now)

    objects = PreventionActionQuerySet.as_manager()

    # What the coordination writes (pages and API), the communes aside (`save_with_communes`).
    EDITABLE = (
        "title",
        "theme",
        "description",
        "age_min",
        "age_max",
        "sex",
        "partners",
        "starts_on",
        "ends_on",
        "budget",
        "owner",
        "perinatal",
        "health_project_action",
    )

    workflow = Workflow(
        log="prevention.PreventionActionEvent",
        log_fk="action",
        subject="Cette action",
        final=[ActionStatus.COMPLETED, ActionStatus.CANCELLED],
        transitions=[
            Transition("complete", source=ActionStatus.PLANNED, target=ActionStatus.COMPLETED),
            Transition("cancel", source=ActionStatus.PLANNED, target=ActionStatus.CANCELLED),
        ],
    )

    class Meta:
        verbose_name = "action de prévention"
        verbose_name_plural = "actions de prévention"
        ordering = ["cpts", "-starts_on", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="prevention_action_period"
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_max__gte=F("age_min")),
                name="prevention_action_age_band",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "Fin : la date de fin doit suivre la date de début."
        if self.age_min is not None and self.age_max is not None and self.age_max < self.age_min:
            errors["age_max"] = "Âge maximal : il doit être supérieur ou égal à l'âge minimal."
        if self.owner_id and self.cpts_id and self.owner.cpts_id != self.cpts_id:
            errors["owner"] = "Responsable : choisissez un adhérent de la CPTS."
        if errors:
            raise ValidationError(errors)

    @property
    def age_band_label(self) -> str:
        if self.age_min is not None and self.age_max is not None:
            return f"{self.age_min} à {self.age_max} ans"
        if self.age_min is not None:
            return f"{self.age_min} ans et plus"
        if self.age_max is not None:
            return f"jusqu'à {self.age_max} ans"
        return "tous âges"

    @transaction.atomic
    def save_with_communes(self, communes=None) -> None:
        """Check and save, with the communes aimed at when given; the journal names `communes`
        when they change (a many-to-many is no column the journal sees)."""
        self.full_clean()
        creating = self._state.adding
        self.save()
        if communes is None:
            return
        before = set() if creating else set(self.communes.values_list("pk", flat=True))
        self.communes.set(communes)
        if {commune.pk for commune in communes} != before:
            journal.record(journal.Action.UPDATE, self, fields=["communes"])

    @transaction.atomic
    def complete(self, *, by, note=""):
        self.workflow.run(self, "complete", by=by, note=note)

    @transaction.atomic
    def cancel(self, *, by, note=""):
        self.workflow.run(self, "cancel", by=by, note=note)


PreventionActionEvent = transition_log(
    PreventionAction, "changement d'état d'une action de prévention", "changements d'état des actions de prévention"
)


# --- Measures: baseline, target, yearly values ---------------------------------------------


class MeasureSource(models.TextChoices):
    REZONE = "rezone", "Rézone CPTS (Assurance Maladie)"
    ODISSE = "odisse", "Odissé (Santé publique France)"
    AMELI = "ameli", "Open data de l'Assurance Maladie"
    OTHER = "other", "Autre source"


class MeasureKind(models.TextChoices):
    """The rates the sources publish; `custom` for any other the coordinator names."""

    COLORECTAL_SCREENING = "colorectal_screening", "Taux de participation au dépistage du cancer colorectal"
    BREAST_SCREENING = "breast_screening", "Taux de participation au dépistage du cancer du sein"
    CERVICAL_SCREENING = "cervical_screening", "Taux de dépistage du cancer du col de l'utérus"
    FLU_VACCINATION = "flu_vaccination", "Couverture vaccinale contre la grippe (65 ans et plus)"
    HPV_VACCINATION = "hpv_vaccination", "Couverture vaccinale contre les papillomavirus (HPV)"
    MEASLES_VACCINATION = "measles_vaccination", "Couverture vaccinale ROR (2 doses à 24 mois)"
    CUSTOM = "custom", "Autre mesure"


class Scope(models.TextChoices):
    TERRITORY = "territory", "Territoire de la CPTS"
    DEPARTEMENT = "departement", "Département"


class MeasureQuerySet(CptsOwnedQuerySet):
    pass


class Measure(JournaledModel):
    """What an action should move, measured before (baseline) and each year after."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="prevention_measures", verbose_name="CPTS")
    action = models.ForeignKey(
        PreventionAction, on_delete=models.CASCADE, related_name="measures", verbose_name="action"
    )
    kind = models.CharField("mesure", max_length=30, choices=MeasureKind.choices)
    name = models.CharField("intitulé", max_length=200, blank=True)
    unit = models.CharField("unité", max_length=20, default="%")
    baseline_value = models.DecimalField("valeur de référence", max_digits=9, decimal_places=2)
    baseline_source = models.CharField("source de la référence", max_length=10, choices=MeasureSource.choices)
    baseline_on = models.DateField("date de la référence")
    target_value = models.DecimalField("cible", max_digits=9, decimal_places=2, null=True, blank=True)
    # The département the territory is compared with (the one holding most of its communes).
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département de comparaison",
    )

    objects = MeasureQuerySet.as_manager()

    # What the coordination writes (pages and API), the action aside.
    EDITABLE = (
        "kind",
        "name",
        "unit",
        "baseline_value",
        "baseline_source",
        "baseline_on",
        "target_value",
        "departement",
    )

    class Meta:
        verbose_name = "mesure d'une action"
        verbose_name_plural = "mesures des actions"
        ordering = ["action", "pk"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.name or self.get_kind_display()


class MeasureValue(JournaledModel):
    """One year's value of a measure, for the territory or its département. `value` is empty
    when the source hides it (fewer than 6 people counted)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values", verbose_name="mesure")
    year = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2000)])
    scope = models.CharField("périmètre", max_length=12, choices=Scope.choices, default=Scope.TERRITORY)
    value = models.DecimalField("valeur", max_digits=9, decimal_places=2, null=True, blank=True)
    numerator = models.PositiveIntegerField("personnes concernées", null=True, blank=True)
    denominator = models.PositiveIntegerField("population cible", null=True, blank=True)
    source = models.CharField("source", max_length=10, choices=MeasureSource.choices)
    source_on = models.DateField("date de la source", null=True, blank=True)
    note = models.CharField("commentaire", max_length=300, blank=True)
    imported = models.BooleanField("importée", default=False)
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )
    entered_at = models.DateTimeField("saisie le", default=timezone.now)

    class Meta:
        verbose_name = "valeur d'une mesure"
        verbose_name_plural = "valeurs des mesures"
        ordering = ["measure", "year", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year", "scope"], name="one_value_per_measure_year_scope")
        ]

    def __str__(self):
        return f"{self.measure} — {self.year}"

    @property
    def hidden(self) -> bool:
        """Secret as the sources keep it: a count under 6, or no value given."""
        return self.value is None or (self.numerator is not None and self.numerator < SMALL_COUNT)


# --- Public sessions -----------------------------------------------------------------------


class SessionKind(models.TextChoices):
    WORKSHOP = "workshop", "Atelier"
    STAND = "stand", "Stand"
    SCHOOL = "school", "Intervention en milieu scolaire"
    WEBINAR = "webinar", "Webinaire"
    VACCINATION_DAY = "vaccination_day", "Journée de vaccination"
    TALK = "talk", "Conférence"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Programmée"
    HELD = "held", "Tenue"
    CANCELLED = "cancelled", "Annulée"


class PublicSessionQuerySet(CptsOwnedQuerySet):
    def upcoming(self, now=None):
        return self.filter(status=SessionStatus.SCHEDULED, starts_at__gte=now or timezone.now())

    def published(self):
        """Sessions with a public page."""
        return self.filter(public=True)


class PublicSession(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="public_sessions", verbose_name="CPTS")
    action = models.ForeignKey(
        PreventionAction, on_delete=models.CASCADE, related_name="sessions", verbose_name="action"
    )
    kind = models.CharField("type de séance", max_length=20, choices=SessionKind.choices)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    place = models.CharField("lieu", max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="commune"
    )
    online_url = models.URLField("lien de connexion", blank=True)
    # No capacity: no registration (a stand people walk up to).
    capacity = models.PositiveIntegerField("places", null=True, blank=True, validators=[MinValueValidator(1)])
    seats_taken = models.PositiveIntegerField("places prises", default=0)
    public = models.BooleanField("page publique", default=True)
    status = models.CharField("état", max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    # Bumped when the date, the place or the link changes: the .ics's SEQUENCE (calendars update).
    sequence = models.PositiveIntegerField("version du rendez-vous", default=0)
    reminders_queued_at = models.DateTimeField("rappels envoyés le", null=True, blank=True)
    purged_at = models.DateTimeField("données des inscrits effacées le", null=True, blank=True)

    objects = PublicSessionQuerySet.as_manager()

    # What the coordination writes (pages and API), the action aside.
    EDITABLE = (
        "kind",
        "title",
        "description",
        "starts_at",
        "ends_at",
        "place",
        "commune",
        "online_url",
        "capacity",
        "public",
    )

    workflow = Workflow(
        log="prevention.PublicSessionEvent",
        log_fk="session",
        subject="Cette séance",
        final=[SessionStatus.HELD, SessionStatus.CANCELLED],
        transitions=[
            Transition("mark_held", source=SessionStatus.SCHEDULED, target=SessionStatus.HELD),
            Transition("cancel", source=SessionStatus.SCHEDULED, target=SessionStatus.CANCELLED),
        ],
    )

    class Meta:
        verbose_name = "séance publique"
        verbose_name_plural = "séances publiques"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="public_session_period"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="public_session_not_overbooked",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The seat count moves only by its conditional UPDATEs: an edit of the session made from
        # a copy read earlier must not write an old count back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name not in ("status", "seats_taken")
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "Fin : la séance doit finir après son début."
        if self.capacity is not None and self.capacity < self.seats_taken:
            errors["capacity"] = (
                f"Places : {self.seats_taken} personnes sont déjà inscrites ; "
                "annulez des inscriptions avant de réduire le nombre de places."
            )
        if self.action_id and self.cpts_id and self.action.cpts_id != self.cpts_id:
            errors["action"] = "Action : choisissez une action de la CPTS."
        if errors:
            raise ValidationError(errors)

    @property
    def takes_registrations(self) -> bool:
        return self.capacity is not None

    @property
    def is_open(self) -> bool:
        """Whether people may register now: scheduled, with seats declared, not begun."""
        return self.takes_registrations and self.status == SessionStatus.SCHEDULED and self.starts_at > timezone.now()

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.place

    def take_seat(self) -> bool:
        """One seat, if one is left and the session still to come: a conditional UPDATE, so
        concurrent registrations never take more seats than there are."""
        taken = PublicSession.objects.filter(
            pk=self.pk,
            status=SessionStatus.SCHEDULED,
            starts_at__gt=timezone.now(),
            seats_taken__lt=F("capacity"),
        ).update(seats_taken=F("seats_taken") + 1)
        return bool(taken)

    def free_seat(self) -> None:
        PublicSession.objects.filter(pk=self.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)

    @transaction.atomic
    def mark_held(self, *, by, note=""):
        if self.starts_at > timezone.now():
            raise ValidationError({"status": "Cette séance n'a pas encore commencé."})
        self.workflow.run(self, "mark_held", by=by, note=note)

    @transaction.atomic
    def cancel(self, *, by, note=""):
        self.workflow.run(self, "cancel", by=by, note=note)


PublicSessionEvent = transition_log(
    PublicSession, "changement d'état d'une séance publique", "changements d'état des séances publiques"
)


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", "Moins de 18 ans"
    FROM_18 = "18-24", "18 à 24 ans"
    FROM_25 = "25-49", "25 à 49 ans"
    FROM_50 = "50-74", "50 à 74 ans"
    FROM_75 = "75+", "75 ans et plus"
    UNKNOWN = "unknown", "Non précisé"


class Sex(models.TextChoices):
    FEMALE = "female", "Femme"
    MALE = "male", "Homme"
    UNKNOWN = "unknown", "Non précisé"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Inscrite"
    WAITING = "waiting", "En liste d'attente"
    CANCELLED = "cancelled", "Annulée"


def new_registration_token() -> str:
    """A secret of the cancellation link; it starts with a digit so that the request log always
    masks it (`core.logs` masks long segments mixing letters and digits)."""
    return f"{secrets.randbelow(10)}{secrets.token_urlsafe(24)}"


class RegistrationQuerySet(models.QuerySet):
    def for_cpts(self, cpts):
        return self.filter(session__cpts=cpts)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        return self.filter(status=RegistrationStatus.WAITING).order_by("registered_at", "pk")


class Registration(JournaledModel):
    """One person registered for a session. Name and contact are emptied by the purge; the
    age band, sex and attendance stay for the counts."""

    session = models.ForeignKey(
        PublicSession, on_delete=models.CASCADE, related_name="registrations", verbose_name="séance"
    )
    first_name = models.CharField("prénom", max_length=100, blank=True)
    last_name = models.CharField("nom", max_length=100, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    age_band = models.CharField("tranche d'âge", max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    sex = models.CharField("sexe", max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    status = models.CharField("état", max_length=20, choices=RegistrationStatus.choices)
    # The secret of the person's cancellation link (never logged, never in a task's arguments).
    token = models.CharField("jeton", max_length=64, unique=True, default=new_registration_token, editable=False)
    registered_at = models.DateTimeField("inscrite le", default=timezone.now)
    attended = models.BooleanField("présente", null=True, blank=True)
    reminded_at = models.DateTimeField("rappel envoyé le", null=True, blank=True)
    purged = models.BooleanField("données personnelles effacées", default=False)

    objects = RegistrationQuerySet.as_manager()

    workflow = Workflow(
        log="prevention.RegistrationEvent",
        subject="Cette inscription",
        final=[RegistrationStatus.CANCELLED],
        transitions=[
            Transition("promote", source=RegistrationStatus.WAITING, target=RegistrationStatus.CONFIRMED),
            Transition(
                "cancel",
                source=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING],
                target=RegistrationStatus.CANCELLED,
            ),
        ],
    )

    class Meta:
        verbose_name = "inscription à une séance"
        verbose_name_plural = "inscriptions aux séances"
        ordering = ["session", "registered_at", "pk"]
        indexes = [models.Index(fields=["session", "status", "registered_at"])]

    def __str__(self):
        return f"Inscription n° {self.pk}"


RegistrationEvent = transition_log(
    Registration, "changement d'état d'une inscription", "changements d'état des inscriptions"
)


class WalkInCount(models.Model):
    """People who came without registering (a stand, a vaccination day), counted on the
    attendance sheet by age band and sex."""

    session = models.ForeignKey(PublicSession, on_delete=models.CASCADE, related_name="walk_ins", verbose_name="séance")
    age_band = models.CharField("tranche d'âge", max_length=10, choices=AgeBand.choices)
    sex = models.CharField("sexe", max_length=10, choices=Sex.choices)
    count = models.PositiveIntegerField("personnes", default=0)

    class Meta:
        verbose_name = "participants sans inscription"
        verbose_name_plural = "participants sans inscription"
        ordering = ["session", "age_band", "sex"]
        constraints = [
            models.UniqueConstraint(fields=["session", "age_band", "sex"], name="one_walk_in_count_per_band")
        ]

    def __str__(self):
        return f"{self.session} — {self.get_age_band_display()}, {self.get_sex_display()}"


# --- Materials -----------------------------------------------------------------------------

MAX_MATERIAL_BYTES = 20 * MEGABYTE
MATERIAL_SIGNATURES = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}
MATERIAL_CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def validate_material_file(upload):
    check_document(
        upload,
        label="Fichier",
        signatures=MATERIAL_SIGNATURES,
        formats="seuls les fichiers PDF (.pdf), PNG (.png) et JPEG (.jpg) sont acceptés.",
        max_bytes=MAX_MATERIAL_BYTES,
    )


class MaterialKind(models.TextChoices):
    FLYER = "flyer", "Flyer"
    POSTER = "poster", "Affiche"
    GUIDE = "guide", "Guide"
    SLIDES = "slides", "Support de présentation"
    OTHER = "other", "Autre document"


class Material(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="prevention_materials", verbose_name="CPTS")
    action = models.ForeignKey(
        PreventionAction, on_delete=models.CASCADE, related_name="materials", verbose_name="action"
    )
    title = models.CharField("titre", max_length=200)
    kind = models.CharField("type", max_length=10, choices=MaterialKind.choices)
    # Public: downloadable from the session pages of the action.
    public = models.BooleanField("diffusable au public", default=False)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "support de prévention"
        verbose_name_plural = "supports de prévention"
        ordering = ["action", "title"]

    def __str__(self):
        return self.title

    def add_version(self, *, file, note="", by=None):
        """The next version, numbered 1, 2, 3… (row lock + unique constraint)."""
        validate_material_file(file)
        with transaction.atomic():
            Material.objects.select_for_update().filter(pk=self.pk).first()
            last = self.versions.aggregate(last=Max("number"))["last"] or 0
            return MaterialVersion.objects.create(material=self, number=last + 1, file=file, note=note, uploaded_by=by)


class MaterialVersion(JournaledModel):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions", verbose_name="support")
    number = models.PositiveIntegerField("version")
    file = models.FileField(
        "fichier", upload_to="prevention/%Y/", storage=document_storage, validators=[validate_material_file]
    )
    note = models.CharField("ce qui change", max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="déposée par"
    )
    uploaded_at = models.DateTimeField("déposée le", default=timezone.now)

    class Meta:
        verbose_name = "version d'un support"
        verbose_name_plural = "versions des supports"
        ordering = ["material", "-number"]
        constraints = [models.UniqueConstraint(fields=["material", "number"], name="one_number_per_material_version")]

    def __str__(self):
        return f"{self.material} — version {self.number}"

    @property
    def extension(self) -> str:
        return Path(self.file.name).suffix.lower()

    @property
    def download_name(self) -> str:
        return f"{self.material.title} - version {self.number}{self.extension}"
