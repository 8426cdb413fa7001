import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, transition_log_factory

from .models import (
    ActionStatus,
    Material,
    MaterialKind,
    MaterialVersion,
    Measure,
    MeasureKind,
    MeasureSource,
    MeasureValue,
    PreventionAction,
    PublicSession,
    Registration,
    RegistrationStatus,
    SessionKind,
    SessionStatus,
    Theme,
    WalkInCount,
)


class PreventionActionFactory(CptsOwnedFactory):
    class Meta:
        model = PreventionAction

    title = factory.Sequence(lambda n: f"Campagne de dépistage {n}")
    theme = Theme.COLORECTAL_SCREENING
    age_min = 50
    age_max = 74
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=180))
    budget = Decimal("3000.00")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    action = factory.SubFactory(PreventionActionFactory)
    cpts = factory.SelfAttribute("action.cpts")
    kind = MeasureKind.COLORECTAL_SCREENING
    baseline_value = Decimal("32.50")
    baseline_source = MeasureSource.REZONE
    baseline_on = datetime.date(2022, 12, 31)
    target_value = Decimal("45.00")


class MeasureValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureValue

    measure = factory.SubFactory(MeasureFactory)
    year = 2023
    value = Decimal("34.10")
    source = MeasureSource.REZONE


class PublicSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicSession

    action = factory.SubFactory(PreventionActionFactory)
    cpts = factory.SelfAttribute("action.cpts")
    kind = SessionKind.WORKSHOP
    title = factory.Sequence(lambda n: f"Atelier de prévention {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    place = "Salle des fêtes"
    capacity = 20


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(PublicSessionFactory)
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Inscrite{n}")
    email = factory.Sequence(lambda n: f"inscrit{n}@example.org")
    status = RegistrationStatus.CONFIRMED


class WalkInCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WalkInCount

    session = factory.SubFactory(PublicSessionFactory)
    age_band = "50-74"
    sex = "female"
    count = 3


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    action = factory.SubFactory(PreventionActionFactory)
    cpts = factory.SelfAttribute("action.cpts")
    title = "Flyer de la campagne"
    kind = MaterialKind.FLYER


class MaterialVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialVersion

    material = factory.SubFactory(MaterialFactory)
    number = factory.Sequence(lambda n: n + 1)
    file = factory.django.FileField(filename="flyer.pdf", data=b"%PDF-1.4 flyer")


PreventionActionEventFactory = transition_log_factory(
    PreventionActionFactory, ActionStatus.PLANNED, ActionStatus.COMPLETED
)
PublicSessionEventFactory = transition_log_factory(PublicSessionFactory, SessionStatus.SCHEDULED, SessionStatus.HELD)
RegistrationEventFactory = transition_log_factory(
    RegistrationFactory, RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED
)
