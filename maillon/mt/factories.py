import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsFactory, UserFactory
from maillon.members.factories import ProfessionalFactory
from maillon.territories.factories import CommuneFactory

from .models import (
    Channel,
    DoctorOffer,
    EngineSchedule,
    MatchingRun,
    OfferEvent,
    Patient,
    PatientEvent,
    PatientStatus,
    PriorityWeight,
    Proposal,
    ProposalEvent,
)


class PriorityWeightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityWeight

    cpts = factory.SubFactory(CptsFactory)
    criterion = "ald"
    weight = 50


class PatientFactory(factory.django.DjangoModelFactory):
    """A patient who registered himself 40 days ago."""

    class Meta:
        model = Patient

    cpts = factory.SubFactory(CptsFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = factory.Sequence(lambda n: datetime.date(1950 + n % 60, 1 + n % 12, 1 + n % 28))
    commune = factory.SubFactory(CommuneFactory)
    email = factory.Sequence(lambda n: f"patient{n}@example.org")
    consent_at = factory.LazyFunction(timezone.now)
    channel = Channel.SELF
    registered_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=40))


class PatientEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientEvent

    patient = factory.SubFactory(PatientFactory)
    from_status = "waiting"
    to_status = "proposed"


class DoctorOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoctorOffer

    cpts = factory.SubFactory(CptsFactory)
    doctor = factory.SubFactory(ProfessionalFactory)
    places_per_month = 3
    radius_km = 10


class MatchingRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchingRun

    cpts = factory.SubFactory(CptsFactory)
    by = factory.SubFactory(UserFactory)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal just made: its patient is « proposed » (pass a patient in the status that
    matches the proposal's, as the workflows check it)."""

    class Meta:
        model = Proposal

    patient = factory.SubFactory(PatientFactory, status=PatientStatus.PROPOSED)
    offer = factory.SubFactory(DoctorOfferFactory, cpts=factory.SelfAttribute("..patient.cpts"))
    expires_at = factory.LazyFunction(Proposal.default_expiry)


class ProposalEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProposalEvent

    proposal = factory.SubFactory(ProposalFactory)
    from_status = "proposed"
    to_status = "accepted"


class OfferEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferEvent

    offer = factory.SubFactory(DoctorOfferFactory)
    from_status = "open"
    to_status = "paused"


class EngineScheduleFactory(factory.django.DjangoModelFactory):
    """Automatic runs every weekday."""

    class Meta:
        model = EngineSchedule

    cpts = factory.SubFactory(CptsFactory)
    automatic = True
    weekdays = factory.LazyFunction(lambda: [0, 1, 2, 3, 4])
