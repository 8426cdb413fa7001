import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, UserFactory, UserOwnedFactory, transition_log_factory
from maillon.members.factories import PracticePlaceFactory

from .models import (
    Agenda,
    Audience,
    Booking,
    CareRequest,
    DutyCall,
    RequesterKind,
    SasClient,
    Slot,
    SlotSeries,
    SnpSetup,
)


class AgendaFactory(CptsOwnedFactory):
    """A doctor's agenda at their practice place; slots not shared with the SAS by default."""

    class Meta:
        model = Agenda

    practice_place = factory.SubFactory(PracticePlaceFactory, professional__profession="10")
    professional = factory.SelfAttribute("practice_place.professional")


class SlotSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlotSeries

    agenda = factory.SubFactory(AgendaFactory)
    weekdays = [0, 2, 4]
    start_time = datetime.time(17, 0)
    duration_minutes = 20
    first_date = factory.LazyFunction(timezone.localdate)
    last_date = factory.LazyAttribute(lambda series: series.first_date + datetime.timedelta(days=27))
    audience = Audience.PUBLIC
    shared_with_sas = False


class SlotFactory(factory.django.DjangoModelFactory):
    """A free slot tomorrow at 17:00, with the agenda's place, profession and point."""

    class Meta:
        model = Slot

    agenda = factory.SubFactory(AgendaFactory)
    cpts = factory.SelfAttribute("agenda.cpts")
    professional = factory.SelfAttribute("agenda.professional")
    profession = factory.SelfAttribute("agenda.professional.profession")
    specialty = factory.SelfAttribute("agenda.professional.specialty")
    commune = factory.SelfAttribute("agenda.practice_place.commune")
    latitude = factory.SelfAttribute("agenda.practice_place.commune.latitude")
    longitude = factory.SelfAttribute("agenda.practice_place.commune.longitude")
    start = factory.LazyFunction(
        lambda: timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    )
    end = factory.LazyAttribute(lambda slot: slot.start + datetime.timedelta(minutes=20))
    audience = Audience.PUBLIC
    shared_with_sas = False


class CareRequestFactory(CptsOwnedFactory):
    """A request for a GP within 24 h, made by a member."""

    class Meta:
        model = CareRequest

    requested_by = factory.SubFactory(UserFactory)
    requester_kind = RequesterKind.MEMBER
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = datetime.date(1980, 5, 17)
    phone = "0612345678"
    commune = factory.SubFactory("maillon.territories.factories.CommuneFactory")
    reason = "Fièvre depuis deux jours"
    profession = "10"


RequestEventFactory = transition_log_factory(CareRequestFactory, "open", "booked")


class DutyCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyCall

    request = factory.SubFactory(CareRequestFactory)
    professional = factory.SubFactory("maillon.members.factories.ProfessionalFactory", profession="10")


class BookingFactory(factory.django.DjangoModelFactory):
    """A booked slot (the slot is marked booked too)."""

    class Meta:
        model = Booking

    slot = factory.SubFactory(SlotFactory, status="booked")
    cpts = factory.SelfAttribute("slot.cpts")
    request = factory.SubFactory(CareRequestFactory, cpts=factory.SelfAttribute("..cpts"), status="booked")
    professional = factory.SelfAttribute("slot.professional")
    practice_place = factory.SelfAttribute("slot.agenda.practice_place")
    appointment_at = factory.SelfAttribute("slot.start")
    booked_by = factory.SelfAttribute("request.requested_by")


class SasClientFactory(UserOwnedFactory):
    class Meta:
        model = SasClient

    name = factory.Sequence(lambda n: f"Plateforme SAS {n}")


class SnpSetupFactory(CptsOwnedFactory):
    """Médecins and infirmiers open to SNP."""

    class Meta:
        model = SnpSetup

    professions = ["10", "60"]


SlotEventFactory = transition_log_factory(SlotFactory, "free", "booked")
