"""The médecin traitant desk (guichet unique) of a CPTS — mission 1.

Patients without a médecin traitant (MT) register (themselves, through the coordinator, a
partner member, or the CPAM's list); each gets a priority score from the criteria the CPTS
weights; volunteer doctors open places (`DoctorOffer`); the matching engine
(`matching.py`) proposes doctors; each `Proposal` follows a state machine
(`Proposal.workflow`, logged in `ProposalEvent`) that the patient's own one follows
(`Patient.workflow`, logged in `PatientEvent`); an offer opens, pauses and closes
(`DoctorOffer.workflow`, logged in `OfferEvent`). All three run on maillon/core/workflows.py:

    proposed → accepted (by the doctor) → informed (the patient) → declared (MT declared: closed)
    proposed → refused_by_doctor | refused_by_patient | expired | withdrawn
    accepted / informed → refused_by_patient | withdrawn

A refusal or an expiry sends the patient back to the queue, and the pair is never proposed
again. Patient data is health data: least access (the coordinator, the registering member,
the proposed doctor), every read and write journaled, nothing personal in URLs or logs.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core.identifiers import compact_nir, validate_nir
from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.workflows import ANY, Transition, TransitionLog, Workflow, transition_log
from maillon.members.models import Professional
from maillon.territories.models import Commune, normalize_name

# --- Priority ------------------------------------------------------------------------------


class Criterion(models.TextChoices):
    """What a patient declares (or the CPAM's list says) and the CPTS weights."""

    ALD = "ald", "Affection de longue durée (ALD)"
    AGE_70_PLUS = "age_70_plus", "70 ans et plus"
    C2S_ALD = "c2s_ald", "Complémentaire santé solidaire (C2S) et ALD"
    C2S = "c2s", "Complémentaire santé solidaire (C2S)"
    PREGNANCY = "pregnancy", "Grossesse"
    DISABILITY = "disability", "Situation de handicap"
    MT_RETIRED = "mt_retired", "Sans médecin traitant depuis le départ de son médecin"


# Defaults (DOMAIN.md §3: ALD, 70+, C2S in ALD first); each CPTS may change them.
DEFAULT_WEIGHTS = {
    Criterion.ALD: 30,
    Criterion.AGE_70_PLUS: 25,
    Criterion.C2S_ALD: 40,
    Criterion.C2S: 10,
    Criterion.PREGNANCY: 15,
    Criterion.DISABILITY: 15,
    Criterion.MT_RETIRED: 5,
}
# Every waiting patient counts: the engine places as many as it can.
BASE_SCORE = 10


class PriorityWeight(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="mt_priority_weights", verbose_name="CPTS")
    criterion = models.CharField("critère", max_length=20, choices=Criterion.choices)
    weight = models.PositiveSmallIntegerField("points")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "pondération d'un critère de priorité"
        verbose_name_plural = "pondérations des critères de priorité"
        ordering = ["cpts", "criterion"]
        constraints = [models.UniqueConstraint(fields=["cpts", "criterion"], name="one_weight_per_cpts_and_criterion")]

    def __str__(self):
        return f"{self.get_criterion_display()} : {self.weight}"

    @classmethod
    def weights_of(cls, cpts) -> dict[str, int]:
        weights = {str(criterion): weight for criterion, weight in DEFAULT_WEIGHTS.items()}
        weights.update({row.criterion: row.weight for row in cls.objects.for_cpts(cpts)})
        return weights


# --- Patients ------------------------------------------------------------------------------


class Channel(models.TextChoices):
    SELF = "self", "Inscription par le patient"
    COORDINATOR = "coordinator", "Inscription par la coordination"
    MEMBER = "member", "Inscription par un professionnel partenaire"
    CPAM = "cpam", "Liste de la CPAM"


class PatientStatus(models.TextChoices):
    WAITING = "waiting", "En attente"
    PROPOSED = "proposed", "Médecin proposé"
    ACCEPTED = "accepted", "Accepté par le médecin"
    INFORMED = "informed", "Patient informé"
    DECLARED = "declared", "Médecin traitant déclaré"
    WITHDRAWN = "withdrawn", "Désinscrit"


CLOSED_PATIENT_STATUSES = [PatientStatus.DECLARED, PatientStatus.WITHDRAWN]


def identity_key(last_name: str, first_name: str, birth_date) -> str:
    """Same person, same key: names without accents, case or hyphens, and the birth date."""
    return f"{normalize_name(last_name)}|{normalize_name(first_name)}|{birth_date:%Y-%m-%d}"


def new_link_nonce() -> str:
    return secrets.token_hex(16)


class PatientQuerySet(CptsOwnedQuerySet):
    def waiting(self):
        return self.filter(status=PatientStatus.WAITING)

    def open(self):
        return self.exclude(status__in=CLOSED_PATIENT_STATUSES)


# What a registration holds on the person: who they are and how to reach them, then what they declare.
# A pregnancy declared outside these ages is a typing error (of the birth date, most often).
PREGNANCY_AGES = (10, 60)
IDENTITY_FIELDS = ("first_name", "last_name", "birth_date", "commune", "email", "phone", "nir")
DECLARED_FIELDS = ("ald", "c2s", "pregnancy", "disability", "mt_retired")


class Patient(JournaledModel):
    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="mt_patients", verbose_name="CPTS")
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    birth_date = models.DateField("date de naissance")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune")
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    nir = models.CharField("NIR", max_length=15, blank=True, validators=[validate_nir])
    ald = models.BooleanField("affection de longue durée (ALD)", default=False)
    c2s = models.BooleanField("complémentaire santé solidaire (C2S)", default=False)
    pregnancy = models.BooleanField("grossesse", default=False)
    disability = models.BooleanField("situation de handicap", default=False)
    mt_retired = models.BooleanField("sans médecin traitant depuis le départ de son médecin", default=False)
    consent_at = models.DateTimeField("consentement donné le")
    channel = models.CharField("inscription", max_length=20, choices=Channel.choices)
    # Keep the registration when the registering account is erased.
    registered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="inscrit par"
    )
    registered_at = models.DateTimeField("inscrit le", default=timezone.now)
    status = models.CharField("état", max_length=20, choices=PatientStatus.choices, default=PatientStatus.WAITING)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    identity = models.CharField(max_length=250, editable=False, db_index=True, verbose_name="identité")
    # Part of the patient's private link: changing it revokes every link sent before.
    link_nonce = models.CharField(max_length=32, editable=False, default=new_link_nonce, verbose_name="nonce du lien")

    objects = PatientQuerySet.as_manager()

    # The patient's status follows their proposal's (`PATIENT_STEP_AFTER`); a withdrawal
    # closes the registration from any open status.
    workflow = Workflow(
        log="mt.PatientEvent",
        subject="Cette inscription",
        final=CLOSED_PATIENT_STATUSES,
        transitions=[
            Transition("propose", source=PatientStatus.WAITING, target=PatientStatus.PROPOSED),
            Transition("accept", source=PatientStatus.PROPOSED, target=PatientStatus.ACCEPTED),
            Transition("inform", source=PatientStatus.ACCEPTED, target=PatientStatus.INFORMED),
            Transition("declare", source=PatientStatus.INFORMED, target=PatientStatus.DECLARED),
            # A refusal (by the doctor or the patient) or an expiry: back to the queue.
            Transition(
                "requeue",
                source=[PatientStatus.PROPOSED, PatientStatus.ACCEPTED, PatientStatus.INFORMED],
                target=PatientStatus.WAITING,
            ),
            Transition("withdraw", source=ANY, target=PatientStatus.WITHDRAWN),
        ],
    )

    class Meta:
        verbose_name = "patient sans médecin traitant"
        verbose_name_plural = "patients sans médecin traitant"
        ordering = ["cpts", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cpts", "identity"],
                condition=~Q(status__in=CLOSED_PATIENT_STATUSES),
                name="one_open_registration_per_person_and_cpts",
            ),
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="patient_has_a_way_to_be_reached"),
        ]
        indexes = [models.Index(fields=["cpts", "status", "registered_at"])]

    def __str__(self):
        # Never the name: this string reaches logs and the admin's history.
        return f"Patient n° {self.pk}"

    def save(self, *args, **kwargs):
        self.nir = compact_nir(self.nir)
        self.identity = identity_key(self.last_name, self.first_name, self.birth_date)
        super().save(*args, **kwargs)

    def clean(self):
        today = timezone.localdate()
        if self.birth_date and (self.birth_date > today or self.birth_date.year < today.year - 120):
            raise ValidationError({"birth_date": "Date de naissance : elle doit être passée et plausible."})
        if not self.email and not self.phone:
            raise ValidationError({"email": "Courriel : indiquez un courriel ou un téléphone pour être recontacté."})
        if self.pregnancy and self.birth_date and not self.birth_date > today:
            age = self.age_on(today)
            if not PREGNANCY_AGES[0] <= age <= PREGNANCY_AGES[1]:
                raise ValidationError(
                    {"pregnancy": f"Grossesse : elle n'est pas plausible à {age} ans ; vérifiez la date de naissance."}
                )

    def age_on(self, day: datetime.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_PATIENT_STATUSES

    def criteria(self, on: datetime.date | None = None) -> list[str]:
        """The priority criteria this patient meets (C2S in ALD counts once, as such)."""
        on = on or timezone.localdate()
        met = []
        if self.ald and self.c2s:
            met.append(Criterion.C2S_ALD)
        elif self.ald:
            met.append(Criterion.ALD)
        elif self.c2s:
            met.append(Criterion.C2S)
        if self.age_on(on) >= 70:
            met.append(Criterion.AGE_70_PLUS)
        for flag, criterion in (
            (self.pregnancy, Criterion.PREGNANCY),
            (self.disability, Criterion.DISABILITY),
            (self.mt_retired, Criterion.MT_RETIRED),
        ):
            if flag:
                met.append(criterion)
        return met

    def score(self, weights: dict[str, int], on: datetime.date | None = None) -> tuple[int, list[tuple[str, int]]]:
        """(score, [(criterion label, points)…]): the base, then each criterion met."""
        reasons = [(Criterion(criterion).label, weights.get(criterion, 0)) for criterion in self.criteria(on)]
        return BASE_SCORE + sum(points for _, points in reasons), reasons

    def traits(self, on: datetime.date | None = None) -> frozenset[str]:
        """What doctors may decline to take (their offer's `refuses`)."""
        on = on or timezone.localdate()
        traits = set()
        if self.age_on(on) < 18:
            traits.add("child")
        if self.age_on(on) >= 70:
            traits.add("age_70_plus")
        for flag, trait in ((self.ald, "ald"), (self.pregnancy, "pregnancy"), (self.disability, "disability")):
            if flag:
                traits.add(trait)
        return frozenset(traits)

    def waiting_days(self, on: datetime.date | None = None) -> int:
        on = on or timezone.localdate()
        return max(0, (on - timezone.localtime(self.registered_at).date()).days)

    def step(self, name, *, by, proposal=None, note="", for_doctor=False):
        """Take the transition `name` of the patient's workflow (conditional update: a stale
        copy, e.g. the patient withdrew meanwhile, raises instead of writing itself back).

        `proposal`: the proposal whose move this follows; `for_doctor`: the coordinator `by`
        entered the doctor's answer for them."""
        changes = (
            {"closed_at": timezone.now()} if self.workflow.transitions[name].target in CLOSED_PATIENT_STATUSES else {}
        )
        return self.workflow.run(
            self, name, by=by, note=note, changes=changes, log={"proposal": proposal, "for_doctor": for_doctor}
        )

    @transaction.atomic
    def propose(self, *, proposal, by=None, note=""):
        """The engine proposed `proposal` to this waiting patient."""
        return self.step("propose", by=by, proposal=proposal, note=note)

    @transaction.atomic
    def withdraw(self, *, by=None, note=""):
        """The patient leaves the queue (from their private link, or the coordinator for them).

        Lock order, everywhere: the patient's row, then their proposals' rows."""
        patient = Patient.objects.select_for_update().get(pk=self.pk)
        patient.workflow.check(patient, "withdraw", message="Cette inscription est déjà close.")
        for proposal in patient.proposals.open().select_for_update().order_by("pk"):
            proposal.workflow.run(proposal, "withdraw", by=by, changes={"decided_at": timezone.now()})
        patient.step("withdraw", by=by, note=note)
        self.refresh_from_db()


class PatientEvent(TransitionLog):
    """The transition log of a registration (with the proposal whose move it follows)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="events", verbose_name="patient")
    proposal = models.ForeignKey(
        "Proposal", on_delete=models.CASCADE, null=True, blank=True, related_name="events", verbose_name="proposition"
    )
    # The coordinator entered the doctor's answer (received by phone, mail…) for them: `by` is the coordinator.
    for_doctor = models.BooleanField("saisi pour le médecin", default=False)

    class Meta(TransitionLog.Meta):
        verbose_name = "étape d'une inscription"
        verbose_name_plural = "étapes des inscriptions"
        ordering = ["patient", "at", "pk"]


# --- Volunteer doctors -----------------------------------------------------------------------


class OfferStatus(models.TextChoices):
    OPEN = "open", "Ouverte"
    PAUSED = "paused", "En pause"
    CLOSED = "closed", "Fermée"


class Trait(models.TextChoices):
    CHILD = "child", "Enfants (moins de 18 ans)"
    AGE_70_PLUS = "age_70_plus", "Personnes de 70 ans et plus"
    ALD = "ald", "Patients en ALD"
    PREGNANCY = "pregnancy", "Femmes enceintes"
    DISABILITY = "disability", "Personnes en situation de handicap"


class DoctorOfferQuerySet(CptsOwnedQuerySet):
    def with_places_used(self, on: datetime.date):
        """Each offer with `places_used` this month, counted in the list's own query."""
        return self.annotate(
            places_used=models.Count("proposals", filter=DoctorOffer.places_in_use(on, prefix="proposals__"))
        )


class DoctorOffer(JournaledModel):
    """The new patients a member doctor takes as médecin traitant: how many per month,
    from where, and which patients they decline."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="mt_offers", verbose_name="CPTS")
    doctor = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="mt_offers", verbose_name="médecin")
    places_per_month = models.PositiveSmallIntegerField("nouveaux patients par mois")
    communes = models.ManyToManyField(Commune, blank=True, related_name="+", verbose_name="communes desservies")
    radius_km = models.PositiveSmallIntegerField("rayon (km)", null=True, blank=True)
    refuses = models.JSONField("patients non acceptés", default=list, blank=True)
    status = models.CharField("état", max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now, verbose_name="date de création")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    objects = DoctorOfferQuerySet.as_manager()

    # A closed offer stays in the history; the doctor may open a new one.
    workflow = Workflow(
        log="mt.OfferEvent",
        log_fk="offer",
        subject="Cette offre",
        final=[OfferStatus.CLOSED],
        transitions=[
            Transition("pause", source=OfferStatus.OPEN, target=OfferStatus.PAUSED),
            Transition("resume", source=OfferStatus.PAUSED, target=OfferStatus.OPEN),
            Transition("close", source=[OfferStatus.OPEN, OfferStatus.PAUSED], target=OfferStatus.CLOSED),
        ],
    )

    class Meta:
        verbose_name = "offre d'un médecin volontaire"
        verbose_name_plural = "offres des médecins volontaires"
        ordering = ["cpts", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cpts", "doctor"], condition=~Q(status="closed"), name="one_live_offer_per_doctor_and_cpts"
            ),
            models.CheckConstraint(condition=Q(places_per_month__gte=1), name="offer_has_places"),
            models.CheckConstraint(
                condition=Q(radius_km__isnull=True) | Q(radius_km__gte=1), name="offer_radius_positive"
            ),
        ]

    def __str__(self):
        return f"Offre n° {self.pk}"

    def clean(self):
        unknown = [value for value in self.refuses or [] if value not in Trait.values]
        if unknown:
            raise ValidationError({"refuses": "Patients non acceptés : choisissez dans la liste."})

    @staticmethod
    def places_in_use(on: datetime.date, prefix: str = "") -> Q:
        """The proposals using a place this month: still open (whatever the month they were
        made) or declared this month (`prefix`: the path to the proposal, e.g. "proposals__")."""
        first = on.replace(day=1)
        return Q(**{f"{prefix}status__in": OPEN_PROPOSAL_STATUSES}) | Q(
            **{f"{prefix}status": ProposalStatus.DECLARED, f"{prefix}decided_at__date__gte": first}
        )

    def places_left(self, on: datetime.date | None = None) -> int:
        """This month's places minus the places in use (`DoctorOfferQuerySet.with_places_used`
        counts them for a whole list in its one query)."""
        on = on or timezone.localdate()
        used = getattr(self, "places_used", None)
        if used is None:
            used = self.proposals.filter(self.places_in_use(on)).count()
        return max(0, self.places_per_month - used)

    def transition_to(self, status) -> str | None:
        """The name of the transition that leads to `status` from here (None: no move)."""
        if status == self.status:
            return None
        for name, transition in self.workflow.transitions.items():
            if transition.target == status and self.workflow.leaves(transition, self.status):
                return name
        raise self.workflow.refusal(self)

    @transaction.atomic
    def pause(self, *, by, note=""):
        return self.workflow.run(self, "pause", by=by, note=note)

    @transaction.atomic
    def resume(self, *, by, note=""):
        return self.workflow.run(self, "resume", by=by, note=note)

    @transaction.atomic
    def close(self, *, by, note=""):
        return self.workflow.run(self, "close", by=by, note=note)


OfferEvent = transition_log(DoctorOffer, "changement d'état d'une offre", "changements d'état des offres")


# --- Proposals -------------------------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    # Shown after « Proposition n° … »: the labels agree with « proposition ».
    PROPOSED = "proposed", "Proposée au médecin"
    ACCEPTED = "accepted", "Acceptée par le médecin"
    INFORMED = "informed", "Patient informé"
    DECLARED = "declared", "Médecin traitant déclaré"
    REFUSED_BY_DOCTOR = "refused_by_doctor", "Refusée par le médecin"
    REFUSED_BY_PATIENT = "refused_by_patient", "Refusée par le patient"
    EXPIRED = "expired", "Expirée sans réponse"
    WITHDRAWN = "withdrawn", "Patient désinscrit"


# The doctor is named to the patient once they have accepted, not before (nor after a refusal).
DOCTOR_NAMED = [ProposalStatus.ACCEPTED, ProposalStatus.INFORMED, ProposalStatus.DECLARED]
OPEN_PROPOSAL_STATUSES = [ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED, ProposalStatus.INFORMED]
USING_A_PLACE = [*OPEN_PROPOSAL_STATUSES, ProposalStatus.DECLARED]
# Pairs never proposed again.
REFUSED_STATUSES = [ProposalStatus.REFUSED_BY_DOCTOR, ProposalStatus.REFUSED_BY_PATIENT, ProposalStatus.EXPIRED]
# The doctor's own answers (the coordinator may enter them on the doctor's behalf).
DOCTOR_ANSWERS = [ProposalStatus.ACCEPTED, ProposalStatus.REFUSED_BY_DOCTOR]
# The patient's transition that follows each of a proposal's (`Patient.workflow`).
PATIENT_STEP_AFTER = {
    "accept": "accept",
    "inform": "inform",
    "declare": "declare",
    "refuse_by_doctor": "requeue",
    "refuse_by_patient": "requeue",
    "expire": "requeue",
    "withdraw": "withdraw",
}
FOR_DOCTOR_SUFFIX = " (pour le médecin)"


class ProposalQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_PROPOSAL_STATUSES)

    def due_to_expire(self, now=None):
        return self.filter(status=ProposalStatus.PROPOSED, expires_at__lte=now or timezone.now())


class MatchingRun(JournaledModel):
    """One run of the engine over a CPTS's queue (on demand or on schedule)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="mt_runs", verbose_name="CPTS")
    started_at = models.DateTimeField(default=timezone.now, verbose_name="lancé le")
    by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="lancé par"
    )
    patients_considered = models.PositiveIntegerField(default=0, verbose_name="patients considérés")
    doctors_considered = models.PositiveIntegerField(default=0, verbose_name="médecins considérés")
    proposals_made = models.PositiveIntegerField(default=0, verbose_name="propositions faites")
    objective = models.JSONField(default=dict, blank=True, verbose_name="objectif")
    # Started by the CPTS's schedule (`EngineSchedule`), not by a click: at most one a day.
    scheduled = models.BooleanField("calcul planifié", default=False)
    # The day of the schedule it runs for (None for a click): a task held in the queue past
    # midnight still counts for its own day, never for the next one.
    scheduled_for = models.DateField("calcul planifié du", null=True, blank=True)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "calcul de propositions"
        verbose_name_plural = "calculs de propositions"
        ordering = ["cpts", "-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["cpts", "scheduled_for"], name="one_scheduled_mt_run_per_cpts_and_day"),
        ]

    def __str__(self):
        return f"Calcul du {timezone.localtime(self.started_at):%d/%m/%Y %H:%M}"


class Proposal(JournaledModel):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="proposals", verbose_name="patient")
    offer = models.ForeignKey(DoctorOffer, on_delete=models.PROTECT, related_name="proposals", verbose_name="offre")
    run = models.ForeignKey(
        MatchingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals", verbose_name="calcul"
    )
    status = models.CharField("état", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    distance_km = models.DecimalField("distance (km)", max_digits=6, decimal_places=1, null=True, blank=True)
    reasons = models.JSONField("pourquoi", default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name="date de création")
    expires_at = models.DateTimeField("sans réponse, expire le")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="décidée le")

    objects = ProposalQuerySet.as_manager()

    # Each transition is named; `move(to)` takes the one that leads to `to`.
    workflow = Workflow(
        log="mt.ProposalEvent",
        subject="Cette proposition",
        final=[
            ProposalStatus.DECLARED,
            ProposalStatus.REFUSED_BY_DOCTOR,
            ProposalStatus.REFUSED_BY_PATIENT,
            ProposalStatus.EXPIRED,
            ProposalStatus.WITHDRAWN,
        ],
        transitions=[
            Transition("accept", source=ProposalStatus.PROPOSED, target=ProposalStatus.ACCEPTED),
            Transition("refuse_by_doctor", source=ProposalStatus.PROPOSED, target=ProposalStatus.REFUSED_BY_DOCTOR),
            Transition("expire", source=ProposalStatus.PROPOSED, target=ProposalStatus.EXPIRED),
            Transition("inform", source=ProposalStatus.ACCEPTED, target=ProposalStatus.INFORMED),
            Transition("declare", source=ProposalStatus.INFORMED, target=ProposalStatus.DECLARED),
            Transition("refuse_by_patient", source=OPEN_PROPOSAL_STATUSES, target=ProposalStatus.REFUSED_BY_PATIENT),
            Transition("withdraw", source=OPEN_PROPOSAL_STATUSES, target=ProposalStatus.WITHDRAWN),
        ],
    )

    class Meta:
        verbose_name = "proposition de médecin traitant"
        verbose_name_plural = "propositions de médecin traitant"
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status__in=["proposed", "accepted", "informed"]),
                name="one_open_proposal_per_patient",
            )
        ]

    def __str__(self):
        return f"Proposition n° {self.pk}"

    @staticmethod
    def default_expiry(now=None):
        return (now or timezone.now()) + datetime.timedelta(days=settings.MAILLON_MT_PROPOSAL_EXPIRY_DAYS)

    def transition_to(self, to) -> str:
        """The name of the (one) transition whose target is `to` (refused if none leads there)."""
        name = next((name for name, t in self.workflow.transitions.items() if t.target == to), None)
        if name is None:
            raise self.workflow.refusal(self)
        return name

    def next_statuses(self) -> set[str]:
        """The statuses this proposal may move to now (for buttons)."""
        return self.workflow.targets_from(self.status)

    @transaction.atomic
    def move(self, to, *, by=None, note="", for_doctor=False):
        """One step of the workflow, with the patient's status and both logs, under row locks
        taken in the one order used everywhere: the patient first, then the proposal.

        `for_doctor`: the coordinator `by` enters the doctor's own answer (accept or refuse)."""
        if for_doctor and to not in DOCTOR_ANSWERS:
            raise ValidationError({"status": "Seules l'acceptation ou le refus du médecin se saisissent pour lui."})
        name = self.transition_to(to)
        patient_id = Proposal.objects.filter(pk=self.pk).values_list("patient_id", flat=True).get()
        patient = Patient.objects.select_for_update().get(pk=patient_id)
        proposal = Proposal.objects.select_for_update().get(pk=self.pk)
        # The locked row's state decides (checked before anything is written).
        proposal.workflow.check(proposal, name)
        suffix = FOR_DOCTOR_SUFFIX if for_doctor else ""
        logged_note = (note or "")[: 200 - len(suffix)] + suffix
        proposal.workflow.run(proposal, name, by=by, note=logged_note, changes={"decided_at": timezone.now()})
        patient.step(PATIENT_STEP_AFTER[name], by=by, proposal=proposal, note=note, for_doctor=for_doctor)
        self.refresh_from_db()
        return proposal


# The patient's own log follows in `PatientEvent` (whose `proposal` takes the name `events`).
ProposalEvent = transition_log(
    Proposal, "changement d'état d'une proposition", "changements d'état des propositions", related_name="transitions"
)


# --- Schedule of the engine -------------------------------------------------------------------


class Weekday(models.IntegerChoices):
    MONDAY = 0, "lundi"
    TUESDAY = 1, "mardi"
    WEDNESDAY = 2, "mercredi"
    THURSDAY = 3, "jeudi"
    FRIDAY = 4, "vendredi"
    SATURDAY = 5, "samedi"
    SUNDAY = 6, "dimanche"


class EngineSchedule(JournaledModel):
    """Whether the engine runs by itself in this CPTS, and on which weekdays (`mt_daily`).

    No row: no automatic run (the coordinator clicks « Calculer des propositions »)."""

    cpts = models.OneToOneField(Cpts, on_delete=models.CASCADE, related_name="mt_engine_schedule", verbose_name="CPTS")
    automatic = models.BooleanField("calculer automatiquement", default=False)
    weekdays = models.JSONField("jours", default=list, blank=True)

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "planification des propositions"
        verbose_name_plural = "planifications des propositions"

    def __str__(self):
        return f"Planification n° {self.pk}"

    def clean(self):
        if any(day not in Weekday.values for day in self.weekdays or []):
            raise ValidationError({"weekdays": "Jours : choisissez dans la liste."})
        if self.automatic and not self.weekdays:
            raise ValidationError({"weekdays": "Jours : choisissez au moins un jour pour le calcul automatique."})

    def runs_on(self, day: datetime.date) -> bool:
        return self.automatic and day.weekday() in (self.weekdays or [])

    def days_label(self) -> str:
        return ", ".join(Weekday(day).label for day in sorted(self.weekdays or []))
