"""The médecin traitant desk's writes: registrations, proposals and their workflow.

Every write runs in one transaction; e-mails leave through background tasks once it
commits (`notifications.py`), so a refusal or a rollback sends nothing.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core.models import Cpts
from maillon.members.models import Membership
from maillon.territories.models import Commune, TerritoryCommune

from . import matching, notifications
from .models import (
    DECLARED_FIELDS,
    DOCTOR_ANSWERS,
    IDENTITY_FIELDS,
    REFUSED_STATUSES,
    Channel,
    DoctorOffer,
    EngineSchedule,
    MatchingRun,
    OfferStatus,
    Patient,
    PatientStatus,
    PriorityWeight,
    Proposal,
    ProposalStatus,
    compact_nir,
    identity_key,
)

PATIENT_FIELDS = IDENTITY_FIELDS + DECLARED_FIELDS
LINK_SALT = "maillon.mt.patient-link"


# --- Registration ------------------------------------------------------------------------


def cpts_of_commune(commune: Commune) -> Cpts | None:
    """The CPTS whose territory holds the commune today, if any."""
    row = TerritoryCommune.objects.current().filter(commune=commune).select_related("cpts").first()
    return row.cpts if row and not row.cpts.is_dissolved else None


def find_open_registration(cpts, *, last_name, first_name, birth_date) -> Patient | None:
    key = identity_key(last_name, first_name, birth_date)
    return Patient.objects.for_cpts(cpts).open().filter(identity=key).first()


@transaction.atomic
def register_patient(*, cpts, data: dict, channel: str, consent: bool, by=None) -> tuple[Patient, bool]:
    """(patient, created). A person already waiting in this CPTS is not registered twice:
    the existing registration is returned (and, from the public form, reminded by e-mail
    without telling the visitor, so the form reveals nobody's registration)."""
    if not consent:
        raise ValidationError(
            {"consent": "Consentement : il est nécessaire pour vous inscrire sur la liste d'attente."}
        )
    fields = {name: data[name] for name in PATIENT_FIELDS if name in data}
    fields["nir"] = compact_nir(fields.get("nir") or "")
    patient = Patient(cpts=cpts, channel=channel, registered_by=by, consent_at=timezone.now(), **fields)
    patient.full_clean(exclude=["cpts", "registered_by", "identity", "link_nonce"])
    if cpts_of_commune(patient.commune) != cpts:
        raise ValidationError({"commune": "Commune : elle n'est pas dans le territoire de cette CPTS."})
    existing = find_open_registration(
        cpts, last_name=patient.last_name, first_name=patient.first_name, birth_date=patient.birth_date
    )
    if existing is not None:
        if channel == Channel.SELF:
            notifications.on_commit(notifications.send_registration_reminder, existing.pk)
        return existing, False
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:  # a concurrent twin won the race
        existing = find_open_registration(
            cpts, last_name=patient.last_name, first_name=patient.first_name, birth_date=patient.birth_date
        )
        return existing, False
    notifications.on_commit(notifications.send_registration_acknowledgement, patient.pk)
    return patient, True


def private_link_token(patient: Patient) -> str:
    """A signed token naming the registration (its number and nonce, nothing personal)."""
    return signing.TimestampSigner(salt=LINK_SALT).sign(f"{patient.pk}.{patient.link_nonce}")


def patient_of_token(token: str) -> Patient | None:
    """The registration of a valid, unexpired token; None otherwise."""
    max_age = datetime.timedelta(days=settings.MAILLON_MT_LINK_MAX_AGE_DAYS)
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None
    pk, _, nonce = value.partition(".")
    if not pk.isdigit():
        return None
    return Patient.objects.filter(pk=int(pk), link_nonce=nonce).first()


# --- Priority ----------------------------------------------------------------------------


def queue(cpts, *, on: datetime.date | None = None) -> list[tuple[Patient, int, list]]:
    """Waiting patients, highest score first, then longest waiting: [(patient, score, reasons)…]."""
    weights = PriorityWeight.weights_of(cpts)
    rows = []
    for patient in Patient.objects.for_cpts(cpts).waiting().select_related("commune"):
        score, reasons = patient.score(weights, on)
        rows.append((patient, score, reasons))
    rows.sort(key=lambda row: (-row[1], row[0].registered_at, row[0].pk))
    return rows


@transaction.atomic
def set_weights(cpts, weights: dict[str, int]) -> None:
    for criterion, weight in weights.items():
        if weight < 0 or weight > 1000:
            raise ValidationError({criterion: "Points : un nombre entier de 0 à 1 000."})
        PriorityWeight.objects.update_or_create(cpts=cpts, criterion=criterion, defaults={"weight": weight})


# --- Proposals ---------------------------------------------------------------------------


def _point(commune: Commune) -> tuple[float, float]:
    return (float(commune.latitude), float(commune.longitude))


def excluded_pairs(cpts) -> set[tuple[int, int]]:
    """(patient, offer) pairs never proposed: a patient refused by a doctor, who refused
    them, or whose proposal expired is excluded from every offer of that doctor in the
    CPTS, past and future (closing and reopening an offer does not forget a refusal)."""
    refused = set(
        Proposal.objects.filter(patient__cpts=cpts, status__in=REFUSED_STATUSES).values_list(
            "patient_id", "offer__doctor_id"
        )
    )
    if not refused:
        return set()
    offers_of = {}
    for offer_id, doctor_id in DoctorOffer.objects.for_cpts(cpts).values_list("pk", "doctor_id"):
        offers_of.setdefault(doctor_id, []).append(offer_id)
    return {(patient_id, offer_id) for patient_id, doctor_id in refused for offer_id in offers_of.get(doctor_id, ())}


def offers_to_consider(cpts):
    """Open offers of doctors whose adhesion to the CPTS is active."""
    members = Membership.objects.for_cpts(cpts).active().filter(professional__isnull=False)
    return (
        DoctorOffer.objects.for_cpts(cpts)
        .filter(status=OfferStatus.OPEN, doctor__in=members.values("professional"))
        .select_related("doctor")
        .prefetch_related("communes")
        .order_by("pk")
    )


@transaction.atomic
def propose(cpts, *, by=None, now=None, scheduled_for: datetime.date | None = None) -> MatchingRun:
    """Run the engine over the waiting queue and record its proposals.

    The CPTS row is locked: two runs at once (a click and the schedule) wait for each
    other, and the second finds the patients already proposed. The waiting patients'
    rows are locked too (a withdrawal waits for the run), and each patient moves by a
    conditional update: one who left the queue meanwhile is skipped, never brought back.
    An offer without a practice place nor a commune served is skipped and counted.
    `scheduled_for`: the day of the CPTS's schedule this run is for (None: a click).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    Cpts.objects.select_for_update().get(pk=cpts.pk)
    weights = PriorityWeight.weights_of(cpts)
    waiting = list(
        Patient.objects.for_cpts(cpts)
        .waiting()
        .select_for_update(of=("self",))
        .select_related("commune")
        .order_by("pk")
    )
    engine_patients = [
        matching.Patient(
            id=patient.pk,
            weight=patient.score(weights, today)[0],
            waiting_days=patient.waiting_days(today),
            commune=patient.commune_id,
            point=_point(patient.commune),
            traits=patient.traits(today),
        )
        for patient in waiting
    ]
    engine_doctors, skipped_offers = [], 0
    for offer in offers_to_consider(cpts):
        places = offer.places_left(today)
        if places <= 0:
            continue
        commune = _offer_commune(offer)
        if commune is None:
            skipped_offers += 1
            continue
        engine_doctors.append(
            matching.Doctor(
                id=offer.pk,
                places=places,
                point=_point(commune),
                commune=commune.code,
                communes=frozenset(served.code for served in offer.communes.all()) or None,
                radius_km=float(offer.radius_km) if offer.radius_km else None,
                refuses=frozenset(offer.refuses or ()),
            )
        )
    solution = matching.solve(engine_patients, engine_doctors, excluded_pairs(cpts))
    run = MatchingRun.objects.create(
        cpts=cpts,
        started_at=now,
        by=by,
        patients_considered=len(waiting),
        doctors_considered=len(engine_doctors),
        proposals_made=0,
        objective={**_objective_json(solution), "skipped_offers": skipped_offers},
        scheduled=scheduled_for is not None,
        scheduled_for=scheduled_for,
    )
    by_id = {patient.pk: patient for patient in waiting}
    made = 0
    for assignment in solution.assignments:
        patient = by_id[assignment.patient_id]
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    patient=patient,
                    offer_id=assignment.doctor_id,
                    run=run,
                    distance_km=(
                        Decimal(str(round(assignment.distance_km, 1))) if assignment.distance_km is not None else None
                    ),
                    reasons=list(assignment.reasons),
                    created_at=now,
                    expires_at=Proposal.default_expiry(now),
                )
                patient.propose(proposal=proposal, by=by, note=f"calcul n° {run.pk}")
        except ValidationError:  # no longer waiting: left out of this run
            continue
        made += 1
        notifications.on_commit(notifications.send_proposal_to_doctor, proposal.pk)
    if made:
        run.proposals_made = made
        run.save()
    return run


def _offer_commune(offer: DoctorOffer) -> Commune | None:
    """Where the doctor practises: their first practice place's commune, else the first commune served."""
    place = offer.doctor.practice_places.select_related("commune").order_by("pk").first()
    return place.commune if place else offer.communes.order_by("code").first()


def _objective_json(solution) -> dict:
    objective = solution.objective
    return {
        name: (float(value) if isinstance(value, Decimal) else value) for name, value in objective._asdict().items()
    }


def transition(proposal: Proposal, to: str, *, by=None, note="") -> Proposal:
    """One step of a proposal's workflow; the patient and the doctor hear of it by e-mail."""
    proposal = proposal.move(to, by=by, note=note)
    notifications.on_commit(notifications.send_transition, proposal.pk, to)
    return proposal


FOR_DOCTOR_NOTE_NEEDED = (
    "Note : indiquez comment la réponse du médecin a été reçue (par exemple « Réponse reçue par téléphone le … »)."
)


def answer_for_doctor(proposal: Proposal, to: str, *, by, note: str) -> Proposal:
    """The coordinator `by` enters the doctor's acceptance or refusal, received by phone or
    otherwise: a note saying how is required, and the log keeps who entered it, for the doctor.
    The doctor gets the usual e-mail, which confirms what was entered in their name."""
    if to in DOCTOR_ANSWERS:
        proposal.workflow.check(proposal, proposal.transition_to(to))  # a late answer changes nothing
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": FOR_DOCTOR_NOTE_NEEDED})
    proposal = proposal.move(to, by=by, note=note[:200], for_doctor=True)
    notifications.on_commit(notifications.send_transition, proposal.pk, to)
    notifications.on_commit(notifications.send_answer_entered_for_doctor, proposal.pk, to)
    return proposal


def expire_due(now=None) -> int:
    """Proposals the doctor left unanswered past their expiry go back to the queue."""
    count = 0
    for proposal in Proposal.objects.due_to_expire(now):
        try:
            transition(proposal, ProposalStatus.EXPIRED, note="sans réponse du médecin")
        except ValidationError:  # answered meanwhile
            continue
        count += 1
    return count


# --- Retention ----------------------------------------------------------------------------


def purge_closed(now=None) -> int:
    """Delete the registrations closed more than `MAILLON_MT_RETENTION_DAYS` ago (journaled)."""
    limit = (now or timezone.now()) - datetime.timedelta(days=settings.MAILLON_MT_RETENTION_DAYS)
    patients = Patient.objects.filter(closed_at__lt=limit).filter(
        Q(status=PatientStatus.DECLARED) | Q(status=PatientStatus.WITHDRAWN)
    )
    count = 0
    for patient in patients:
        patient.delete()
        count += 1
    return count


# --- Web-facing helpers ---------------------------------------------------------------------


def patients_registered_by(cpts, user):
    """The registrations a partner member made for this CPTS (all states), newest first."""
    return (
        Patient.objects.for_cpts(cpts)
        .filter(registered_by=user, channel=Channel.MEMBER)
        .select_related("commune")
        .order_by("-registered_at", "-pk")
    )


@transaction.atomic
def withdraw(patient: Patient, *, by=None, note="") -> Patient:
    """The patient leaves the queue; the doctor of an open proposal (and the patient) hear of it."""
    open_ids = list(patient.proposals.open().values_list("pk", flat=True))
    patient.withdraw(by=by, note=note)
    for proposal_id in open_ids:
        notifications.on_commit(notifications.send_transition, proposal_id, ProposalStatus.WITHDRAWN)
    return patient


@transaction.atomic
def save_offer(offer: DoctorOffer, *, communes=(), status=None, by=None) -> DoctorOffer:
    """Create or update a doctor's offer and its communes served, in one transaction.

    `status`: the state the doctor chose. A new offer is created in it; an existing one
    moves there through its workflow (pause, resume, close), checked before any write."""
    if offer._state.adding:
        if status is not None:
            offer.status = status
        offer.full_clean(exclude=["cpts", "doctor", "communes"])
        offer.save()
        offer.communes.set(communes)
        return offer
    name = offer.transition_to(status) if status is not None else None
    offer.full_clean(exclude=["cpts", "doctor", "communes"])
    offer.save()
    offer.communes.set(communes)
    if name is not None:
        offer.workflow.run(offer, name, by=by)
    return offer


# --- Daily run ------------------------------------------------------------------------------


def schedule_of(cpts) -> EngineSchedule:
    """The CPTS's schedule of the engine (an unsaved, manual one if it never chose)."""
    return EngineSchedule.objects.filter(cpts=cpts).first() or EngineSchedule(cpts=cpts)


def save_schedule(cpts, *, automatic: bool, weekdays) -> EngineSchedule:
    schedule = schedule_of(cpts)
    schedule.automatic, schedule.weekdays = automatic, sorted({int(day) for day in weekdays})
    schedule.full_clean(exclude=["cpts"])
    schedule.save()
    return schedule


def cpts_due_for_engine(day: datetime.date) -> list[int]:
    """Ids of the CPTS (not dissolved, with an open offer) whose schedule says `day` and
    where the scheduled run of that day has not happened yet."""
    ran = MatchingRun.objects.filter(scheduled_for=day).values("cpts_id")
    with_offers = DoctorOffer.objects.filter(status=OfferStatus.OPEN).values("cpts_id")
    schedules = (
        EngineSchedule.objects.filter(automatic=True, cpts__in=with_offers)
        .exclude(cpts__in=ran)
        .select_related("cpts")
        .order_by("cpts_id")
    )
    return [schedule.cpts_id for schedule in schedules if schedule.runs_on(day) and not schedule.cpts.is_dissolved]


@transaction.atomic
def propose_on_schedule(cpts_id: int, day: datetime.date, *, now=None) -> MatchingRun | None:
    """The scheduled run of `day` in one CPTS (one partition of the national problem: CPTS
    territories never overlap), at most once per `day` whenever the task runs (a task held in
    the queue past midnight is still `day`'s run): a second call for that day, from a retried
    task or a second scheduler, finds the first run under the CPTS's row lock and does nothing
    (and the unique (cpts, scheduled_for) constraint backs it)."""
    cpts = Cpts.objects.select_for_update().filter(pk=cpts_id).first()
    if cpts is None or cpts.is_dissolved:
        return None
    if MatchingRun.objects.filter(cpts=cpts, scheduled_for=day).exists():
        return None
    return propose(cpts, now=now, scheduled_for=day)


def daily(*, now=None) -> dict:
    """Once a day: expire unanswered proposals and purge closed registrations past retention.
    The scheduled runs of the engine are background tasks (`tasks.enqueue_scheduled_runs`)."""
    return {"expired": expire_due(now), "purged": purge_closed(now)}
