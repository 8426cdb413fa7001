"""The crisis response of each demo CPTS: an alert chain of three levels that follows the
crisis plan (general practitioners first: the plan's SSE referent and deputy at level 1, the
plan's other mobilisable professionals at level 2, volunteers of every profession at level
3; each member in one level, as `services.add_to_level` requires), a few members'
contact channels, one past exercise with its answers and RETEX, and one ended crisis (a
heatwave) with its main courante and RETEX.

Deterministic (seeded by the demo seed and the CPTS), dated relative to `today`, idempotent:
a CPTS that already has an alert chain is left alone. Nothing is sent: the demo's alerts
are recorded as delivered by the console provider.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from maillon.core.models import Cpts, User
from maillon.crisis.selectors import mobilisable_professionals
from maillon.crisis_response import dispatch, services
from maillon.crisis_response.models import (
    AlertDelivery,
    AlertLevel,
    Answer,
    ContactPreference,
    Crisis,
    DeclaredAs,
    DeliveryStatus,
    LogEntry,
    LogKind,
    Typology,
)
from maillon.members.professions import Profession, Specialty

LEVELS = [("Référents situations sanitaires exceptionnelles", 15, 3), ("Renforts", 30, 6), ("Volontaires", 60, 10)]
SKILLS = ["vaccination", "soins de plaies", "soutien psychologique", "gériatrie", "pédiatrie", "logistique"]
HEATWAVE_LOG = [
    (0, LogKind.DECISION, "Cellule de crise ouverte à la maison de santé ; point quotidien à 9 h avec l'ARS."),
    (3, LogKind.ACTION, "Liste des patients âgés isolés transmise aux infirmiers libéraux du territoire."),
    (26, LogKind.INFORMATION, "Point ARS : vigilance canicule orange maintenue 48 h."),
    (50, LogKind.ACTION, "Tournées de visites renforcées sur les trois communes les plus touchées."),
]


def ensure_response(cpts: Cpts, coordinator: User, *, seed: int, today: datetime.date) -> dict | None:
    """The chain, preferences, an exercise and an ended crisis; None when left alone."""
    if cpts.is_dissolved or AlertLevel.objects.for_cpts(cpts).exists():
        return None
    professionals = list(services.active_professionals(cpts).order_by("pk"))
    if len(professionals) < 4:
        return None
    rng = random.Random(f"{seed}:crisis-response:{cpts.slug}")
    rng.shuffle(professionals)
    with transaction.atomic():
        ensure_chain(cpts, chain_plan(cpts, professionals))
        ensure_preferences(cpts, professionals, rng)
        exercise = past_alert(cpts, coordinator, rng, today, days_ago=40, is_exercise=True)
        heatwave = past_alert(cpts, coordinator, rng, today, days_ago=150, is_exercise=False)
    return {"levels": len(LEVELS), "exercise": exercise.pk, "crisis": heatwave.pk}


def is_general_practitioner(professional) -> bool:
    return professional.profession == Profession.MEDECIN and professional.specialty == Specialty.GENERAL_PRACTICE


def chain_plan(cpts, professionals: list) -> list[list]:
    """The members of each level. Level 1: general practitioners, the plan's first (its SSE
    referent and deputy); level 2: the plan's other professionals, then general practitioners
    and nurses; level 3: volunteers of the other professions. Everyone the plan counts on is
    in the chain; nobody twice."""
    active = {professional.pk: professional for professional in professionals}
    planned = [row.professional_id for row in mobilisable_professionals(cpts).order_by("pk")]
    planned = [active[pk] for pk in dict.fromkeys(planned) if pk in active]
    doctors = [p for p in professionals if is_general_practitioner(p)]
    first = [p for p in planned if is_general_practitioner(p)]
    first += [p for p in doctors if p not in first][: max(0, LEVELS[0][2] - len(first))]
    if not first:  # a CPTS without a general practitioner: its first members
        first = professionals[: LEVELS[0][2]]
    second = [p for p in planned if p not in first]
    others = [p for p in professionals if p not in first and p not in second]
    backups = [p for p in others if is_general_practitioner(p) or p.profession == Profession.INFIRMIER]
    second += backups[: max(0, LEVELS[1][2] - len(second))]
    rest = [p for p in others if p not in second and not is_general_practitioner(p)]
    # Volunteers of as many professions as the CPTS has: one of each first, then the others.
    by_profession = {}
    for professional in rest:
        by_profession.setdefault(professional.profession, []).append(professional)
    third = [group[0] for group in by_profession.values()]
    third += [p for p in rest if p not in third]
    return [first, second, third[: LEVELS[2][2]]]


def ensure_chain(cpts, members: list[list]):
    for rank, ((name, wait, _), professionals) in enumerate(zip(LEVELS, members, strict=True), start=1):
        level = AlertLevel.objects.create(cpts=cpts, rank=rank, name=name, wait_minutes=wait)
        for professional in professionals:
            services.add_to_level(level, professional)


def ensure_preferences(cpts, professionals, rng):
    for professional in rng.sample(professionals, k=min(3, len(professionals))):
        by_sms = rng.random() < 0.5
        ContactPreference.objects.create(cpts=cpts, professional=professional, by_email=not by_sms, by_sms=by_sms)


def _at(today, days_ago, hour=10):
    moment = datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(hour, 0))
    return timezone.make_aware(moment)


def past_alert(cpts, coordinator, rng, today, *, days_ago, is_exercise):
    """A crisis (or an exercise) `days_ago` days ago: level 1 alerted, answers, the next level
    after its delay, the end, then the RETEX carried into the crisis plan."""
    started = _at(today, days_ago)
    crisis = Crisis.objects.create(
        cpts=cpts,
        typology=Typology.EMERGING_INFECTION if is_exercise else Typology.SICK,
        zone="Tout le territoire" if is_exercise else "Communes du sud du territoire",
        started_at=started,
        is_exercise=is_exercise,
        declared_as=DeclaredAs.COORDINATOR,
        declared_by=coordinator,
    )
    what = "Exercice d'alerte lancé (ceci n'est pas une crise réelle)." if is_exercise else "Activation du plan."
    LogEntry.objects.create(crisis=crisis, at=started, author=coordinator, kind=LogKind.DECISION, text=what)
    name, members = services.level_professionals(cpts, 1)
    dispatch.alert_level(crisis, 1, members, now=started, label=name)
    answer_some(crisis, rng, level=1, rate=0.7)
    services.escalate_due(crisis, now=started + datetime.timedelta(minutes=LEVELS[0][1]))
    answer_some(crisis, rng, level=2, rate=0.5)
    mark_delivered(crisis, rng)
    if not is_exercise:
        for hours, kind, text in HEATWAVE_LOG:
            at = started + datetime.timedelta(hours=hours)
            LogEntry.objects.create(crisis=crisis, at=at, author=coordinator, kind=kind, text=text)
        mobilise(crisis, coordinator)
    ended = started + datetime.timedelta(hours=2 if is_exercise else 72)
    crisis.end(by=coordinator, at=ended)
    write_retex(crisis, coordinator, is_exercise)
    return crisis


def answer_some(crisis, rng, *, level, rate):
    for recipient in crisis.recipients.filter(level_rank=level).order_by("pk"):
        if rng.random() > rate:
            continue
        at = recipient.alerted_at + datetime.timedelta(minutes=rng.randint(2, 25))
        available = rng.random() < 0.75
        services.acknowledge(
            recipient,
            answer=Answer.AVAILABLE if available else Answer.UNAVAILABLE,
            available_from=at + datetime.timedelta(hours=rng.randint(0, 4)),
            skills=", ".join(rng.sample(SKILLS, k=2)) if available else "",
            at=at,
        )


def mark_delivered(crisis, rng):
    """The demo sends nothing: every message is recorded delivered, one SMS failed for good."""
    deliveries = AlertDelivery.objects.filter(recipient__crisis=crisis)
    rows = list(deliveries.select_related("recipient").order_by("pk"))
    for delivery in rows:
        delivery.status, delivery.attempts = DeliveryStatus.SENT, 1
        delivery.sent_at = delivery.recipient.alerted_at + datetime.timedelta(seconds=rng.randint(2, 40))
        delivery.provider_message_id = f"demo-{delivery.idempotency_key[:12]}"
    AlertDelivery.objects.bulk_update(rows, ["status", "attempts", "sent_at", "provider_message_id"])
    failed = deliveries.filter(channel="sms").order_by("pk").first()
    if failed is not None:
        deliveries.filter(pk=failed.pk).update(
            status=DeliveryStatus.FAILED, attempts=dispatch.MAX_ATTEMPTS, sent_at=None, last_error="SmsError"
        )


def mobilise(crisis, coordinator):
    at = crisis.started_at + datetime.timedelta(hours=4)
    for recipient in crisis.recipients.filter(answer=Answer.AVAILABLE).order_by("pk")[:2]:
        services.assign(recipient, assignment="Visites à domicile des personnes âgées isolées", by=coordinator, at=at)


def write_retex(crisis, coordinator, is_exercise):
    if is_exercise:
        actions = "Mettre à jour les numéros de portable des membres\nAjouter un quatrième niveau à la chaîne d'alerte"
        went_wrong = "Un numéro de portable erroné ; deux membres du niveau 1 n'ont pas répondu."
    else:
        actions = (
            "Tenir à jour la liste des patients âgés isolés\nPrévoir des ventilateurs de prêt à la maison de santé"
        )
        went_wrong = "La liste des patients isolés datait de plus d'un an."
    try:
        services.write_retex(
            crisis,
            went_well="Alerte reçue en quelques secondes ; réponses rapides du premier niveau.",
            went_wrong=went_wrong,
            improvement_actions=actions,
            by=coordinator,
        )
    except ImportError:  # the crisis plan's app is not there: no RETEX in the demo
        return
