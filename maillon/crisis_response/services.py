"""Writes of the crisis response: the alert chain, activation, the cascade, the main
courante, the end and the RETEX (carried into the crisis plan, `maillon.crisis`)."""

import datetime
import statistics
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from maillon.core import journal
from maillon.members.models import MembershipStatus, Professional

from . import dispatch
from .models import (
    AlertLevel,
    AlertLevelMember,
    Answer,
    ContactPreference,
    Crisis,
    CrisisRecipient,
    DeclaredAs,
    DeliveryStatus,
    LogEntry,
    LogKind,
    Retex,
    Typology,
)

FALLBACK_LEVEL_NAME = "Professionnels mobilisables du plan"


def active_professionals(cpts):
    """The professionals with an active adhesion to the CPTS: only they are alerted."""
    return Professional.objects.filter(memberships__cpts=cpts, memberships__status=MembershipStatus.ACTIVE).distinct()


# --- The alert chain -------------------------------------------------------------------------


def add_level(cpts, *, name: str, wait_minutes: int) -> AlertLevel:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Nom du niveau : ce champ est obligatoire."})
    if not 1 <= int(wait_minutes) <= 1440:
        raise ValidationError({"wait_minutes": "Délai : entre 1 et 1 440 minutes."})
    with transaction.atomic():
        last = AlertLevel.objects.for_cpts(cpts).select_for_update().order_by("-rank").first()
        return AlertLevel.objects.create(
            cpts=cpts, rank=(last.rank + 1) if last else 1, name=name, wait_minutes=wait_minutes
        )


def remove_level(level: AlertLevel) -> None:
    """The levels after it move up one rank — so never while a crisis or an exercise is
    active: its cascade knows its levels by rank (`alerted_rank`), and would skip or repeat one."""
    if Crisis.objects.for_cpts(level.cpts).active().exists():
        raise ValidationError(
            "Niveau : impossible de supprimer un niveau pendant une crise ou un exercice en cours "
            "(la cascade en dépend) ; terminez-le d'abord."
        )
    with transaction.atomic():
        cpts, rank = level.cpts, level.rank
        level.delete()
        for later in AlertLevel.objects.for_cpts(cpts).filter(rank__gt=rank).order_by("rank"):
            later.rank -= 1
            later.save(update_fields=["rank"])


def add_to_level(level: AlertLevel, professional: Professional) -> AlertLevelMember:
    """A member is in one level of the chain at most, and must be an active member."""
    if not active_professionals(level.cpts).filter(pk=professional.pk).exists():
        raise ValidationError({"professional": "Membre : choisissez un adhérent actif de la CPTS."})
    taken = AlertLevelMember.objects.filter(level__cpts=level.cpts, professional=professional).select_related("level")
    if taken:
        raise ValidationError({"professional": f"Membre : déjà dans la chaîne ({taken[0].level})."})
    return AlertLevelMember.objects.create(level=level, professional=professional)


def set_preference(cpts, professional, *, by_email: bool, by_sms: bool) -> ContactPreference:
    if not (by_email or by_sms):
        raise ValidationError({"by_email": "Canaux : gardez au moins le courriel ou le SMS."})
    preference, _ = ContactPreference.objects.get_or_create(cpts=cpts, professional=professional)
    preference.by_email, preference.by_sms = by_email, by_sms
    preference.save()
    return preference


def chain(cpts) -> list[tuple[AlertLevel, list[AlertLevelMember]]]:
    """The levels in order, each with its rows (`.professional`)."""
    levels = AlertLevel.objects.for_cpts(cpts).prefetch_related("members__professional").order_by("rank")
    return [(level, list(level.members.all())) for level in levels]


# --- Activation and the cascade ---------------------------------------------------------------


def _plan_version_id(cpts):
    try:
        from maillon.crisis.selectors import current_plan
    except ImportError:  # the plan's app not there yet
        return None
    version = current_plan(cpts)
    return getattr(version, "pk", None)


def _plan_professionals(cpts) -> list[Professional]:
    """The mobilisable professionals of the crisis plan (rows or professionals), else every
    active member: a CPTS without a chain still alerts someone."""
    try:
        from maillon.crisis.selectors import mobilisable_professionals
    except ImportError:
        rows = []
    else:
        rows = list(mobilisable_professionals(cpts))
    professionals = [getattr(row, "professional", row) for row in rows]
    active = set(active_professionals(cpts).values_list("pk", flat=True))
    chosen = [p for p in professionals if p.pk in active]
    return chosen or list(active_professionals(cpts))


def level_professionals(cpts, rank: int) -> tuple[str, list[Professional]]:
    level = AlertLevel.objects.for_cpts(cpts).filter(rank=rank).first()
    if level is None:
        return "", []
    members = active_professionals(cpts).filter(pk__in=level.members.values("professional_id"))
    return level.name, list(members)


def next_level(cpts, *, after_rank: int = 0) -> tuple[int, str, list[Professional]] | None:
    """The first level after `after_rank` with an active member: (rank, name, members). An
    empty level is skipped, else the cascade would wait on it forever (nobody to answer)."""
    for level in AlertLevel.objects.for_cpts(cpts).filter(rank__gt=after_rank).order_by("rank"):
        name, professionals = level_professionals(cpts, level.rank)
        if professionals:
            return level.rank, name, professionals
    return None


def activate(
    cpts,
    *,
    typology: str,
    zone: str,
    by,
    declared_as: str = DeclaredAs.COORDINATOR,
    started_at=None,
    is_exercise: bool = False,
    recognised: bool = False,
) -> Crisis:
    """Open a crisis (or an exercise), write it in the main courante and alert level 1 of
    the chain — or, without a chain, the plan's mobilisable professionals."""
    now = timezone.now()
    started_at = started_at or now
    if typology not in Typology.values:
        raise ValidationError({"typology": "Typologie : choisissez l'une des 5 typologies du plan."})
    if not (zone or "").strip():
        raise ValidationError({"zone": "Zone concernée : ce champ est obligatoire."})
    if started_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"started_at": "Début : la crise ne peut pas commencer dans le futur."})
    if recognised and declared_as != DeclaredAs.AUTHORITY:
        raise ValidationError({"recognised": "Seule l'autorité reconnaît une crise sanitaire grave."})
    if recognised and is_exercise:
        raise ValidationError({"recognised": "Un exercice ne peut pas être reconnu comme crise sanitaire grave."})
    with transaction.atomic():
        crisis = Crisis.objects.create(
            cpts=cpts,
            typology=typology,
            zone=zone.strip()[:200],
            started_at=started_at,
            is_exercise=is_exercise,
            declared_as=declared_as,
            declared_by=by,
            plan_version_id=_plan_version_id(cpts),
        )
        what = {
            (False, DeclaredAs.COORDINATOR): "Activation du plan de crise par la coordination.",
            (False, DeclaredAs.AUTHORITY): "Crise déclarée par l'autorité.",
        }.get((is_exercise, declared_as), "Exercice d'alerte lancé (ceci n'est pas une crise réelle).")
        LogEntry.objects.create(crisis=crisis, at=now, author=by, kind=LogKind.DECISION, text=what)
        if recognised:
            crisis.recognise(by=by, at=now)
        first = next_level(cpts)
        if first is None:  # no chain, or nobody active in it
            first = (1, FALLBACK_LEVEL_NAME, _plan_professionals(cpts))
        rank, name, professionals = first
        dispatch.alert_level(crisis, rank, professionals, now=now, label=name)
    return crisis


def escalate_due(crisis: Crisis, *, now=None) -> int:
    """Alert the next level with someone in it when the current one's delay has passed and
    one of its members has not answered « disponible » (or it alerted nobody); how many were
    alerted (0: nothing due)."""
    now = now or timezone.now()
    with transaction.atomic():
        crisis = Crisis.objects.select_for_update().get(pk=crisis.pk)
        if not crisis.is_active or crisis.alerted_rank == 0 or crisis.level_alerted_at is None:
            return 0
        level = AlertLevel.objects.for_cpts(crisis.cpts).filter(rank=crisis.alerted_rank).first()
        if level is None or now < crisis.level_alerted_at + datetime.timedelta(minutes=level.wait_minutes):
            return 0
        alerted = crisis.recipients.filter(level_rank=crisis.alerted_rank)
        if alerted.exists() and not alerted.exclude(answer=Answer.AVAILABLE).exists():
            return 0  # everyone of the level is available
        following = next_level(crisis.cpts, after_rank=level.rank)
        if following is None:
            return 0
        rank, name, professionals = following
        return dispatch.alert_level(crisis, rank, professionals, now=now, label=name)


def sweep(now=None) -> dict:
    """What `crisis_sweep` runs every minute: the cascades, then the due sends."""
    escalated = sum(escalate_due(crisis, now=now) for crisis in Crisis.objects.active())
    return {"escalated": escalated, **dispatch.work()}


# --- During the crisis -----------------------------------------------------------------------


def add_log(crisis: Crisis, *, text: str, kind: str, by) -> LogEntry:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Texte : ce champ est obligatoire."})
    if kind not in (LogKind.DECISION, LogKind.ACTION, LogKind.INFORMATION):
        raise ValidationError({"kind": "Nature : décision, action ou information."})
    if not crisis.is_active:
        raise ValidationError({"text": "La crise est terminée : la main courante est close."})
    return LogEntry.objects.create(crisis=crisis, text=text[:2000], kind=kind, author=by)


def assign(recipient: CrisisRecipient, *, assignment: str, by, at=None) -> CrisisRecipient:
    """Where an available member is mobilised; written in the main courante too."""
    assignment = (assignment or "").strip()[:200]
    if recipient.answer != Answer.AVAILABLE:
        raise ValidationError({"assignment": "Mobilisation : seul un membre disponible peut être mobilisé."})
    with transaction.atomic():
        recipient.assignment = assignment
        recipient.save(update_fields=["assignment"])
        text = f"Mobilisé(e) : {assignment}" if assignment else "Mobilisation levée."
        LogEntry.objects.create(
            crisis=recipient.crisis,
            at=at or timezone.now(),
            kind=LogKind.ACTION,
            author=by,
            text=text,
            professional=recipient.professional,
        )
    return recipient


def acknowledge(
    recipient: CrisisRecipient, *, answer: str, available_from=None, skills: str = "", at=None
) -> CrisisRecipient:
    """The member's answer, from their link (single-use): journaled, and in the main courante."""
    with transaction.atomic():
        recipient.record_answer(answer=answer, available_from=available_from, skills=skills, at=at)
        LogEntry.objects.create(
            crisis=recipient.crisis,
            at=recipient.answered_at,
            kind=LogKind.INFORMATION,
            professional=recipient.professional,
            text=f"Réponse (niveau {recipient.level_rank}) : {Answer(recipient.answer).label.lower()}.",
        )
    return recipient


def end(crisis: Crisis, *, by, at=None) -> Crisis:
    crisis.end(by=by, at=at)
    return crisis


def write_retex(crisis: Crisis, *, went_well: str, went_wrong: str, improvement_actions: str, by) -> Retex:
    """The RETEX of an ended crisis or exercise; its actions go into the crisis plan's next
    version (`maillon.crisis.services.carry_improvements`), once."""
    if crisis.is_active:
        raise ValidationError({"improvement_actions": "Le RETEX se rédige une fois la crise terminée."})
    if hasattr(crisis, "retex"):
        raise ValidationError({"improvement_actions": "Le RETEX de cette crise est déjà rédigé."})
    retex = Retex(
        crisis=crisis,
        went_well=(went_well or "").strip(),
        went_wrong=(went_wrong or "").strip(),
        improvement_actions=(improvement_actions or "").strip(),
        written_by=by,
    )
    if not retex.action_list:
        raise ValidationError({"improvement_actions": "Actions d'amélioration : indiquez au moins une action."})
    from maillon.crisis.services import carry_improvements

    with transaction.atomic():
        carry_improvements(crisis.cpts, items=retex.action_list, source=f"RETEX — {crisis}", by=by)
        retex.carried_at = timezone.now()
        retex.save()
    return retex


# --- The board and the exercise figures -------------------------------------------------------


@dataclass(frozen=True)
class LevelFigures:
    rank: int
    alerted: int
    reached: int
    answered: int
    available: int
    median_answer_minutes: float | None
    slowest_answer_minutes: float | None

    @property
    def reach_rate(self) -> int:
        return round(100 * self.reached / self.alerted) if self.alerted else 0

    @property
    def answer_rate(self) -> int:
        return round(100 * self.answered / self.alerted) if self.alerted else 0


def level_figures(crisis: Crisis) -> list[LevelFigures]:
    """Per level of the cascade: alerted, reached (a message sent), answered, available,
    answer times (minutes from the alert)."""
    rows = crisis.recipients.annotate(
        sent=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT))
    ).values_list("level_rank", "sent", "answer", "alerted_at", "answered_at")
    by_rank: dict[int, list] = {}
    for rank, sent, answer, alerted_at, answered_at in rows:
        by_rank.setdefault(rank, []).append((sent, answer, alerted_at, answered_at))
    figures = []
    for rank, items in sorted(by_rank.items()):
        delays = [(answered - alerted).total_seconds() / 60 for _, _, alerted, answered in items if answered]
        figures.append(
            LevelFigures(
                rank=rank,
                alerted=len(items),
                reached=sum(1 for sent, *_ in items if sent),
                answered=len(delays),
                available=sum(1 for _, answer, *_ in items if answer == Answer.AVAILABLE),
                median_answer_minutes=round(statistics.median(delays), 1) if delays else None,
                slowest_answer_minutes=round(max(delays), 1) if delays else None,
            )
        )
    return figures


def board_rows(crisis: Crisis) -> list[dict]:
    """One row per recipient: who, level, state of each channel, answer, where mobilised."""
    recipients = (
        crisis.recipients.select_related("professional")
        .prefetch_related("deliveries")
        .order_by("level_rank", "professional__last_name", "professional__first_name")
    )
    return [
        {
            "recipient": recipient,
            "deliveries": sorted(recipient.deliveries.all(), key=lambda row: row.channel),
            "reached": any(row.status == DeliveryStatus.SENT for row in recipient.deliveries.all()),
        }
        for recipient in recipients
    ]


# What the board shows of each member alerted (names only go to the journal, never values).
BOARD_FIELDS = ["first_name", "last_name", "answer", "available_from", "skills", "assignment"]


def board(crisis: Crisis, *, by, note: str) -> list[dict]:
    """The board's rows (`board_rows`), each member shown journaled as read by `by` — the one
    way the page and the API read it, so neither forgets the journal."""
    rows = board_rows(crisis)
    if rows:
        with journal.acting_as(by):
            journal.record_reads(
                CrisisRecipient,
                [row["recipient"].pk for row in rows],
                BOARD_FIELDS,
                cpts_id=crisis.cpts_id,
                note=note,
            )
    return rows


def serious_crisis_recognised(cpts, contract_year) -> bool:
    """The funding fact: a serious crisis (never an exercise) STARTED during the contract
    year [starts_on, ends_on) (day in the site's time zone), and the authority recognised
    it — at any time, even after the year ended: the crisis belongs to the year it hit."""
    return (
        Crisis.objects.for_cpts(cpts)
        .real()
        .filter(
            recognised_at__isnull=False,
            started_at__date__gte=contract_year.starts_on,
            started_at__date__lt=contract_year.ends_on,
        )
        .exists()
    )
