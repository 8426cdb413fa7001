"""Support for professionals — mission 6 (« accompagnement des professionnels de santé »).

What a CPTS does to bring professionals to its territory and keep them there:

- **trainees**: its training supervisors (`Supervisor`, « maîtres de stage » with their
  accreditation and how many trainees they take each semester), the placements they offer
  (`Placement`) and the applications made without an account (`PlacementApplication`), the
  housing lent to trainees (`Housing`) and its bookings (`HousingBooking`, never more nights
  booked than rooms):

      placement:   open → filled ; open | filled → cancelled
      application: received → accepted | declined

- **installation**: the projects of professionals who want to settle (`InstallationProject`),
  followed step by step (`InstallationStep`: premises, administrative steps, patient base,
  colleagues met): open → settled | abandoned
- **ads** (`Ad`) published by members and coordinators, moderated by the coordinators, each
  stamped when read with the CPTS whose current territory holds its commune:

      submitted → published | refused ; published → filled ; submitted | published → withdrawn

- **peer help**: tutoring pairs (`Tutoring`: active → ended), cross-trainings (`CrossTraining`,
  each a meeting) and shared equipment (`Equipment`) booked without overlap (`EquipmentBooking`);
- **the public page** of the CPTS, edited by the coordinator (`PublicSite`).
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, Workflow, transition_log
from maillon.meetings.models import Meeting
from maillon.members.models import Membership, MembershipStatus
from maillon.members.professions import Profession
from maillon.territories.models import Commune

MAX_PLACEMENT_DAYS = 366
MAX_HOUSING_NIGHTS = 366
MAX_EQUIPMENT_DAYS = 14
MAX_AD_DAYS = 365


def _tell_on_commit(task_name: str, pk: int) -> None:
    """Queue a message of `notifications` once the transaction commits (imported here: the
    notifications module reads these models)."""
    from maillon.core.notifications import sending

    from . import notifications

    sending.on_commit(getattr(notifications, task_name), pk)


def _required_text(errors: dict, field: str, label: str, value: str) -> None:
    if not (value or "").strip():
        errors[field] = f"{label} : ce champ est obligatoire."


def _check_period(errors: dict, start, end, *, start_field, end_field, label, max_days=None) -> None:
    if start and end:
        if end <= start:
            errors[end_field] = f"{label} : la fin doit suivre le début."
        elif max_days and (end - start).days > max_days:
            errors[end_field] = f"{label} : pas plus de {max_days} jours."


def _check_same_cpts(errors: dict, owner, field: str, label: str, related) -> None:
    if related is not None and related.cpts_id != owner.cpts_id:
        errors[field] = f"{label} : choisissez dans la CPTS."


def _check_professional_adhesion(errors: dict, owner, field: str, label: str, membership) -> None:
    """An active adhesion of a professional of the owner's CPTS."""
    if membership is None:
        return
    if membership.cpts_id != owner.cpts_id:
        errors[field] = f"{label} : choisissez un adhérent de la CPTS."
    elif membership.professional_id is None or membership.status != MembershipStatus.ACTIVE:
        errors[field] = f"{label} : choisissez un professionnel adhérent (adhésion active)."


# --- Trainees ----------------------------------------------------------------------------------


class TraineeLevel(models.TextChoices):
    EXTERNAL = "external", "Externe (2e cycle)"
    INTERN = "intern", "Interne"
    JUNIOR_DOCTOR = "junior_doctor", "Docteur junior (4e année de médecine générale)"
    PARAMEDICAL = "paramedical", "Étudiant paramédical"
    PHARMACY = "pharmacy", "Étudiant en pharmacie"
    OTHER = "other", "Autre stagiaire"


class SupervisorQuerySet(CptsOwnedQuerySet):
    def available(self):
        return self.filter(active=True)


class Supervisor(JournaledModel):
    """A training supervisor (« maître de stage ») among the CPTS's adherents."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="supervisors", verbose_name="CPTS")
    # Adhesions are never deleted (their states keep the history): protect the supervisor's.
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="supervisor_roles", verbose_name="adhérent"
    )
    levels = models.JSONField("stagiaires accueillis", default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        "stagiaires par semestre", default=1, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    accreditation_number = models.CharField("numéro d'agrément", max_length=50, blank=True)
    accredited_by = models.CharField(
        "agrément donné par", max_length=200, blank=True, help_text="Faculté, ARS ou institut de formation."
    )
    accredited_until = models.DateField("agrément valable jusqu'au", null=True, blank=True)
    active = models.BooleanField("accueille des stagiaires", default=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    objects = SupervisorQuerySet.as_manager()

    class Meta:
        verbose_name = "maître de stage"
        verbose_name_plural = "maîtres de stage"
        ordering = ["cpts", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cpts", "membership"], name="support_one_supervisor_per_adhesion")
        ]

    def __str__(self):
        return self.name

    @property
    def professional(self):
        return self.membership.professional

    @property
    def name(self) -> str:
        professional = self.professional
        return f"{professional.first_name} {professional.last_name}" if professional else str(self.membership)

    @property
    def profession_label(self) -> str:
        professional = self.professional
        return professional.get_profession_display() if professional else ""

    @property
    def level_labels(self) -> list[str]:
        return [TraineeLevel(level).label for level in self.levels if level in TraineeLevel.values]

    def is_accredited_on(self, day) -> bool:
        return self.accredited_until is None or self.accredited_until >= day

    def most_at_once(self, start, end, *, extra: int = 0) -> tuple[int, datetime.date | None]:
        """(the most trainees at once on a day of [start, end] (both included), counting `extra`
        more each day, and the first day it is reached). Day by day: two externs one after the
        other and an intern over both are two at once, not three."""
        placements = Placement.objects.filter(supervisor=self).overlapping(start, end)
        events = defaultdict(int)
        for starts_on, ends_on in placements.values_list("starts_on", "ends_on"):
            events[max(starts_on, start)] += 1
            events[ends_on + datetime.timedelta(days=1)] -= 1
        most, first_day, running = extra if start <= end else 0, start, extra
        for day in sorted(events):
            if day > end:
                break
            running += events[day]
            if running > most:
                most, first_day = running, day
        return most, first_day

    def first_full_day(self, start, end) -> datetime.date | None:
        """The first day of [start, end] when one more trainee would exceed the capacity."""
        most, day = self.most_at_once(start, end, extra=1)
        return day if most > self.capacity else None

    def clean(self):
        errors = {}
        _check_professional_adhesion(
            errors, self, "membership", "Adhérent", self.membership if self.membership_id else None
        )
        if not isinstance(self.levels, list) or not self.levels:
            errors["levels"] = "Stagiaires accueillis : cochez au moins un niveau."
        elif any(level not in TraineeLevel.values for level in self.levels):
            errors["levels"] = "Stagiaires accueillis : un niveau n'est pas dans la liste."
        if self.pk and self.capacity:
            # A capacity lowered under the placements to come: refused, naming the day.
            today = timezone.localdate()
            most, day = self.most_at_once(today, today + datetime.timedelta(days=3 * MAX_PLACEMENT_DAYS))
            if most > self.capacity:
                errors["capacity"] = (
                    f"Stagiaires par semestre : {most} stagiaires sont déjà prévus à la fois le {day:%d/%m/%Y}."
                )
        if errors:
            raise ValidationError(errors)


class PlacementStatus(models.TextChoices):
    OPEN = "open", "Ouvert aux candidatures"
    FILLED = "filled", "Pourvu"
    CANCELLED = "cancelled", "Annulé"


class PlacementQuerySet(CptsOwnedQuerySet):
    def open_to_applications(self, on=None):
        return self.filter(status=PlacementStatus.OPEN, ends_on__gte=on or timezone.localdate())

    def overlapping(self, start, end):
        """Placements that share a day with [start, end] (both inclusive), not cancelled."""
        return self.exclude(status=PlacementStatus.CANCELLED).filter(starts_on__lte=end, ends_on__gte=start)

    def hosted_in(self, start, end):
        """Filled placements that share a day with the period [start, end)."""
        return self.filter(status=PlacementStatus.FILLED, starts_on__lt=end, ends_on__gte=start)


class Placement(JournaledModel):
    """A training placement a supervisor offers for a period (a semester, usually)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="placements", verbose_name="CPTS")
    supervisor = models.ForeignKey(
        Supervisor, on_delete=models.PROTECT, related_name="placements", verbose_name="maître de stage"
    )
    level = models.CharField("niveau", max_length=20, choices=TraineeLevel.choices)
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    description = models.TextField(
        "présentation du stage", blank=True, help_text="Lieu d'exercice, activité, ce que le stagiaire y apprendra."
    )
    status = models.CharField("état", max_length=10, choices=PlacementStatus.choices, default=PlacementStatus.OPEN)
    trainee_name = models.CharField("stagiaire", max_length=200, blank=True)
    trainee_school = models.CharField("faculté ou école", max_length=200, blank=True)
    trainee_email = models.EmailField("courriel du stagiaire", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    objects = PlacementQuerySet.as_manager()

    workflow = Workflow(
        log="support.PlacementEvent",
        log_fk="placement",
        subject="Ce stage",
        final=[PlacementStatus.CANCELLED],
        transitions=[
            Transition("fill", source=PlacementStatus.OPEN, target=PlacementStatus.FILLED),
            Transition(
                "cancel", source=[PlacementStatus.OPEN, PlacementStatus.FILLED], target=PlacementStatus.CANCELLED
            ),
        ],
    )

    class Meta:
        verbose_name = "stage"
        verbose_name_plural = "stages"
        ordering = ["cpts", "starts_on", "pk"]
        indexes = [models.Index(fields=["cpts", "status", "ends_on"])]

    def __str__(self):
        return f"Stage {self.get_level_display().lower()} du {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"

    def clean(self):
        errors = {}
        _check_period(
            errors,
            self.starts_on,
            self.ends_on,
            start_field="starts_on",
            end_field="ends_on",
            label="Période du stage",
            max_days=MAX_PLACEMENT_DAYS,
        )
        if self.supervisor_id:
            _check_same_cpts(errors, self, "supervisor", "Maître de stage", self.supervisor)
            if "supervisor" not in errors and self.level and self.level not in self.supervisor.levels:
                errors["level"] = "Niveau : ce maître de stage n'accueille pas ce niveau de stagiaire."
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def fill(self, *, by, trainee_name, trainee_school="", trainee_email=""):
        if not (trainee_name or "").strip():
            raise ValidationError({"trainee_name": "Stagiaire : donnez son nom."})
        changes = {
            "trainee_name": trainee_name.strip()[:200],
            "trainee_school": (trainee_school or "").strip()[:200],
            "trainee_email": (trainee_email or "").strip(),
        }
        self.workflow.run(self, "fill", by=by, changes=changes)

    @property
    def is_open_to_applications(self) -> bool:
        return self.status == PlacementStatus.OPEN and self.ends_on >= timezone.localdate()

    @transaction.atomic
    def cancel(self, *, by, note=""):
        """Cancel; the applications still waiting are declined (« Stage annulé ») and told."""
        self.workflow.run(self, "cancel", by=by, note=note)
        for application in self.applications.received():
            application.workflow.run(
                application, "decline", by=by, note="Stage annulé", changes={"decided_at": timezone.now()}
            )
            _tell_on_commit("send_application_decided", application.pk)


PlacementEvent = transition_log(Placement, "changement d'état d'un stage", "changements d'état des stages")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", "Reçue"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Déclinée"


class PlacementApplicationQuerySet(CptsOwnedQuerySet):
    def received(self):
        return self.filter(status=ApplicationStatus.RECEIVED)


class PlacementApplication(JournaledModel):
    """An application to a placement (or a spontaneous one, without placement), sent from the
    public page « Faire son stage ici » without an account."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="placement_applications", verbose_name="CPTS")
    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, null=True, blank=True, related_name="applications", verbose_name="stage"
    )
    first_name = models.CharField("prénom", max_length=100, blank=True)
    last_name = models.CharField("nom", max_length=100, blank=True)
    email = models.EmailField("courriel")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    school = models.CharField("faculté ou école", max_length=200, blank=True)
    level = models.CharField("niveau", max_length=20, choices=TraineeLevel.choices)
    wished_period = models.CharField("période souhaitée", max_length=200, blank=True)
    message = models.TextField("message", max_length=3000, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED
    )
    submitted_at = models.DateTimeField("reçue le", default=timezone.now)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)

    objects = PlacementApplicationQuerySet.as_manager()

    workflow = Workflow(
        log="support.PlacementApplicationEvent",
        log_fk="application",
        subject="Cette candidature",
        final=[ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED],
        transitions=[
            Transition("accept", source=ApplicationStatus.RECEIVED, target=ApplicationStatus.ACCEPTED),
            Transition("decline", source=ApplicationStatus.RECEIVED, target=ApplicationStatus.DECLINED),
        ],
    )

    class Meta:
        verbose_name = "candidature à un stage"
        verbose_name_plural = "candidatures aux stages"
        ordering = ["cpts", "-submitted_at", "pk"]
        indexes = [models.Index(fields=["cpts", "status"])]

    def __str__(self):
        return f"Candidature n° {self.pk}"

    @property
    def applicant_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        errors = {}
        _required_text(errors, "first_name", "Prénom", self.first_name)
        _required_text(errors, "last_name", "Nom", self.last_name)
        _required_text(errors, "school", "Faculté ou école", self.school)
        if self.placement_id:
            _check_same_cpts(errors, self, "placement", "Stage", self.placement)
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def accept(self, *, by, placement=None):
        """Accept: the placement (its own, or the one given for a spontaneous application) is
        filled with the applicant; the other applications it received are declined."""
        self.workflow.check(self, "accept")  # its own state first: « Cette candidature est « Acceptée » »
        placement = placement or self.placement
        if placement is None:
            raise ValidationError({"placement": "Stage : choisissez le stage proposé à ce candidat."})
        if placement.cpts_id != self.cpts_id:
            raise ValidationError({"placement": "Stage : choisissez un stage de la CPTS."})
        if placement.level != self.level:
            raise ValidationError(
                {
                    "placement": f"Stage : ce stage est pour un autre niveau ({placement.get_level_display().lower()}) "
                    f"que celui du candidat ({self.get_level_display().lower()})."
                }
            )
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        placement.fill(by=by, trainee_name=self.applicant_name, trainee_school=self.school, trainee_email=self.email)
        self.workflow.run(self, "accept", by=by, changes={"placement": placement, "decided_at": timezone.now()})
        _tell_on_commit("send_application_decided", self.pk)
        for other in placement.applications.received().exclude(pk=self.pk):
            other.workflow.run(other, "decline", by=by, note="Stage pourvu", changes={"decided_at": timezone.now()})
            _tell_on_commit("send_application_decided", other.pk)

    @transaction.atomic
    def decline(self, *, by, note=""):
        self.workflow.run(self, "decline", by=by, note=note, changes={"decided_at": timezone.now()})
        _tell_on_commit("send_application_decided", self.pk)


PlacementApplicationEvent = transition_log(
    PlacementApplication, "changement d'état d'une candidature", "changements d'état des candidatures"
)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Réservée"
    CANCELLED = "cancelled", "Annulée"


def booking_workflow(log: str, log_fk: str, subject: str) -> Workflow:
    return Workflow(
        log=log,
        log_fk=log_fk,
        subject=subject,
        final=[BookingStatus.CANCELLED],
        transitions=[Transition("cancel", source=BookingStatus.BOOKED, target=BookingStatus.CANCELLED)],
    )


class HousingQuerySet(CptsOwnedQuerySet):
    def available(self):
        return self.filter(active=True)


class Housing(JournaledModel):
    """Housing lent to trainees (a flat of the town hall, rooms of a hospital…)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="housing", verbose_name="CPTS")
    name = models.CharField("nom", max_length=200)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    address = models.CharField("adresse", max_length=300, blank=True)
    rooms = models.PositiveSmallIntegerField(
        "chambres", default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    description = models.TextField("description", blank=True)
    host = models.CharField("mis à disposition par", max_length=200, blank=True)
    contact = models.CharField("contact", max_length=300, blank=True)
    monthly_rent = models.DecimalField(
        "loyer mensuel (€)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    active = models.BooleanField("proposé aux stagiaires", default=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    objects = HousingQuerySet.as_manager()

    class Meta:
        verbose_name = "logement"
        verbose_name_plural = "logements"
        ordering = ["cpts", "name", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk and self.rooms:
            # Rooms taken away under the bookings to come: refused, naming the night.
            today = timezone.localdate()
            last = self.bookings.filter(status=BookingStatus.BOOKED).aggregate(last=models.Max("leaves_on"))["last"]
            if last and last > today:
                taken = self.occupancy(today, last)
                full = [night for night, booked in taken.items() if booked > self.rooms]
                if full:
                    night = full[0]
                    raise ValidationError(
                        {"rooms": f"Chambres : {taken[night]} sont déjà réservées la nuit du {night:%d/%m/%Y}."}
                    )

    def occupancy(self, start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
        """Rooms booked each night of [start, end)."""
        return nights_booked([self.pk], start, end)[self.pk]

    def free_rooms(self, start: datetime.date, end: datetime.date) -> dict[datetime.date, int]:
        return {night: max(self.rooms - booked, 0) for night, booked in self.occupancy(start, end).items()}


def nights_booked(housing_ids, start: datetime.date, end: datetime.date) -> dict[int, dict]:
    """{housing id: {night: rooms booked}} over the nights of [start, end), in one query for all."""
    nights = [start + datetime.timedelta(days=n) for n in range(max((end - start).days, 0))]
    booked = {pk: dict.fromkeys(nights, 0) for pk in housing_ids}
    bookings = HousingBooking.objects.filter(
        housing_id__in=list(booked), status=BookingStatus.BOOKED, arrives_on__lt=end, leaves_on__gt=start
    )
    for housing_id, arrives_on, leaves_on in bookings.values_list("housing_id", "arrives_on", "leaves_on"):
        night = max(arrives_on, start)
        while night < min(leaves_on, end):
            booked[housing_id][night] += 1
            night += datetime.timedelta(days=1)
    return booked


class HousingBookingQuerySet(CptsOwnedQuerySet):
    def booked(self):
        return self.filter(status=BookingStatus.BOOKED)


class HousingBooking(JournaledModel):
    """Nights of one room of a housing: from the arrival day to the departure day (excluded)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="housing_bookings", verbose_name="CPTS")
    housing = models.ForeignKey(Housing, on_delete=models.CASCADE, related_name="bookings", verbose_name="logement")
    arrives_on = models.DateField("arrivée le")
    leaves_on = models.DateField("départ le")
    occupant_name = models.CharField("occupant", max_length=200, blank=True)
    # The booking stays when its placement is cancelled and removed.
    placement = models.ForeignKey(
        Placement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="housing_bookings",
        verbose_name="stage",
    )
    note = models.CharField("note", max_length=300, blank=True)
    status = models.CharField("état", max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_at = models.DateTimeField("réservé le", default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="réservé par"
    )

    objects = HousingBookingQuerySet.as_manager()

    workflow = booking_workflow("support.HousingBookingEvent", "booking", "Cette réservation")

    class Meta:
        verbose_name = "réservation de logement"
        verbose_name_plural = "réservations de logement"
        ordering = ["housing", "arrives_on", "pk"]
        indexes = [models.Index(fields=["housing", "status", "arrives_on"])]

    def __str__(self):
        return f"Réservation n° {self.pk}"

    def clean(self):
        errors = {}
        _required_text(errors, "occupant_name", "Occupant", self.occupant_name)
        _check_period(
            errors,
            self.arrives_on,
            self.leaves_on,
            start_field="arrives_on",
            end_field="leaves_on",
            label="Séjour",
            max_days=MAX_HOUSING_NIGHTS,
        )
        if self.placement_id:
            _check_same_cpts(errors, self, "placement", "Stage", self.placement)
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def cancel(self, *, by, note=""):
        self.workflow.run(self, "cancel", by=by, note=note)


HousingBookingEvent = transition_log(
    HousingBooking, "changement d'état d'une réservation de logement", "changements d'état des réservations de logement"
)


# --- Installation ------------------------------------------------------------------------------


class InstallationStatus(models.TextChoices):
    OPEN = "open", "En cours"
    SETTLED = "settled", "Installé"
    ABANDONED = "abandoned", "Abandonné"


class InstallationStepKind(models.TextChoices):
    PREMISES = "premises", "Local"
    ADMINISTRATIVE = "administrative", "Démarches administratives"
    PATIENT_BASE = "patient_base", "Patientèle"
    COLLEAGUES = "colleagues", "Rencontres avec les confrères"


class InstallationProjectQuerySet(CptsOwnedQuerySet):
    def open(self):
        return self.filter(status=InstallationStatus.OPEN)

    def followed_in(self, start, end):
        """Projects followed at some time of [start, end): started before its end, and not
        settled nor abandoned before its start."""
        closed_before = Q(status__in=[InstallationStatus.SETTLED, InstallationStatus.ABANDONED], closed_on__lt=start)
        return self.filter(created_at__date__lt=end).exclude(closed_before)


class InstallationProject(JournaledModel):
    """A professional's project of settling in the territory, followed by the coordination."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="installation_projects", verbose_name="CPTS")
    first_name = models.CharField("prénom", max_length=100, blank=True)
    last_name = models.CharField("nom", max_length=100, blank=True)
    profession = models.CharField("profession", max_length=10, choices=Profession.choices)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="commune envisagée"
    )
    wished_on = models.DateField("installation souhaitée le", null=True, blank=True)
    # The professional once they join the CPTS (the project stays when the adhesion goes).
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="adhésion"
    )
    referent = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="suivi par"
    )
    notes = models.TextField("notes de suivi", blank=True)
    status = models.CharField(
        "état", max_length=10, choices=InstallationStatus.choices, default=InstallationStatus.OPEN
    )
    settled_on = models.DateField("installé le", null=True, blank=True)
    closed_on = models.DateField("clos le", null=True, blank=True)
    created_at = models.DateTimeField("ouvert le", default=timezone.now)

    objects = InstallationProjectQuerySet.as_manager()

    workflow = Workflow(
        log="support.InstallationProjectEvent",
        log_fk="project",
        subject="Ce projet d'installation",
        final=[InstallationStatus.SETTLED, InstallationStatus.ABANDONED],
        transitions=[
            Transition("settle", source=InstallationStatus.OPEN, target=InstallationStatus.SETTLED),
            Transition("abandon", source=InstallationStatus.OPEN, target=InstallationStatus.ABANDONED),
        ],
    )

    class Meta:
        verbose_name = "projet d'installation"
        verbose_name_plural = "projets d'installation"
        ordering = ["cpts", "-created_at", "pk"]
        indexes = [models.Index(fields=["cpts", "status"])]

    def __str__(self):
        return f"Installation de {self.name}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def progress(self) -> tuple[int, int]:
        steps = list(self.steps.all())
        return sum(1 for step in steps if step.done_on), len(InstallationStepKind.values)

    def clean(self):
        errors = {}
        _required_text(errors, "first_name", "Prénom", self.first_name)
        _required_text(errors, "last_name", "Nom", self.last_name)
        if self.membership_id:
            _check_same_cpts(errors, self, "membership", "Adhésion", self.membership)
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def settle(self, *, by, on=None):
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise ValidationError({"settled_on": "Date d'installation : elle ne peut pas être à venir."})
        self.workflow.run(self, "settle", by=by, changes={"settled_on": on, "closed_on": timezone.localdate()})

    @transaction.atomic
    def abandon(self, *, by, note):
        if not (note or "").strip():
            raise ValidationError({"note": "Motif : dites pourquoi le projet est abandonné."})
        self.workflow.run(self, "abandon", by=by, note=note.strip(), changes={"closed_on": timezone.localdate()})


InstallationProjectEvent = transition_log(
    InstallationProject, "changement d'état d'un projet d'installation", "changements d'état des projets d'installation"
)


class InstallationStep(JournaledModel):
    """One of the four steps of an installation project: done (a date) or not yet, with notes."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="installation_steps", verbose_name="CPTS")
    project = models.ForeignKey(
        InstallationProject, on_delete=models.CASCADE, related_name="steps", verbose_name="projet d'installation"
    )
    kind = models.CharField("étape", max_length=20, choices=InstallationStepKind.choices)
    done_on = models.DateField("franchie le", null=True, blank=True)
    note = models.TextField("où en est-on", max_length=2000, blank=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "étape d'installation"
        verbose_name_plural = "étapes d'installation"
        ordering = ["project", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="support_one_step_of_each_kind")]

    def __str__(self):
        return self.get_kind_display()

    def record(self, *, done_on, note, by=None):
        """What the coordination knows of this step; `by` is who wrote it (the journal's actor)."""
        if done_on and done_on > timezone.localdate():
            raise ValidationError({"done_on": "Date : une étape ne se déclare franchie qu'une fois faite."})
        if self.project.status != InstallationStatus.OPEN:
            raise ValidationError({"done_on": "Ce projet d'installation est clos : ses étapes ne changent plus."})
        self.done_on = done_on
        self.note = (note or "").strip()
        self.save()


# --- Ads ---------------------------------------------------------------------------------------


class AdKind(models.TextChoices):
    PRACTICE_SALE = "practice_sale", "Cession de cabinet ou de patientèle"
    PREMISES = "premises", "Local professionnel"
    REPLACEMENT = "replacement", "Remplacement"
    COLLABORATION = "collaboration", "Collaboration ou association"
    SALARIED = "salaried", "Poste salarié"
    INTERN_HOUSING = "intern_housing", "Logement pour stagiaire"


class AdStatus(models.TextChoices):
    SUBMITTED = "submitted", "En attente de modération"
    PUBLISHED = "published", "Publiée"
    REFUSED = "refused", "Refusée"
    FILLED = "filled", "Pourvue"
    WITHDRAWN = "withdrawn", "Retirée"


class AdQuerySet(CptsOwnedQuerySet):
    def public(self, on=None):
        """What anyone reads: published and not expired."""
        return self.filter(status=AdStatus.PUBLISHED, expires_on__gte=on or timezone.localdate())

    def to_moderate(self):
        return self.filter(status=AdStatus.SUBMITTED)


class Ad(JournaledModel):
    """An ad of the territory (practice for sale, premises, replacement…), published by a member
    or a coordinator of the CPTS (`cpts`, who moderates it). The CPTS it is stamped with is the one
    whose current territory holds its commune, read each time (`selectors.stamps`)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="ads", verbose_name="CPTS")
    kind = models.CharField("type d'annonce", max_length=20, choices=AdKind.choices)
    title = models.CharField("titre", max_length=120, blank=True)
    description = models.TextField("description", max_length=5000, blank=True)
    profession = models.CharField("profession", max_length=10, choices=Profession.choices)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    starts_on = models.DateField("à partir du", null=True, blank=True)
    ends_on = models.DateField("jusqu'au", null=True, blank=True)
    contact_name = models.CharField("contact", max_length=200, blank=True)
    contact_email = models.EmailField("courriel de contact", blank=True)
    contact_phone = models.CharField("téléphone de contact", max_length=30, blank=True)
    expires_on = models.DateField("expire le")
    status = models.CharField("état", max_length=10, choices=AdStatus.choices, default=AdStatus.SUBMITTED)
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="auteur"
    )
    author_membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="adhésion de l'auteur",
    )
    created_at = models.DateTimeField("déposée le", default=timezone.now)
    published_on = models.DateField("publiée le", null=True, blank=True)
    filled_on = models.DateField("pourvue le", null=True, blank=True)
    refusal_reason = models.CharField("motif du refus", max_length=300, blank=True)

    objects = AdQuerySet.as_manager()

    workflow = Workflow(
        log="support.AdEvent",
        log_fk="ad",
        subject="Cette annonce",
        final=[AdStatus.REFUSED, AdStatus.FILLED, AdStatus.WITHDRAWN],
        transitions=[
            Transition("publish", source=AdStatus.SUBMITTED, target=AdStatus.PUBLISHED),
            Transition("refuse", source=AdStatus.SUBMITTED, target=AdStatus.REFUSED),
            Transition("fill", source=AdStatus.PUBLISHED, target=AdStatus.FILLED),
            Transition("withdraw", source=[AdStatus.SUBMITTED, AdStatus.PUBLISHED], target=AdStatus.WITHDRAWN),
        ],
    )

    class Meta:
        verbose_name = "annonce"
        verbose_name_plural = "annonces"
        ordering = ["-published_on", "-created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "expires_on"]),
            models.Index(fields=["cpts", "status"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def is_public(self) -> bool:
        return self.status == AdStatus.PUBLISHED and not self.is_expired

    def clean(self):
        errors = {}
        _required_text(errors, "title", "Titre", self.title)
        _required_text(errors, "description", "Description", self.description)
        _required_text(errors, "contact_name", "Contact", self.contact_name)
        if not (self.contact_email or "").strip() and not (self.contact_phone or "").strip():
            errors["contact_email"] = "Contact : donnez un courriel ou un téléphone."
        _check_period(errors, self.starts_on, self.ends_on, start_field="starts_on", end_field="ends_on", label="Dates")
        today = timezone.localdate()
        if self.expires_on and self.status in (AdStatus.SUBMITTED, AdStatus.PUBLISHED):
            if self.expires_on < today:
                errors["expires_on"] = "Expiration : choisissez une date à venir."
            elif (self.expires_on - today).days > MAX_AD_DAYS:
                errors["expires_on"] = f"Expiration : au plus {MAX_AD_DAYS} jours après aujourd'hui."
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def publish(self, *, by):
        if self.is_expired:
            raise ValidationError(
                {"expires_on": "Expiration : la date est passée, prolongez l'annonce avant de la publier."}
            )
        self.workflow.run(self, "publish", by=by, changes={"published_on": timezone.localdate(), "refusal_reason": ""})
        if self.author_id and self.author_id != getattr(by, "pk", None):
            _tell_on_commit("send_ad_decided", self.pk)

    @transaction.atomic
    def refuse(self, *, by, note):
        if not (note or "").strip():
            raise ValidationError({"note": "Motif : dites à l'auteur pourquoi l'annonce est refusée."})
        self.workflow.run(self, "refuse", by=by, note=note.strip(), changes={"refusal_reason": note.strip()[:300]})
        _tell_on_commit("send_ad_decided", self.pk)

    @transaction.atomic
    def fill(self, *, by):
        self.workflow.run(self, "fill", by=by, changes={"filled_on": timezone.localdate()})

    @transaction.atomic
    def withdraw(self, *, by, note=""):
        self.workflow.run(self, "withdraw", by=by, note=note)


AdEvent = transition_log(Ad, "changement d'état d'une annonce", "changements d'état des annonces")


# --- Peer help ---------------------------------------------------------------------------------


class TutoringStatus(models.TextChoices):
    ACTIVE = "active", "En cours"
    ENDED = "ended", "Terminé"


class TutoringQuerySet(CptsOwnedQuerySet):
    def active(self):
        return self.filter(status=TutoringStatus.ACTIVE)

    def involving(self, user):
        return self.filter(Q(tutor__professional__user=user) | Q(tutee_membership__professional__user=user))


class Tutoring(JournaledModel):
    """A tutoring pair: an experienced adherent and a newcomer (an adherent, a trainee, or a
    professional settling who has not joined yet)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="tutorings", verbose_name="CPTS")
    tutor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", verbose_name="tuteur")
    tutee_membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="adhérent accompagné",
    )
    tutee_name = models.CharField("personne accompagnée", max_length=200, blank=True)
    placement = models.ForeignKey(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="stage"
    )
    installation = models.ForeignKey(
        InstallationProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tutorings",
        verbose_name="projet d'installation",
    )
    topic = models.CharField("objet du tutorat", max_length=300, blank=True)
    started_on = models.DateField("début")
    ended_on = models.DateField("fin", null=True, blank=True)
    status = models.CharField("état", max_length=10, choices=TutoringStatus.choices, default=TutoringStatus.ACTIVE)

    objects = TutoringQuerySet.as_manager()

    workflow = Workflow(
        log="support.TutoringEvent",
        log_fk="tutoring",
        subject="Ce tutorat",
        final=[TutoringStatus.ENDED],
        transitions=[Transition("end", source=TutoringStatus.ACTIVE, target=TutoringStatus.ENDED)],
    )

    class Meta:
        verbose_name = "binôme de tutorat"
        verbose_name_plural = "binômes de tutorat"
        ordering = ["cpts", "-started_on", "pk"]

    def __str__(self):
        return f"Tutorat n° {self.pk}"

    @property
    def tutor_name(self) -> str:
        professional = self.tutor.professional
        return f"{professional.first_name} {professional.last_name}" if professional else str(self.tutor)

    @property
    def tutee_label(self) -> str:
        if self.tutee_membership_id and self.tutee_membership.professional_id:
            professional = self.tutee_membership.professional
            return f"{professional.first_name} {professional.last_name}"
        return self.tutee_name

    def clean(self):
        errors = {}
        _check_professional_adhesion(errors, self, "tutor", "Tuteur", self.tutor if self.tutor_id else None)
        _check_professional_adhesion(
            errors,
            self,
            "tutee_membership",
            "Adhérent accompagné",
            self.tutee_membership if self.tutee_membership_id else None,
        )
        if not self.tutee_membership_id and not (self.tutee_name or "").strip():
            errors["tutee_name"] = "Personne accompagnée : choisissez un adhérent ou écrivez son nom."
        if self.tutor_id and self.tutor_id == self.tutee_membership_id:
            errors["tutee_membership"] = "Adhérent accompagné : le tuteur ne peut pas s'accompagner lui-même."
        _required_text(errors, "topic", "Objet du tutorat", self.topic)
        if self.placement_id:
            _check_same_cpts(errors, self, "placement", "Stage", self.placement)
        if self.installation_id:
            _check_same_cpts(errors, self, "installation", "Projet d'installation", self.installation)
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def end(self, *, by, on=None):
        on = on or timezone.localdate()
        if on < self.started_on:
            raise ValidationError({"ended_on": "Fin : elle ne peut pas précéder le début du tutorat."})
        if on > timezone.localdate():
            raise ValidationError({"ended_on": "Fin : elle ne peut pas être à venir."})
        self.workflow.run(self, "end", by=by, changes={"ended_on": on})


TutoringEvent = transition_log(Tutoring, "changement d'état d'un tutorat", "changements d'état des tutorats")


class CrossTraining(JournaledModel):
    """A cross-training: an adherent teaches colleagues of other professions (a pharmacist on
    inhalers to nurses…). Its date is polled, its attendance and time counted by its meeting."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="cross_trainings", verbose_name="CPTS")
    title = models.CharField("intitulé", max_length=200, blank=True)
    description = models.TextField("contenu", blank=True)
    trainer = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", verbose_name="formateur")
    audience = models.JSONField("professions invitées", default=list, blank=True)
    meeting = models.OneToOneField(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="cross_training", verbose_name="réunion"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créée par"
    )

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "formation croisée"
        verbose_name_plural = "formations croisées"
        ordering = ["cpts", "-created_at", "pk"]

    def __str__(self):
        return self.title

    @property
    def audience_labels(self) -> list[str]:
        return [Profession(code).label for code in self.audience if code in Profession.values]

    def clean(self):
        errors = {}
        _required_text(errors, "title", "Intitulé", self.title)
        _check_professional_adhesion(errors, self, "trainer", "Formateur", self.trainer if self.trainer_id else None)
        if not isinstance(self.audience, list) or not self.audience:
            errors["audience"] = "Professions invitées : cochez au moins une profession."
        elif any(code not in Profession.values for code in self.audience):
            errors["audience"] = "Professions invitées : une profession n'est pas dans la liste."
        if errors:
            raise ValidationError(errors)


class EquipmentKind(models.TextChoices):
    ECG = "ecg", "ECG"
    DOPPLER = "doppler", "Doppler"
    SPIROMETER = "spirometer", "Spiromètre"
    DERMATOSCOPE = "dermatoscope", "Dermatoscope"
    OTHER = "other", "Autre"


class EquipmentQuerySet(CptsOwnedQuerySet):
    def available(self):
        return self.filter(active=True)


class Equipment(JournaledModel):
    """Equipment the CPTS shares among its adherents (an ECG, a doppler…)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="equipment", verbose_name="CPTS")
    name = models.CharField("nom", max_length=200, blank=True)
    kind = models.CharField("type", max_length=20, choices=EquipmentKind.choices)
    description = models.TextField("description", blank=True)
    location = models.CharField("où le retirer", max_length=300, blank=True)
    holder = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="gardé par"
    )
    active = models.BooleanField("disponible au prêt", default=True)
    created_at = models.DateTimeField("ajouté le", default=timezone.now)

    objects = EquipmentQuerySet.as_manager()

    class Meta:
        verbose_name = "matériel partagé"
        verbose_name_plural = "matériels partagés"
        ordering = ["cpts", "name", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        _required_text(errors, "name", "Nom", self.name)
        if self.holder_id:
            _check_same_cpts(errors, self, "holder", "Gardé par", self.holder)
        if errors:
            raise ValidationError(errors)


class EquipmentBookingQuerySet(CptsOwnedQuerySet):
    def booked(self):
        return self.filter(status=BookingStatus.BOOKED)

    def overlapping(self, starts_at, ends_at):
        return self.booked().filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class EquipmentBooking(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="equipment_bookings", verbose_name="CPTS")
    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="bookings", verbose_name="matériel")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", verbose_name="emprunteur")
    starts_at = models.DateTimeField("du")
    ends_at = models.DateTimeField("au")
    purpose = models.CharField("pour quoi faire", max_length=300, blank=True)
    status = models.CharField("état", max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_at = models.DateTimeField("réservé le", default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="réservé par"
    )

    objects = EquipmentBookingQuerySet.as_manager()

    workflow = booking_workflow("support.EquipmentBookingEvent", "booking", "Cette réservation")

    class Meta:
        verbose_name = "réservation de matériel"
        verbose_name_plural = "réservations de matériel"
        ordering = ["equipment", "starts_at", "pk"]
        indexes = [models.Index(fields=["equipment", "status", "starts_at"])]

    def __str__(self):
        return f"Réservation n° {self.pk}"

    @property
    def borrower_name(self) -> str:
        professional = self.membership.professional
        return f"{professional.first_name} {professional.last_name}" if professional else str(self.membership)

    def clean(self):
        errors = {}
        _check_professional_adhesion(
            errors, self, "membership", "Emprunteur", self.membership if self.membership_id else None
        )
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = "Réservation : la fin doit suivre le début."
            elif self.ends_at - self.starts_at > datetime.timedelta(days=MAX_EQUIPMENT_DAYS):
                errors["ends_at"] = f"Réservation : pas plus de {MAX_EQUIPMENT_DAYS} jours d'affilée."
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def cancel(self, *, by, note=""):
        self.workflow.run(self, "cancel", by=by, note=note)


EquipmentBookingEvent = transition_log(
    EquipmentBooking,
    "changement d'état d'une réservation de matériel",
    "changements d'état des réservations de matériel",
)


# --- The public page ---------------------------------------------------------------------------


class PublicSite(JournaledModel):
    """What the coordinator writes on the CPTS's public page (the rest comes from the product)."""

    cpts = models.OneToOneField(Cpts, on_delete=models.CASCADE, related_name="public_site", verbose_name="CPTS")
    intro = models.TextField("présentation", max_length=3000, blank=True)
    patient_phone = models.CharField(
        "numéro pour les patients", max_length=30, blank=True, help_text="Le numéro unique de la CPTS, s'il existe."
    )
    patient_email = models.EmailField("courriel pour les patients", blank=True)
    patient_hours = models.CharField("horaires", max_length=200, blank=True)
    join_text = models.TextField("comment adhérer", max_length=2000, blank=True)
    show_ads = models.BooleanField("montrer les annonces du territoire", default=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="mise à jour par"
    )

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "page publique"
        verbose_name_plural = "pages publiques"

    def __str__(self):
        return f"Page publique de {self.cpts}"
