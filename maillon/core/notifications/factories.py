import uuid

import factory

from maillon.core.factories import UserFactory

from .models import Channel, Delivery, Notification, NotificationPreference


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "meetings.invitation"
    title = factory.Sequence(lambda n: f"Réunion n° {n} : date fixée")
    body = "Bonjour,\n\nLa date de la réunion est fixée."
    url = "/"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = "meetings.invitation"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    message = factory.Sequence(lambda n: f"meetings.poll:{n}:")
    recipient = factory.Sequence(lambda n: f"user:{n}")
    channel = Channel.EMAIL
    kind = "meetings.invitation"
    idempotency_key = factory.LazyFunction(lambda: uuid.uuid4().hex)
