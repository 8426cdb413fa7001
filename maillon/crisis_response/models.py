"""Crises, the alert chain, acknowledgements, exercises and RETEX — mission 4.

The alert chain is a cascade of levels: level 1 is alerted at activation; the next level
is alerted when a level's delay has passed and one of its members has not answered
« disponible ». Each alert goes through an outbox (`AlertDelivery`, one row per recipient
and channel, with an idempotency key): see `dispatch.py` and docs/crisis.md.
"""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from maillon.core.models import Cpts, CptsOwnedQuerySet, JournaledModel, User
from maillon.core.notifications.models import Channel
from maillon.members.models import Professional

from . import policies


def new_nonce() -> str:
    return secrets.token_hex(16)


class Typology(models.TextChoices):
    """The 5 typologies of the national guidelines (DOMAIN.md §3, mission 4)."""

    INJURED = "injured", "Afflux de blessés somatiques ou psychiques (attentat, incendie, explosion, émeute)"
    SICK = "sick", "Afflux de malades, notamment âgés (épidémie saisonnière, canicule, grand froid, pollution)"
    EMERGING_INFECTION = "emerging_infection", "Agent infectieux émergent (dont campagne de vaccination exceptionnelle)"
    NRC = "nrc", "Accident ou attentat nucléaire, radiologique ou chimique (NRC)"
    CARE_CAPACITY_LOSS = "care_capacity_loss", "Perte de capacité de soins (pénurie, neige, inondation, cyclone)"


class ContactPreference(JournaledModel):
    """How a member of the CPTS wants to be alerted. Without a row: e-mail and SMS (when
    the professional has a valid phone number)."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="+", verbose_name="CPTS")
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="+", verbose_name="professionnel de santé"
    )
    by_email = models.BooleanField("par courriel", default=True)
    by_sms = models.BooleanField("par SMS", default=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "préférence de contact"
        verbose_name_plural = "préférences de contact"
        ordering = ["cpts", "professional"]
        constraints = [
            models.UniqueConstraint(fields=["cpts", "professional"], name="one_contact_preference_per_member"),
            models.CheckConstraint(condition=Q(by_email=True) | Q(by_sms=True), name="contact_by_some_channel"),
        ]

    def __str__(self):
        channels = [label for on, label in ((self.by_email, "courriel"), (self.by_sms, "SMS")) if on]
        return f"{self.professional} : {', '.join(channels)}"


class AlertLevel(JournaledModel):
    """A level of the cascade: who is alerted, and how long it waits before the next level."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="+", verbose_name="CPTS")
    rank = models.PositiveSmallIntegerField("niveau")
    name = models.CharField("nom", max_length=100)
    wait_minutes = models.PositiveSmallIntegerField(
        "délai avant le niveau suivant (minutes)", default=15, help_text="Sans réponse « disponible » de tous."
    )

    objects = CptsOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "niveau de la chaîne d'alerte"
        verbose_name_plural = "niveaux de la chaîne d'alerte"
        ordering = ["cpts", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["cpts", "rank"], name="one_alert_level_per_rank"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="alert_level_rank_from_1"),
            models.CheckConstraint(condition=Q(wait_minutes__gte=1), name="alert_level_waits_a_minute"),
        ]

    def __str__(self):
        return f"Niveau {self.rank} — {self.name}"


class AlertLevelMember(JournaledModel):
    level = models.ForeignKey(AlertLevel, on_delete=models.CASCADE, related_name="members", verbose_name="niveau")
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="+", verbose_name="professionnel de santé"
    )

    class Meta:
        verbose_name = "membre d'un niveau d'alerte"
        verbose_name_plural = "membres des niveaux d'alerte"
        ordering = ["level", "professional"]
        constraints = [models.UniqueConstraint(fields=["level", "professional"], name="once_per_alert_level")]

    def __str__(self):
        return f"{self.level} : {self.professional}"


class DeclaredAs(models.TextChoices):
    COORDINATOR = "coordinator", "Coordination de la CPTS (activation du plan)"
    AUTHORITY = "authority", "Autorité (ARS, préfecture)"


class CrisisQuerySet(CptsOwnedQuerySet):
    def real(self):
        return self.filter(is_exercise=False)

    def exercises(self):
        return self.filter(is_exercise=True)

    def active(self):
        return self.filter(ended_at__isnull=True)


class Crisis(JournaledModel):
    """A crisis (or an exercise, never confused with one): activated by the coordination,
    or declared by the authority of the territory; only the authority recognises it serious."""

    cpts = models.ForeignKey(Cpts, on_delete=models.CASCADE, related_name="+", verbose_name="CPTS")
    typology = models.CharField("typologie", max_length=30, choices=Typology.choices)
    zone = models.CharField("zone concernée", max_length=200)
    started_at = models.DateTimeField("début")
    ended_at = models.DateTimeField("fin", null=True, blank=True)
    is_exercise = models.BooleanField("exercice", default=False)
    declared_as = models.CharField("déclarée par", max_length=20, choices=DeclaredAs.choices)
    declared_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="déclarée par"
    )
    recognised_at = models.DateTimeField("reconnue crise sanitaire grave le", null=True, blank=True)
    recognised_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="reconnue par"
    )
    # The version of the crisis plan (maillon.crisis) in force at activation; an id, since
    # plan versions are never deleted and the plan's app may change its tables.
    plan_version_id = models.PositiveIntegerField("version du plan", null=True, blank=True)
    # The highest level of the cascade alerted so far, and when.
    alerted_rank = models.PositiveSmallIntegerField(default=0, verbose_name="rang alerté")
    level_alerted_at = models.DateTimeField(null=True, blank=True, verbose_name="niveau alerté le")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    objects = CrisisQuerySet.as_manager()

    class Meta:
        verbose_name = "crise"
        verbose_name_plural = "crises"
        ordering = ["cpts", "-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_exercise=False) | Q(recognised_at__isnull=True), name="an_exercise_is_never_recognised"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="crisis_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        kind = "Exercice" if self.is_exercise else "Crise"
        return f"{kind} du {timezone.localtime(self.started_at):%d/%m/%Y} — {self.get_typology_display()}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def kind_label(self) -> str:
        return "Exercice" if self.is_exercise else "Crise"

    def is_authority(self, user) -> bool:
        """An authority (ARS, préfecture) over the CPTS's département or région
        (`policies.can_recognise_crisis`)."""
        return user is not None and policies.can_recognise_crisis(user, self.cpts_id)

    def end(self, *, by, at=None):
        at = at or timezone.now()
        if not self.is_active:
            raise ValidationError({"ended_at": "Cette crise est déjà terminée."})
        if at < self.started_at:
            raise ValidationError({"ended_at": "La fin ne peut pas précéder le début."})
        with transaction.atomic():
            self.ended_at = at
            self.save(update_fields=["ended_at"])
            cancelled = AlertDelivery.objects.filter(recipient__crisis=self, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.CANCELLED, lease_until=None
            )
            text = f"Fin de la crise.{f' {cancelled} envoi(s) en attente annulé(s).' if cancelled else ''}"
            LogEntry.objects.create(crisis=self, at=at, author=by, kind=LogKind.SYSTEM, text=text)

    def recognise(self, *, by, at=None):
        """The authority recognises a serious crisis: the fact `serious_crisis_recognised`
        of the contract year in which the crisis started becomes true (contract funding,
        mission 4), whenever the recognition comes. Only an authority over the CPTS's
        territory may: the callers' checks are not trusted with the funding fact."""
        if not self.is_authority(by):
            raise PermissionDenied("Seule l'autorité du territoire reconnaît une crise sanitaire grave.")
        if self.is_exercise:
            raise ValidationError(
                {"recognised_at": "Un exercice ne peut pas être reconnu comme crise sanitaire grave."}
            )
        if self.recognised_at is not None:
            raise ValidationError({"recognised_at": "Cette crise est déjà reconnue comme crise sanitaire grave."})
        at = at or timezone.now()
        with transaction.atomic():
            self.recognised_at, self.recognised_by = at, by
            self.save(update_fields=["recognised_at", "recognised_by"])
            LogEntry.objects.create(
                crisis=self,
                at=at,
                author=by,
                kind=LogKind.DECISION,
                text="Reconnue crise sanitaire grave par l'autorité.",
            )


class Answer(models.TextChoices):
    AVAILABLE = "available", "Disponible"
    UNAVAILABLE = "unavailable", "Indisponible"


class CrisisRecipient(JournaledModel):
    """A member alerted for a crisis, and their acknowledgement (answered once, from their link)."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="recipients", verbose_name="crise")
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="+", verbose_name="professionnel de santé"
    )
    level_rank = models.PositiveSmallIntegerField("niveau")
    alerted_at = models.DateTimeField("alerté le")
    # Random, signed into the link with the row's id (see tokens.py): a link names one
    # member of one crisis; the row's answer makes it single-use.
    token_nonce = models.CharField(max_length=32, default=new_nonce, editable=False, verbose_name="nonce du jeton")
    answer = models.CharField("réponse", max_length=20, choices=Answer.choices, blank=True)
    available_from = models.DateTimeField("disponible à partir de", null=True, blank=True)
    skills = models.CharField("compétences mobilisables", max_length=300, blank=True)
    answered_at = models.DateTimeField("a répondu le", null=True, blank=True)
    assignment = models.CharField("mobilisé(e) où", max_length=200, blank=True)

    class Meta:
        verbose_name = "membre alerté"
        verbose_name_plural = "membres alertés"
        ordering = ["crisis", "level_rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["crisis", "professional"], name="alerted_once_per_crisis"),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answered_at__isnull=False), name="an_answer_has_its_time"
            ),
        ]

    def __str__(self):
        return f"{self.crisis} : {self.professional}"

    @property
    def has_answered(self) -> bool:
        return self.answered_at is not None

    def link_expires_at(self):
        return self.alerted_at + timezone.timedelta(hours=settings.MAILLON_CRISIS_ACK_LINK_HOURS)

    def record_answer(self, *, answer, available_from=None, skills="", at=None):
        """Once only (the link is single-use); the row is locked so two clicks record one answer.
        The crisis row is locked and read again too: no answer once it ended (`Crisis.end`
        writes that row, so the two wait on each other)."""
        at = at or timezone.now()
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            ended_at = Crisis.objects.select_for_update().values_list("ended_at", flat=True).get(pk=current.crisis_id)
            if ended_at is not None:
                raise ValidationError("Cette crise est terminée : il n'est plus possible de répondre à l'alerte.")
            if current.has_answered:
                raise ValidationError("Vous avez déjà répondu à cette alerte.")
            if answer not in Answer.values:
                raise ValidationError({"answer": "Réponse : choisissez « disponible » ou « indisponible »."})
            current.answer = answer
            current.available_from = (available_from or at) if answer == Answer.AVAILABLE else None
            current.skills = skills.strip()[:300] if answer == Answer.AVAILABLE else ""
            current.answered_at = at
            current.save(update_fields=["answer", "available_from", "skills", "answered_at"])
        for field in ("answer", "available_from", "skills", "answered_at"):
            setattr(self, field, getattr(current, field))


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"
    # The crisis ended before the send (or its retry): nobody is alerted for an ended crisis.
    CANCELLED = "cancelled", "Annulé (crise terminée)"


class AlertDelivery(models.Model):
    """The outbox: one row per recipient and channel. Ids and states only (the address and
    the text are read at sending time), so it is not journaled row by row: the alert of a
    level is, once (`dispatch.alert_level`)."""

    recipient = models.ForeignKey(
        CrisisRecipient, on_delete=models.CASCADE, related_name="deliveries", verbose_name="destinataire"
    )
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    # Handed to the provider, which sends a key once (see sms.py).
    idempotency_key = models.CharField(max_length=64, unique=True, verbose_name="clé d'unicité")
    status = models.CharField("état", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, verbose_name="prochain essai le")
    # A claim: which worker holds the row, until when (then another worker takes it over).
    claim = models.CharField(max_length=32, blank=True, verbose_name="réservation de l'envoi")
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name="réservé jusqu'à")
    provider_message_id = models.CharField(max_length=100, blank=True, verbose_name="identifiant chez le fournisseur")
    # The exception's class only: a provider's message may quote the address.
    last_error = models.CharField(max_length=100, blank=True, verbose_name="dernière erreur")
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name="date d'envoi")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")

    class Meta:
        verbose_name = "envoi d'alerte"
        verbose_name_plural = "envois d'alertes"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "channel"], name="one_delivery_per_channel")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="alert_delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} n° {self.pk} : {self.get_status_display()}"


class LogKind(models.TextChoices):
    DECISION = "decision", "Décision"
    ACTION = "action", "Action"
    INFORMATION = "information", "Information"
    SYSTEM = "system", "Événement"


class LogEntryQuerySet(models.QuerySet):
    """No bulk change nor deletion either (on PostgreSQL a trigger refuses them too)."""

    def update(self, **kwargs):
        raise ValidationError("La main courante ne se modifie pas : ajoutez une ligne.")

    def delete(self):
        raise ValidationError("La main courante ne se supprime pas.")


class LogEntry(JournaledModel):
    """A line of the main courante: timestamped, append-only (never changed nor deleted):
    refused by the model, its QuerySet, the crisis FK (PROTECT) and, on PostgreSQL, a
    trigger (migration 0003)."""

    crisis = models.ForeignKey(Crisis, on_delete=models.PROTECT, related_name="log", verbose_name="crise")
    at = models.DateTimeField("heure", default=timezone.now)
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="auteur"
    )
    kind = models.CharField("nature", max_length=20, choices=LogKind.choices, default=LogKind.ACTION)
    text = models.TextField("texte", max_length=2000)
    # The member a line is about (an answer, a mobilisation), shown by name on the board.
    professional = models.ForeignKey(
        Professional,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="professionnel de santé",
    )

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de main courante"
        verbose_name_plural = "main courante"
        ordering = ["crisis", "at", "pk"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} — {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("La main courante ne se modifie pas : ajoutez une ligne.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("La main courante ne se supprime pas.")


class Retex(JournaledModel):
    """The retour d'expérience of an ended crisis or exercise; its improvement actions go
    into the next version of the crisis plan (`maillon.crisis.services.carry_improvements`)."""

    crisis = models.OneToOneField(Crisis, on_delete=models.CASCADE, related_name="retex", verbose_name="crise")
    went_well = models.TextField("ce qui a fonctionné", blank=True)
    went_wrong = models.TextField("ce qui n'a pas fonctionné", blank=True)
    improvement_actions = models.TextField("actions d'amélioration", help_text="Une action par ligne.")
    written_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="rédigé par"
    )
    written_at = models.DateTimeField(default=timezone.now, verbose_name="rédigé le")
    carried_at = models.DateTimeField("reportées dans le plan le", null=True, blank=True)

    class Meta:
        verbose_name = "RETEX"
        verbose_name_plural = "RETEX"
        ordering = ["crisis"]

    def __str__(self):
        return f"RETEX — {self.crisis}"

    @property
    def action_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.improvement_actions.splitlines() if line.strip(" -•\t")]
