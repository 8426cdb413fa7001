import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, UserFactory, transition_log_factory
from maillon.members.factories import ProfessionalFactory
from maillon.territories.factories import CommuneFactory

from .models import (
    Channel,
    DoctorOffer,
    EngineSchedule,
    MatchingRun,
    Patient,
    PatientStatus,
    PriorityWeight,
    Proposal,
)


class PriorityWeightFactory(CptsOwnedFactory):
    class Meta:
        model = PriorityWeight

    criterion = "ald"
    weight = 50


class PatientFactory(CptsOwnedFactory):
    """A patient who registered himself 40 days ago."""

    class Meta:
        model = Patient

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = factory.Sequence(lambda n: datetime.date(1950 + n % 60, 1 + n % 12, 1 + n % 28))
    commune = factory.SubFactory(CommuneFactory)
    email = factory.Sequence(lambda n: f"patient{n}@example.org")
    consent_at = factory.LazyFunction(timezone.now)
    channel = Channel.SELF
    registered_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=40))


PatientEventFactory = transition_log_factory(PatientFactory, "waiting", "proposed")


class DoctorOfferFactory(CptsOwnedFactory):
    class Meta:
        model = DoctorOffer

    doctor = factory.SubFactory(ProfessionalFactory)
    places_per_month = 3
    radius_km = 10


class MatchingRunFactory(CptsOwnedFactory):
    class Meta:
        model = MatchingRun

    by = factory.SubFactory(UserFactory)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal just made: its patient is « proposed » (pass a patient in the status that
    matches the proposal's, as the workflows check it)."""

    class Meta:
        model = Proposal

    patient = factory.SubFactory(PatientFactory, status=PatientStatus.PROPOSED)
    offer = factory.SubFactory(DoctorOfferFactory, cpts=factory.SelfAttribute("..patient.cpts"))
    expires_at = factory.LazyFunction(Proposal.default_expiry)


ProposalEventFactory = transition_log_factory(ProposalFactory, "proposed", "accepted")


OfferEventFactory = transition_log_factory(DoctorOfferFactory, "open", "paused")


class EngineScheduleFactory(CptsOwnedFactory):
    """Automatic runs every weekday."""

    class Meta:
        model = EngineSchedule

    automatic = True
    weekdays = factory.LazyFunction(lambda: [0, 1, 2, 3, 4])
