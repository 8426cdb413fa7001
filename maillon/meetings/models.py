"""Meetings with a date poll, attendance, the time paid to members and their IBAN.

Meetings
========
`Meeting` is a state machine: poll → scheduled → held, or poll / scheduled → cancelled.
Invitees (`Invitation`, one per adhesion) answer each proposed `MeetingSlot` yes / if
needed / no (`PollAnswer`); the coordinator picks a slot (the meeting's start and end),
then records who was present once it is held.

Time and indemnities
====================
Attendance of a held meeting becomes one `TimeEntry` per present member (kind
"meeting", its duration, validated by whoever records the attendance); recording the
attendance again changes nothing twice (one entry per meeting and adhesion, a database
constraint). Members declare project time, which the coordinator validates. The yearly
indemnity of a member is the validated hours of the year × the CPTS's `HourlyRate` of
that year; the yearly cap is the setting `MAILLON_ANNUAL_INDEMNITY_CAP` (see
`indemnities.annual_cap`). Money is `Decimal`, never float.

IBAN
====
`PaymentDetails` (one per adhesion) keeps the IBAN, validated with python-stdnum,
shown masked everywhere but on the coordinator's payment list and its exports, which
are journaled. The journal keeps field names only, never the IBAN.
"""

import collections
import datetime
import itertools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from maillon.core import recurrence
from maillon.core.missions import Mission
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import Transition, TransitionNotAllowed, Workflow, transition_log
from maillon.members.models import Membership

QUARTER = Decimal("0.25")


def validate_quarter_hours(value):
    if value is None:
        return
    if value <= 0 or value > 24 or (Decimal(value) / QUARTER) % 1 != 0:
        raise ValidationError(
            "Heures : indiquez une durée positive d'au plus 24 heures, par quarts d'heure (0,25 ; 0,5 ; 0,75…).",
            code="invalid_hours",
        )


def compact_iban(value: str) -> str:
    return stdnum_iban.compact(value or "")


def validate_iban(value: str) -> None:
    try:
        stdnum_iban.validate(value)
    except StdnumError as error:
        raise ValidationError(
            "IBAN : le numéro n'est pas valide (vérifiez le code pays, la longueur et la clé de contrôle).",
            code="invalid_iban",
        ) from error


def mask_iban(value: str) -> str:
    """FR76 **** **** 1234: the country, the key and the last four characters."""
    value = compact_iban(value)
    if len(value) < 8:
        return "****"
    return f"{value[:4]} **** **** {value[-4:]}"


# --- Meetings ----------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    POLL = "poll", "Sondage de dates en cours"
    SCHEDULED = "scheduled", "Date fixée"
    HELD = "held", "Tenue"
    CANCELLED = "cancelled", "Annulée"


class Meeting(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="meetings", verbose_name="CPTS")
    title = models.CharField("intitulé", max_length=200)
    description = models.TextField("description", blank=True)
    place = models.CharField("lieu", max_length=300, blank=True)
    visio_url = models.URLField("lien de visioconférence", blank=True)
    mission = models.PositiveSmallIntegerField("mission", choices=Mission.choices, null=True, blank=True)
    status = models.CharField("état", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.POLL)
    starts_at = models.DateTimeField("début", null=True, blank=True)
    ends_at = models.DateTimeField("fin", null=True, blank=True)
    # Keep the meeting when the account that created it is erased.
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = CptsOwnedQuerySet.as_manager()

    workflow = Workflow(
        log="meetings.MeetingEvent",
        subject="Cette réunion",
        final=[MeetingStatus.HELD, MeetingStatus.CANCELLED],
        transitions=[
            # Choosing a slot again while scheduled moves the date: scheduled → scheduled.
            Transition(
                "schedule", source=[MeetingStatus.POLL, MeetingStatus.SCHEDULED], target=MeetingStatus.SCHEDULED
            ),
            Transition("cancel", source=[MeetingStatus.POLL, MeetingStatus.SCHEDULED], target=MeetingStatus.CANCELLED),
            Transition("hold", source=MeetingStatus.SCHEDULED, target=MeetingStatus.HELD),
        ],
    )

    class Meta:
        verbose_name = "réunion"
        verbose_name_plural = "réunions"
        ordering = ["cpts", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return self.title

    def check_open(self):
        """Still open (in poll or scheduled state, the states a meeting is cancelled from):
        its details and invitations can change."""
        self.workflow.check(self, "cancel")

    @property
    def duration_hours(self) -> Decimal:
        """The chosen slot's length, rounded to the nearest quarter hour (at least one)."""
        if not self.starts_at or not self.ends_at:
            return Decimal(0)
        seconds = Decimal(int((self.ends_at - self.starts_at).total_seconds()))
        quarters = (seconds / 900).quantize(Decimal(1))
        return max(quarters, Decimal(1)) * QUARTER

    @transaction.atomic
    def choose_slot(self, slot, *, by, note=""):
        self.workflow.check(self, "schedule")
        if slot.meeting_id != self.pk:
            raise ValidationError({"slot": "Ce créneau n'est pas proposé pour cette réunion."})
        self.workflow.run(
            self, "schedule", by=by, note=note, changes={"starts_at": slot.starts_at, "ends_at": slot.ends_at}
        )
        from . import notifications  # it imports this module

        notifications.send_on_commit(self, notifications.SCHEDULED, by=by)

    @transaction.atomic
    def cancel(self, *, by, note=""):
        self.workflow.run(self, "cancel", by=by, note=note)
        from . import notifications  # it imports this module

        notifications.send_on_commit(self, notifications.CANCELLED, by=by)

    @transaction.atomic
    def hold(self, *, by, note=""):
        """The meeting took place (its attendance is recorded: `services.record_attendance`)."""
        self.workflow.check(self, "hold")
        if self.starts_at > timezone.now():
            raise ValidationError({"status": "La réunion n'a pas encore eu lieu : les présences se notent après."})
        self.workflow.run(self, "hold", by=by, note=note)

    def poll_table(self):
        """(slots, rows): rows are (invitation, [answer value or "" per slot]), and per slot its yes count."""
        slots = list(self.slots.all())
        invitations = list(
            self.invitations.select_related("membership__professional", "membership__structure").prefetch_related(
                "answers"
            )
        )
        rows = []
        for invitation in invitations:
            by_slot = {answer.slot_id: answer.answer for answer in invitation.answers.all()}
            rows.append((invitation, [by_slot.get(slot.pk, "") for slot in slots]))
        for index, slot in enumerate(slots):
            slot.yes_count = sum(1 for _, answers in rows if answers[index] == Answer.YES)
            slot.if_needed_count = sum(1 for _, answers in rows if answers[index] == Answer.IF_NEEDED)
        return slots, rows


MeetingEvent = transition_log(Meeting, "changement d'état d'une réunion", "changements d'état des réunions")


class MeetingSlot(JournaledModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots", verbose_name="réunion")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")

    class Meta:
        verbose_name = "créneau proposé"
        verbose_name_plural = "créneaux proposés"
        ordering = ["meeting", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_it_starts")
        ]

    def __str__(self):
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"


class Attendance(models.TextChoices):
    UNKNOWN = "", "Non renseignée"
    PRESENT = "present", "Présent"
    ABSENT = "absent", "Absent"


class Invitation(JournaledModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name="réunion")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="meeting_invitations", verbose_name="adhésion"
    )
    attendance = models.CharField("présence", max_length=10, choices=Attendance.choices, blank=True, default="")

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "membership"], name="one_invitation_per_meeting_and_membership")
        ]

    def __str__(self):
        return f"{self.meeting} — {self.membership.member}"


class Answer(models.TextChoices):
    YES = "yes", "Oui"
    IF_NEEDED = "if_needed", "Si nécessaire"
    NO = "no", "Non"


class PollAnswer(JournaledModel):
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="answers", verbose_name="invitation"
    )
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="answers", verbose_name="créneau")
    answer = models.CharField("réponse", max_length=10, choices=Answer.choices)

    class Meta:
        verbose_name = "réponse au sondage"
        verbose_name_plural = "réponses au sondage"
        ordering = ["invitation", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "slot"], name="one_answer_per_invitation_and_slot")
        ]

    def __str__(self):
        return self.get_answer_display()


# --- Time and indemnities ----------------------------------------------------------------


class HourlyRate(JournaledModel):
    """The hourly indemnity the CPTS pays its members in a year, in euros."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="hourly_rates", verbose_name="CPTS")
    year = models.PositiveSmallIntegerField("année")
    amount = models.DecimalField(
        "taux horaire (€)", max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "taux horaire"
        verbose_name_plural = "taux horaires"
        ordering = ["cpts", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cpts", "year"], name="one_hourly_rate_per_cpts_and_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="hourly_rate_not_negative"),
        ]

    def __str__(self):
        return f"{self.year} : {self.amount} €/h"


class TimeKind(models.TextChoices):
    MEETING = "meeting", "Réunion"
    PROJECT = "project", "Projet"


class TimeState(models.TextChoices):
    DECLARED = "declared", "À valider"
    VALIDATED = "validated", "Validé"
    REJECTED = "rejected", "Refusé"


class TimeEntryQuerySet(CptsOwnedQuerySet):
    def validated(self):
        return self.filter(validated_at__isnull=False)

    def pending(self):
        """Declared, neither validated nor rejected: what the coordinator has to decide."""
        return self.filter(validated_at__isnull=True, rejected_at__isnull=True)

    def rejected(self):
        return self.filter(rejected_at__isnull=False)

    def of_year(self, year):
        return self.filter(date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31))


class TimeEntry(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="time_entries", verbose_name="CPTS")
    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="time_entries", verbose_name="adhésion"
    )
    date = models.DateField("date")
    mission = models.PositiveSmallIntegerField("mission", choices=Mission.choices, null=True, blank=True)
    hours = models.DecimalField("heures", max_digits=5, decimal_places=2, validators=[validate_quarter_hours])
    kind = models.CharField("nature", max_length=10, choices=TimeKind.choices, default=TimeKind.PROJECT)
    # A meeting with time entries is kept: cancel it rather than delete it.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="time_entries", verbose_name="réunion"
    )
    note = models.CharField("note", max_length=300, blank=True)
    validated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="validé par"
    )
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    # A rejected entry never counts; the member edits it (re-declares) to have it decided again.
    rejected_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="refusé par"
    )
    rejected_at = models.DateTimeField("refusé le", null=True, blank=True)
    rejection_reason = models.CharField("motif du refus", max_length=300, blank=True)
    # Follows the timestamps above (set from them when the entry is created, then moved by
    # the workflow together with them).
    state = models.CharField("état", max_length=10, choices=TimeState.choices, default=TimeState.DECLARED)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = TimeEntryQuerySet.as_manager()

    workflow = Workflow(
        log="meetings.TimeEntryEvent",
        log_fk="entry",
        subject="Ce temps",
        field="state",
        transitions=[
            Transition("validate", source=TimeState.DECLARED, target=TimeState.VALIDATED),
            # A validated entry is rejected (or unvalidated) only while its year is open.
            Transition("reject", source=[TimeState.DECLARED, TimeState.VALIDATED], target=TimeState.REJECTED),
            Transition("unvalidate", source=TimeState.VALIDATED, target=TimeState.DECLARED),
            # The member edits a rejected entry: it is declared again.
            Transition("redeclare", source=TimeState.REJECTED, target=TimeState.DECLARED),
        ],
    )

    class Meta:
        verbose_name = "temps déclaré"
        verbose_name_plural = "temps déclarés"
        ordering = ["cpts", "-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                condition=Q(meeting__isnull=False),
                name="one_time_entry_per_meeting_and_membership",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_in_a_day"),
            models.CheckConstraint(
                condition=Q(validated_at__isnull=True) | Q(rejected_at__isnull=True),
                name="time_entry_not_validated_and_rejected",
            ),
        ]
        indexes = [models.Index(fields=["cpts", "date"])]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} — {self.hours} h"

    @property
    def is_validated(self):
        return self.validated_at is not None

    @property
    def is_rejected(self):
        return self.rejected_at is not None

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.state = (
                TimeState.VALIDATED
                if self.validated_at
                else TimeState.REJECTED
                if self.rejected_at
                else TimeState.DECLARED
            )
        super().save(*args, **kwargs)

    def refusal(self, message) -> TransitionNotAllowed:
        """A refused review with its own phrase (« Ce temps est déjà validé. »)."""
        return TransitionNotAllowed(message, field="entry", status=self.state, status_label=self.get_state_display())

    @property
    def editable_by_member(self) -> bool:
        """Declared project time, not validated (a rejected one included: editing re-declares it)."""
        return self.kind == TimeKind.PROJECT and not self.is_validated


# Validations, rejections, re-declarations.
TimeEntryEvent = transition_log(
    TimeEntry, "changement d'état d'un temps déclaré", "changements d'état des temps déclarés"
)


class PaymentDetails(JournaledModel):
    """The bank details to pay a member's indemnities (one per adhesion)."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="payment_details", verbose_name="adhésion"
    )
    iban = models.CharField("IBAN", max_length=34, validators=[validate_iban])
    holder_name = models.CharField("titulaire du compte", max_length=200)
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    class Meta:
        verbose_name = "coordonnées bancaires"
        verbose_name_plural = "coordonnées bancaires"

    def __str__(self):
        return self.masked_iban

    def save(self, *args, **kwargs):
        self.iban = compact_iban(self.iban)
        super().save(*args, **kwargs)

    @property
    def masked_iban(self):
        return mask_iban(self.iban)


# --- Recurring visio meetings (a regional group's quarterly visio…) ---

# The parts of an RRULE (RFC 5545) a series may use: no rule below the week, no hour or minute
# lists, so a rule can never expand into more than a few occurrences a month.
SERIES_FREQUENCIES = {"WEEKLY", "MONTHLY", "YEARLY"}
SERIES_RULE_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL", "WKST"}
SERIES_MAX_INTERVAL = 12
# A series' dates are walked from its first session (maillon/core/recurrence.py): the first
# session is at most 10 years back, and at most this many dates are ever walked.
SERIES_MAX_PAST = datetime.timedelta(days=10 * 366)
SERIES_MAX_WALKED = 5000


def validate_series_rule(value: str) -> None:
    """An RRULE a series may use, in French when refused."""
    from dateutil.rrule import rrulestr

    label = "Règle de récurrence"
    parts = {}
    for chunk in (value or "").strip().removeprefix("RRULE:").split(";"):
        key, _, part = chunk.partition("=")
        if not key or not part:
            raise ValidationError(f"{label} : « {chunk} » n'est pas de la forme CLÉ=VALEUR.")
        parts[key.upper()] = part
    unknown = set(parts) - SERIES_RULE_PARTS
    if unknown:
        raise ValidationError(f"{label} : {', '.join(sorted(unknown))} n'est pas accepté.")
    if parts.get("FREQ", "").upper() not in SERIES_FREQUENCIES:
        raise ValidationError(f"{label} : la fréquence est hebdomadaire, mensuelle ou annuelle (FREQ=WEEKLY…).")
    interval = parts.get("INTERVAL", "1")
    if not interval.isdigit() or not 1 <= int(interval) <= SERIES_MAX_INTERVAL:
        raise ValidationError(f"{label} : l'intervalle va de 1 à {SERIES_MAX_INTERVAL}.")
    start = datetime.datetime(2000, 1, 1)
    try:
        rrulestr(value, dtstart=start)
    except (ValueError, TypeError) as error:
        raise ValidationError(f"{label} : règle illisible.") from error
    check_series_rule(value, start)


def check_series_rule(value: str, start: datetime.datetime) -> None:
    """A rule that gives no date (« le 30 février »), or one that leaves years without one, would
    make dateutil walk the calendar up to the year 9999 (seconds each time) — and so would asking
    it whether the rule gives a date: refused on its parts, before any expansion
    (`maillon.core.recurrence.check_rule`)."""
    recurrence.check_rule(
        value,
        dtstart=start,
        label="Règle de récurrence",
        frequencies=tuple(sorted(SERIES_FREQUENCIES, key=recurrence.FREQUENCIES.index)),
        parts_allowed=SERIES_RULE_PARTS,
        max_interval=dict.fromkeys(SERIES_FREQUENCIES, SERIES_MAX_INTERVAL),
    )


class MeetingSeries(JournaledModel):
    """A meeting that comes back on a rule (« le 2e mardi de chaque trimestre, 20 h »), with its
    visio link: a regional group's visio, hosted by an organisation rather than a CPTS. Each
    session held keeps its replay link and short minutes (`SeriesSession`)."""

    title = models.CharField("intitulé", max_length=200)
    rule = models.CharField("règle de récurrence (RRULE)", max_length=200, validators=[validate_series_rule])
    first_starts_at = models.DateTimeField("première séance")
    duration_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", default=60, validators=[MinValueValidator(15)]
    )
    visio_url = models.URLField("lien de visioconférence", blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    class Meta:
        verbose_name = "réunion récurrente"
        verbose_name_plural = "réunions récurrentes"
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def _rule(self):
        from dateutil.rrule import rrulestr

        # Local wall-clock times: « 20 h » stays 20 h across the change to summer time.
        start = timezone.localtime(self.first_starts_at).replace(tzinfo=None)
        return rrulestr(self.rule, dtstart=start)

    def clean(self):
        # A rule that gives dates from another start may give none from this one (« 29 février,
        # tous les deux ans » from an odd year): each listing of the next dates would scan to 9999.
        if self.first_starts_at and self.first_starts_at < timezone.now() - SERIES_MAX_PAST:
            raise ValidationError(
                {"first_starts_at": "Première séance : au plus 10 ans avant aujourd'hui ; choisissez-en une récente."}
            )
        if self.rule and self.first_starts_at:
            try:
                validate_series_rule(self.rule)
            except ValidationError:
                return  # said by the field's own validation
            try:
                check_series_rule(self.rule, timezone.localtime(self.first_starts_at).replace(tzinfo=None))
            except ValidationError as error:
                raise ValidationError({"rule": error.messages}) from None

    def _walk(self, *, after=datetime.datetime.min, until=datetime.datetime.max):
        """The rule's starts in (after, until], local and naive, walked lazily from the first session:
        at most SERIES_MAX_WALKED of them (a weekly series for a century), never a list of the rule."""
        try:
            yield from recurrence.Walk(SERIES_MAX_WALKED).occurrences(self._rule(), after=after, until=until)
        except recurrence.Budget:
            return

    def next_starts(self, count: int = 4, *, after=None) -> list[datetime.datetime]:
        """The next `count` starts after `after` (now), aware, in Europe/Paris."""
        after = timezone.localtime(after or timezone.now()).replace(tzinfo=None)
        starts = itertools.islice(self._walk(after=after - datetime.timedelta(microseconds=1)), count)
        return [timezone.make_aware(moment) for moment in starts]

    def past_starts(self, count: int = 12, *, before=None) -> list[datetime.datetime]:
        """The starts of the last `count` sessions up to `before` (now), newest first, aware."""
        before = timezone.localtime(before or timezone.now()).replace(tzinfo=None)
        last = collections.deque(self._walk(until=before), maxlen=count)
        return [timezone.make_aware(moment) for moment in reversed(last)]

    def is_occurrence(self, starts_at) -> bool:
        local = timezone.localtime(starts_at).replace(tzinfo=None)
        last = collections.deque(self._walk(until=local), maxlen=1)
        return bool(last) and last[0] == local


class SeriesSession(JournaledModel):
    """One session of a series, once held: its replay and its short minutes."""

    series = models.ForeignKey(MeetingSeries, on_delete=models.CASCADE, related_name="sessions", verbose_name="série")
    starts_at = models.DateTimeField("date de la séance")
    replay_url = models.URLField("lien du replay", blank=True)
    minutes = models.TextField("compte rendu court", max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="noté par"
    )
    recorded_at = models.DateTimeField(auto_now=True, verbose_name="date d'enregistrement")

    class Meta:
        verbose_name = "séance d'une réunion récurrente"
        verbose_name_plural = "séances des réunions récurrentes"
        ordering = ["series", "-starts_at"]
        constraints = [models.UniqueConstraint(fields=["series", "starts_at"], name="one_record_per_series_session")]

    def __str__(self):
        return f"{self.series} — {timezone.localtime(self.starts_at):%d/%m/%Y}"

    def clean(self):
        if self.series_id and self.starts_at and not self.series.is_occurrence(self.starts_at):
            raise ValidationError({"starts_at": "Date de la séance : ce n'est pas une date de la série."})
        if self.starts_at and self.starts_at > timezone.now():
            raise ValidationError({"starts_at": "Date de la séance : la séance n'a pas encore eu lieu."})
