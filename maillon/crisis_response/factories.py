import uuid

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, UserFactory
from maillon.members.factories import ProfessionalFactory

from .models import (
    AlertDelivery,
    AlertLevel,
    AlertLevelMember,
    Channel,
    ContactPreference,
    Crisis,
    CrisisRecipient,
    DeclaredAs,
    LogEntry,
    Retex,
    Typology,
)


class ContactPreferenceFactory(CptsOwnedFactory):
    class Meta:
        model = ContactPreference

    professional = factory.SubFactory(ProfessionalFactory)


class AlertLevelFactory(CptsOwnedFactory):
    class Meta:
        model = AlertLevel

    rank = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Niveau {n + 1}")
    wait_minutes = 15


class AlertLevelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertLevelMember

    level = factory.SubFactory(AlertLevelFactory)
    professional = factory.SubFactory(ProfessionalFactory)


class CrisisFactory(CptsOwnedFactory):
    class Meta:
        model = Crisis

    typology = Typology.SICK
    zone = "Tout le territoire"
    started_at = factory.LazyFunction(timezone.now)
    declared_as = DeclaredAs.COORDINATOR
    declared_by = factory.SubFactory(UserFactory)

    class Params:
        exercise = factory.Trait(is_exercise=True)
        ended = factory.Trait(ended_at=factory.LazyAttribute(lambda crisis: crisis.started_at))


class CrisisRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisRecipient

    crisis = factory.SubFactory(CrisisFactory)
    professional = factory.SubFactory(ProfessionalFactory)
    level_rank = 1
    alerted_at = factory.LazyFunction(timezone.now)


class AlertDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertDelivery

    recipient = factory.SubFactory(CrisisRecipientFactory)
    channel = Channel.EMAIL
    idempotency_key = factory.LazyFunction(lambda: uuid.uuid4().hex)


class LogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogEntry

    crisis = factory.SubFactory(CrisisFactory)
    text = "Point de situation avec l'ARS."


class RetexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Retex

    crisis = factory.SubFactory(CrisisFactory, ended=True)
    went_well = "Chaîne d'alerte rapide."
    improvement_actions = "Mettre à jour les numéros de téléphone"
