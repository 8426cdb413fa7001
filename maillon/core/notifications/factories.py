import uuid

import factory

from maillon.core.factories import UserOwnedFactory

from .models import Channel, Delivery, Notification, NotificationPreference


class NotificationFactory(UserOwnedFactory):
    class Meta:
        model = Notification

    kind = "meetings.invitation"
    title = factory.Sequence(lambda n: f"Réunion n° {n} : date fixée")
    body = "Bonjour,\n\nLa date de la réunion est fixée."
    url = "/"


class NotificationPreferenceFactory(UserOwnedFactory):
    class Meta:
        model = NotificationPreference

    kind = "meetings.invitation"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    message = factory.Sequence(lambda n: f"meetings.poll:{n}:")
    recipient = factory.Sequence(lambda n: f"user:{n}")
    channel = Channel.EMAIL
    kind = "meetings.invitation"
    idempotency_key = factory.LazyFunction(lambda: uuid.uuid4().hex)
