"""Same-day care (soins non programmés, SNP) of a CPTS — mission 1b.

Members publish slots in an `Agenda` (one per professional, practice place and CPTS: the
SAS's Schedule); each agenda says whether its slots are shared with the SAS by default, and
each slot may say otherwise (the member's explicit choice, never a blanket upload). The SAS
regulator or a member creates a `CareRequest` for a patient; the search proposes free slots
nearest first inside the département's SAS radius, widening by its step; booking a slot is
one conditional update (`Slot.book`), so two operators never get the same slot. When no slot
fits, the request goes to the duty list (`DutyCall`): the first volunteer to accept takes
it, and it is escalated to the coordinator after a delay. A `Booking` carries the outcome.

Patient data is health data: only the requester, the coordinator and the booked member see
a request; every read and write is journaled; nothing personal in URLs or logs.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillon.core.dates import birth_date_error
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, TransitionNotAllowed, Workflow, transition_log
from maillon.members.models import PracticePlace, Professional
from maillon.members.professions import Profession, Specialty
from maillon.territories.models import Commune


class Audience(models.TextChoices):
    """For whom a slot is open: the SAS slot types (TRE_R314, in `Slot.meta.security`)."""

    PUBLIC = "PUBLIC", "Tout public"
    SNP = "SNP", "Régulation SAS seulement"
    PRO = "PRO", "Professionnels de santé"
    CPTS = "CPTS", "Membres de la CPTS seulement"


# --- Agendas and slots -----------------------------------------------------------------------


class Agenda(JournaledModel):
    """A member's SNP agenda at one practice place, for one CPTS (the SAS's Schedule)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="snp_agendas", verbose_name="CPTS")
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="snp_agendas", verbose_name="professionnel de santé"
    )
    practice_place = models.ForeignKey(
        PracticePlace, on_delete=models.CASCADE, related_name="snp_agendas", verbose_name="lieu d'exercice"
    )
    shares_with_sas = models.BooleanField(
        "créneaux partagés avec le SAS par défaut",
        default=False,
        help_text="Votre choix : chaque créneau peut aussi le dire autrement.",
    )
    # A secret for the member's .ics feed of bookings (a calendar app cannot log in).
    feed_token = models.CharField(max_length=43, unique=True, editable=False, verbose_name="jeton du flux")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "agenda SNP"
        verbose_name_plural = "agendas SNP"
        ordering = ["cpts", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cpts", "professional", "practice_place"], name="one_snp_agenda_per_place")
        ]

    def __str__(self):
        return f"Agenda SNP n° {self.pk}"

    def save(self, *args, **kwargs):
        if not self.feed_token:
            self.feed_token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)


class SlotSeries(JournaledModel):
    """A weekly recurrence of slots, with exception dates; its slots are materialised."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="series", verbose_name="agenda")
    weekdays = models.JSONField("jours", help_text="0 = lundi … 6 = dimanche.")
    start_time = models.TimeField("heure de début")
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    count_per_day = models.PositiveSmallIntegerField("créneaux à la suite", default=1)
    first_date = models.DateField("du")
    last_date = models.DateField("au")
    exceptions = models.JSONField("sauf les", default=list, blank=True, help_text="Dates ISO sans créneau.")
    audience = models.CharField("pour qui", max_length=6, choices=Audience.choices, default=Audience.PUBLIC)
    shared_with_sas = models.BooleanField("partagés avec le SAS")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    class Meta:
        verbose_name = "récurrence de créneaux"
        verbose_name_plural = "récurrences de créneaux"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=5), name="series_duration_at_least_5_min"),
            models.CheckConstraint(condition=Q(last_date__gte=models.F("first_date")), name="series_dates_in_order"),
        ]

    @property
    def exception_dates(self) -> list[datetime.date]:
        """The days without slots, as dates (stored as ISO strings)."""
        return sorted(datetime.date.fromisoformat(day) for day in self.exceptions)

    def __str__(self):
        return f"Récurrence n° {self.pk}"


class SlotStatus(models.TextChoices):
    FREE = "free", "Libre"
    BOOKED = "booked", "Réservé"
    CANCELLED = "cancelled", "Annulé"


class SlotQuerySet(CptsOwnedQuerySet):
    def free(self):
        return self.filter(status=SlotStatus.FREE)

    def shared_with_sas(self):
        return self.filter(shared_with_sas=True)

    def of_active_members(self):
        """Slots whose professional is still an active member of the slot's CPTS."""
        from maillon.members.models import Membership

        still_member = Membership.objects.active().filter(
            cpts=models.OuterRef("cpts"), professional=models.OuterRef("professional")
        )
        return self.filter(models.Exists(still_member))

    def bookable(self, now=None):
        """Free, ahead, of a professional still an active member: what may be offered."""
        return self.free().filter(start__gte=now or timezone.now()).of_active_members()


class Slot(JournaledModel):
    """One SNP slot. The place, profession and point are copied from the agenda so the
    search reads one indexed table."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="slots", verbose_name="agenda")
    series = models.ForeignKey(
        SlotSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots", verbose_name="récurrence"
    )
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="snp_slots", verbose_name="CPTS")
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="snp_slots", verbose_name="professionnel de santé"
    )
    profession = models.CharField("profession", max_length=10, choices=Profession.choices)
    specialty = models.CharField("spécialité", max_length=20, choices=Specialty.choices, blank=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    latitude = models.FloatField(null=True, blank=True, verbose_name="latitude")
    longitude = models.FloatField(null=True, blank=True, verbose_name="longitude")
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    audience = models.CharField("pour qui", max_length=6, choices=Audience.choices, default=Audience.PUBLIC)
    shared_with_sas = models.BooleanField("partagé avec le SAS", default=False)
    status = models.CharField("état", max_length=10, choices=SlotStatus.choices, default=SlotStatus.FREE)
    # The UID of the event an .ics import made it from (a re-import updates, never doubles).
    ics_uid = models.CharField(max_length=255, blank=True, verbose_name="identifiant iCalendar")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    objects = SlotQuerySet.as_manager()

    # Series edits and .ics re-imports cancel their free slots in bulk: `workflow.run_many`.
    workflow = Workflow(
        log="snp.SlotEvent",
        subject="Ce créneau",
        final=[SlotStatus.CANCELLED],
        transitions=[
            Transition("book", source=SlotStatus.FREE, target=SlotStatus.BOOKED),
            Transition("release", source=SlotStatus.BOOKED, target=SlotStatus.FREE),
            Transition("cancel", source=[SlotStatus.FREE, SlotStatus.BOOKED], target=SlotStatus.CANCELLED),
        ],
    )

    class Meta:
        verbose_name = "créneau SNP"
        verbose_name_plural = "créneaux SNP"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="slot_ends_after_start"),
            models.UniqueConstraint(
                fields=["agenda", "ics_uid", "start"], condition=~Q(ics_uid=""), name="one_slot_per_ics_event"
            ),
        ]
        indexes = [
            # The search: free slots of a profession in a time window.
            models.Index(fields=["profession", "status", "start"], name="snp_slot_search"),
            # The SAS's FHIR search: shared free slots of given practitioners in a window.
            models.Index(fields=["professional", "start"], name="snp_slot_by_professional"),
        ]

    def __str__(self):
        return f"Créneau n° {self.pk}"

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "Fin : elle doit suivre le début du créneau."})

    def book(self, *, by=None) -> bool:
        """Take the slot if it is still free: one conditional UPDATE (the workflow's), so of two
        operators booking at the same moment exactly one wins, on PostgreSQL and on SQLite alike."""
        try:
            self.workflow.run(self, "book", by=by, changes={"updated_at": timezone.now()})
        except TransitionNotAllowed:
            return False
        return True


SlotEvent = transition_log(
    Slot, "changement d'état d'un créneau", "changements d'état des créneaux", ordering=["at", "pk"]
)


# --- Requests ---------------------------------------------------------------------------------


class Urgency(models.TextChoices):
    WITHIN_24H = "24h", "Dans les 24 heures"
    WITHIN_48H = "48h", "Dans les 48 heures"

    @property
    def delay(self) -> datetime.timedelta:
        return datetime.timedelta(hours=24 if self == Urgency.WITHIN_24H else 48)


class RequesterKind(models.TextChoices):
    SAS = "sas", "Régulation SAS"
    MEMBER = "member", "Membre de la CPTS"
    COORDINATOR = "coordinator", "Coordination"


class RequestStatus(models.TextChoices):
    OPEN = "open", "À placer"
    ON_DUTY_LIST = "on_duty_list", "Envoyée aux volontaires de garde"
    ESCALATED = "escalated", "Remontée à la coordination"
    BOOKED = "booked", "Rendez-vous pris"
    CLOSED = "closed", "Close"
    CANCELLED = "cancelled", "Annulée"


OPEN_REQUEST_STATUSES = (RequestStatus.OPEN, RequestStatus.ON_DUTY_LIST, RequestStatus.ESCALATED)


class CareRequestQuerySet(CptsOwnedQuerySet):
    def waiting(self):
        return self.filter(status__in=OPEN_REQUEST_STATUSES)


S = RequestStatus
# The note of a request closed by `duty.close_expired`.
EXPIRED_NOTE = "Échéance dépassée sans rendez-vous"
CANCEL_REFUSED = "Seule une demande pas encore placée peut être annulée ; annulez d'abord le rendez-vous."
NOT_WAITING = "Cette demande n'est plus à placer."


class CareRequest(JournaledModel):
    """A request for a same-day appointment for a patient (demande de SNP).

    Its life (`workflow`): open → on the duty list ⇄ escalated to the coordination; from any of
    these three waiting states booked (a slot or a volunteer), cancelled, or closed at its
    deadline; booked → open again when the appointment is cancelled, → closed by its outcome.
    Each transition is one conditional UPDATE, logged (`RequestEvent`) and journaled."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="snp_requests", verbose_name="CPTS")
    requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="snp_requests", verbose_name="demandée par"
    )
    requester_kind = models.CharField("demandeur", max_length=12, choices=RequesterKind.choices)
    # The patient: the minimum to be received.
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    birth_date = models.DateField("date de naissance")
    phone = models.CharField("téléphone", max_length=20)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    reason = models.TextField("motif")
    urgency = models.CharField("urgence", max_length=3, choices=Urgency.choices, default=Urgency.WITHIN_24H)
    profession = models.CharField("profession demandée", max_length=10, choices=Profession.choices)
    specialty = models.CharField("spécialité", max_length=20, choices=Specialty.choices, blank=True)
    status = models.CharField("état", max_length=14, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_at = models.DateTimeField("reçue le", default=timezone.now)
    deadline = models.DateTimeField("à placer avant")
    sent_to_duty_at = models.DateTimeField(null=True, blank=True, verbose_name="envoyée aux volontaires le")
    escalated_at = models.DateTimeField(null=True, blank=True, verbose_name="remontée le")
    answered_at = models.DateTimeField("répondue le", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    objects = CareRequestQuerySet.as_manager()

    def clean(self):
        # A birth date between 1900-01-01 and today (issue 19: 0001-01-01 was taken).
        message = birth_date_error(self.birth_date) if self.birth_date else None
        if message:
            raise ValidationError({"birth_date": message})

    workflow = Workflow(
        log="snp.RequestEvent",
        log_fk="request",
        subject="Cette demande",
        final=[S.CLOSED, S.CANCELLED],
        transitions=[
            Transition("send_to_duty", source=[S.OPEN, S.ESCALATED], target=S.ON_DUTY_LIST),
            Transition("escalate", source=[S.OPEN, S.ON_DUTY_LIST], target=S.ESCALATED),
            Transition("book", source=OPEN_REQUEST_STATUSES, target=S.BOOKED),
            Transition("cancel", source=OPEN_REQUEST_STATUSES, target=S.CANCELLED),
            # Its deadline passed without an appointment (`duty.close_expired`).
            Transition("expire", source=OPEN_REQUEST_STATUSES, target=S.CLOSED),
            # The appointment was cancelled: to be placed again.
            Transition("reopen", source=S.BOOKED, target=S.OPEN),
            # The appointment's outcome is known.
            Transition("close", source=S.BOOKED, target=S.CLOSED),
        ],
    )

    class Meta:
        verbose_name = "demande de soins non programmés"
        verbose_name_plural = "demandes de soins non programmés"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cpts", "status", "created_at"], name="snp_request_queue")]

    def __str__(self):
        return f"Demande n° {self.pk}"

    def save(self, *args, **kwargs):
        if not self.deadline and self.created_at:
            self.deadline = self.created_at + Urgency(self.urgency).delay
        super().save(*args, **kwargs)

    @property
    def is_waiting(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    # --- transitions (each raises TransitionNotAllowed from a wrong or stale state) ------------

    def refused(self, message: str) -> TransitionNotAllowed:
        """The workflow's refusal (409 in the API, with the state), in this request's own words."""
        return self.workflow.refusal(self, message=message)

    def _take(self, name: str, *, by, note: str, now, **changes):
        now = now or timezone.now()
        return self.workflow.run(self, name, by=by, note=note, changes={"updated_at": now, **changes}, log={"at": now})

    def send_to_duty(self, *, by, now=None, note: str = "aucun créneau"):
        now = now or timezone.now()
        return self._take("send_to_duty", by=by, note=note, now=now, sent_to_duty_at=now)

    def escalate(self, *, by=None, now=None, note: str = "sans réponse des volontaires"):
        now = now or timezone.now()
        return self._take("escalate", by=by, note=note, now=now, escalated_at=now)

    def check_placeable(self) -> None:
        """Refuse a request no longer waiting to be placed (before any other write)."""
        if not self.workflow.can(self, "book"):
            raise self.refused(NOT_WAITING)

    def book(self, *, by, now=None, note: str = "créneau réservé"):
        self.check_placeable()
        now = now or timezone.now()
        return self._take("book", by=by, note=note, now=now, answered_at=now)

    def cancel(self, *, by, now=None, note: str = ""):
        if not self.workflow.can(self, "cancel"):
            raise self.refused(CANCEL_REFUSED)
        return self._take("cancel", by=by, note=note or "annulée", now=now)

    def expire(self, *, now=None, note: str = EXPIRED_NOTE):
        return self._take("expire", by=None, note=note, now=now)

    def reopen(self, *, by, now=None, note: str = "rendez-vous annulé"):
        return self._take("reopen", by=by, note=note, now=now, answered_at=None)

    def close(self, *, by, now=None, note: str = ""):
        return self._take("close", by=by, note=note, now=now)

    def book_from_waiting(self, *, by, now=None, note: str = "créneau réservé") -> bool:
        """`book` from whichever waiting state the request is in now: an escalation landing
        between our read and our write must not make a booking or an accept fail. False once
        the request has left the waiting states (someone else placed, cancelled or closed it)."""
        for _ in range(len(OPEN_REQUEST_STATUSES) + 1):
            if self.is_waiting:
                try:
                    self.book(by=by, now=now, note=note)
                    return True
                except TransitionNotAllowed:  # moved meanwhile: read its state again
                    pass
            self.refresh_from_db(fields=["status"])
            if not self.is_waiting:
                return False
        return False


RequestEvent = transition_log(
    CareRequest, "étape d'une demande de SNP", "étapes des demandes de SNP", ordering=["at", "pk"]
)


class DutyAnswer(models.TextChoices):
    PENDING = "pending", "Sans réponse"
    ACCEPTED = "accepted", "Accepte"
    DECLINED = "declined", "Décline"
    TOO_LATE = "too_late", "Déjà prise par un autre"


class DutyCall(JournaledModel):
    """A volunteer of the duty list asked to take a request no slot fitted."""

    request = models.ForeignKey(
        CareRequest, on_delete=models.CASCADE, related_name="duty_calls", verbose_name="demande de SNP"
    )
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="snp_duty_calls", verbose_name="professionnel de santé"
    )
    notified_at = models.DateTimeField(default=timezone.now, verbose_name="prévenu le")
    answer = models.CharField(
        max_length=10, choices=DutyAnswer.choices, default=DutyAnswer.PENDING, verbose_name="réponse"
    )
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name="date de réponse")

    class Meta:
        verbose_name = "appel aux volontaires"
        verbose_name_plural = "appels aux volontaires"
        ordering = ["notified_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "professional"], name="one_duty_call_per_member")]

    def __str__(self):
        return f"Appel n° {self.pk}"


# --- Bookings and outcomes --------------------------------------------------------------------


class Outcome(models.TextChoices):
    PENDING = "pending", "À renseigner"
    HONOURED = "honoured", "Honoré"
    NO_SHOW = "no_show", "Non honoré (patient absent)"
    REDIRECTED_ED = "redirected_ed", "Réorienté vers les urgences"
    REDIRECTED_SPECIALIST = "redirected_specialist", "Réorienté vers un spécialiste"


class BookingQuerySet(CptsOwnedQuerySet):
    def live(self):
        return self.filter(cancelled_at__isnull=True)


class Booking(JournaledModel):
    """An appointment: a booked slot, or a time given by the volunteer who took the request
    from the duty list (no slot then)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="snp_bookings", verbose_name="CPTS")
    request = models.ForeignKey(
        CareRequest, on_delete=models.CASCADE, related_name="bookings", verbose_name="demande de SNP"
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings", verbose_name="créneau"
    )
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="snp_bookings", verbose_name="professionnel de santé"
    )
    practice_place = models.ForeignKey(
        PracticePlace, on_delete=models.PROTECT, related_name="+", verbose_name="lieu d'exercice"
    )
    appointment_at = models.DateTimeField("rendez-vous le")
    booked_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="réservé par")
    booked_at = models.DateTimeField(default=timezone.now, verbose_name="réservé le")
    # Sent by the SAS regulation: counts toward the doctor's weekly SAS supplement.
    via_sas = models.BooleanField(default=False, verbose_name="par le SAS")
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name="annulé le")
    outcome = models.CharField("issue", max_length=24, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_at = models.DateTimeField(null=True, blank=True, verbose_name="issue saisie le")
    outcome_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="issue saisie par"
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous SNP"
        verbose_name_plural = "rendez-vous SNP"
        ordering = ["appointment_at", "pk"]
        constraints = [
            # The last line against a double booking, whatever path the write takes.
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(cancelled_at__isnull=True, slot__isnull=False),
                name="one_live_booking_per_slot",
            ),
            models.UniqueConstraint(
                fields=["request"], condition=Q(cancelled_at__isnull=True), name="one_live_booking_per_request"
            ),
        ]

    def __str__(self):
        return f"Rendez-vous n° {self.pk}"


# --- The SAS as a client of the FHIR slot search -------------------------------------------


class SasClient(JournaledModel):
    """A SAS platform account that reads the shared slots through `GET /fhir/Slot`; it
    authenticates with an API token (`core.ApiToken`) of its `user`."""

    name = models.CharField("nom", max_length=100)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="sas_client", verbose_name="utilisateur")
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    class Meta:
        verbose_name = "client SAS"
        verbose_name_plural = "clients SAS"

    def __str__(self):
        return self.name


def duty_escalation_delay() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.MAILLON_SNP_DUTY_ESCALATION_MINUTES)


# --- The coordinator's setup of SNP in the CPTS ---------------------------------------------


def default_snp_professions() -> list[str]:
    return [Profession.MEDECIN.value]


class SnpSetup(JournaledModel):
    """What the coordinator opens to SNP in the CPTS: the professions whose members publish
    slots (médecins only until the coordinator opens others)."""

    cpts = models.OneToOneField(Cpts, on_delete=models.CASCADE, related_name="snp_setup", verbose_name="CPTS")
    professions = models.JSONField("professions ouvertes aux SNP", default=default_snp_professions)
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation des SNP"
        verbose_name_plural = "organisations des SNP"

    def __str__(self):
        return f"SNP de la CPTS n° {self.cpts_id}"

    @classmethod
    def professions_of(cls, cpts) -> set[str]:
        setup = cls.objects.filter(cpts=cpts).first()
        return set(setup.professions) if setup else set(default_snp_professions())
