"""In-app notifications, per-person preferences and the delivery ledger of every message."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    IN_APP = "in_app", "Sur le site"
    EMAIL = "email", "Courriel"
    SMS = "sms", "SMS"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """What a person reads on the site (the header's bell). Written by the sending task only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="utilisateur"
    )
    kind = models.CharField("type", max_length=40)
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte", blank=True)
    url = models.CharField("lien", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name="date de création")
    read_at = models.DateTimeField("lue le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """Which channels a person wants for one kind of message. Without a row: every channel the
    kind offers. A safety-critical kind is never switched off (see `kinds.py`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name="utilisateur",
    )
    kind = models.CharField("type", max_length=40)
    in_app = models.BooleanField("sur le site", default=True)
    email = models.BooleanField("par courriel", default=True)
    sms = models.BooleanField("par SMS", default=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name="dernière modification")

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_notification_preference_per_kind")]

    def __str__(self):
        return f"{self.kind} : {', '.join(self.channels()) or 'aucun canal'}"

    def channels(self) -> list[str]:
        return [channel for channel in Channel.values if getattr(self, channel)]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"


class Delivery(models.Model):
    """The ledger: one row per (message, recipient, channel), claimed before the send. Keys and
    states only — the address and the text are read at sending time."""

    message = models.CharField(max_length=150, verbose_name="message")  # "<kind>:<object ids>:<message id>"
    recipient = models.CharField(max_length=60, verbose_name="destinataire")  # "user:5", "professional:3", "patient:9"…
    channel = models.CharField("canal", max_length=10, choices=Channel.choices)
    kind = models.CharField("type", max_length=40)
    # Handed to the SMS provider, which sends a key once (sms.py); the e-mail's Message-ID.
    idempotency_key = models.CharField(max_length=64, unique=True, verbose_name="clé d'unicité")
    status = models.CharField("état", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    claim = models.CharField(max_length=32, blank=True, verbose_name="réservation de l'envoi")
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name="réservé jusqu'à")
    provider_message_id = models.CharField(max_length=200, blank=True, verbose_name="identifiant chez le fournisseur")
    # The exception's class only: a provider's message may quote the address.
    last_error = models.CharField(max_length=100, blank=True, verbose_name="dernière erreur")
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name="date d'envoi")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="date de création")
    # The task that sends the message and its arguments (ids only): `tasks.retry_stale` runs it
    # again for a row a dead worker left behind, or a failed one.
    task = models.CharField(max_length=200, blank=True, verbose_name="tâche")
    arguments = models.JSONField(default=dict, blank=True, verbose_name="arguments")

    class Meta:
        verbose_name = "envoi"
        verbose_name_plural = "envois"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient", "channel"], name="one_send_per_message_recipient")
        ]

    def __str__(self):
        return f"{self.get_channel_display()} n° {self.pk} : {self.get_status_display()}"
