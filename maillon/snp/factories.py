import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsFactory, UserFactory
from maillon.members.factories import PracticePlaceFactory

from .models import (
    Agenda,
    Audience,
    Booking,
    CareRequest,
    DutyCall,
    RequesterKind,
    RequestEvent,
    SasClient,
    Slot,
    SlotEvent,
    SlotSeries,
    SnpSetup,
)


class AgendaFactory(factory.django.DjangoModelFactory):
    """A doctor's agenda at their practice place; slots not shared with the SAS by default."""

    class Meta:
        model = Agenda

    cpts = factory.SubFactory(CptsFactory)
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


class CareRequestFactory(factory.django.DjangoModelFactory):
    """A request for a GP within 24 h, made by a member."""

    class Meta:
        model = CareRequest

    cpts = factory.SubFactory(CptsFactory)
    requested_by = factory.SubFactory(UserFactory)
    requester_kind = RequesterKind.MEMBER
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = datetime.date(1980, 5, 17)
    phone = "0612345678"
    commune = factory.SubFactory("maillon.territories.factories.CommuneFactory")
    reason = "Fièvre depuis deux jours"
    profession = "10"


class RequestEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestEvent

    request = factory.SubFactory(CareRequestFactory)
    from_status = "open"
    to_status = "booked"


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


class SasClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SasClient

    name = factory.Sequence(lambda n: f"Plateforme SAS {n}")
    user = factory.SubFactory(UserFactory)


class SnpSetupFactory(factory.django.DjangoModelFactory):
    """Médecins and infirmiers open to SNP."""

    class Meta:
        model = SnpSetup

    cpts = factory.SubFactory(CptsFactory)
    professions = ["10", "60"]


class SlotEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlotEvent

    slot = factory.SubFactory(SlotFactory)
    from_status = "free"
    to_status = "booked"
