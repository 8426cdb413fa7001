import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, owned_factory, transition_log_factory
from maillon.members.factories import MembershipFactory, MembershipOwnedFactory

from .models import (
    Answer,
    HourlyRate,
    Invitation,
    Meeting,
    MeetingSeries,
    MeetingSlot,
    MeetingStatus,
    PaymentDetails,
    PollAnswer,
    SeriesSession,
    TimeEntry,
    TimeKind,
    TimeState,
)


class MeetingFactory(CptsOwnedFactory):
    """A meeting in poll state."""

    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"Réunion du groupe de travail {n}")
    place = "Salle du conseil, mairie"
    mission = 2

    class Params:
        # Two hours, yesterday at 18:00.
        scheduled = factory.Trait(
            status=MeetingStatus.SCHEDULED,
            starts_at=factory.LazyFunction(
                lambda: (timezone.now() - datetime.timedelta(days=1)).replace(
                    hour=17, minute=0, second=0, microsecond=0
                )
            ),
            ends_at=factory.LazyAttribute(lambda meeting: meeting.starts_at + datetime.timedelta(hours=2)),
        )


MeetingEventFactory = transition_log_factory(
    MeetingFactory, MeetingStatus.POLL, MeetingStatus.SCHEDULED, by=True, subject={"scheduled": True}
)


MeetingOwnedFactory = owned_factory("meeting", MeetingFactory)


class MeetingSlotFactory(MeetingOwnedFactory):
    class Meta:
        model = MeetingSlot

    starts_at = factory.Sequence(
        lambda n: (timezone.now() + datetime.timedelta(days=7 + n)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda slot: slot.starts_at + datetime.timedelta(hours=2))


class InvitationFactory(MeetingOwnedFactory):
    class Meta:
        model = Invitation

    membership = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..meeting.cpts"))


class PollAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PollAnswer

    invitation = factory.SubFactory(InvitationFactory)
    slot = factory.SubFactory(MeetingSlotFactory, meeting=factory.SelfAttribute("..invitation.meeting"))
    answer = Answer.YES


class HourlyRateFactory(CptsOwnedFactory):
    class Meta:
        model = HourlyRate
        django_get_or_create = ("cpts", "year")

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    amount = Decimal("50.00")


class TimeEntryFactory(CptsOwnedFactory):
    """Declared project time, not validated yet."""

    class Meta:
        model = TimeEntry

    membership = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..cpts"))
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    mission = 3
    hours = Decimal("1.50")
    kind = TimeKind.PROJECT
    note = "Préparation de l'action de dépistage"

    class Params:
        validated = factory.Trait(validated_at=factory.LazyFunction(timezone.now))


TimeEntryEventFactory = transition_log_factory(
    TimeEntryFactory, TimeState.DECLARED, TimeState.VALIDATED, by=True, subject={"validated": True}
)


class PaymentDetailsFactory(MembershipOwnedFactory):
    class Meta:
        model = PaymentDetails

    iban = "FR7630006000011234567890189"
    holder_name = factory.LazyAttribute(lambda details: str(details.membership.member))


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries

    title = "Visio trimestrielle du groupe"
    rule = "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"
    # A 2nd Tuesday (of January 2026) at 20 h, so that the first session is a date of the rule
    # whatever the year the tests run.
    first_starts_at = factory.LazyFunction(lambda: timezone.make_aware(datetime.datetime(2026, 1, 13, 20, 0)))
    duration_minutes = 90
    visio_url = "https://visio.example.org/groupe-sages-femmes"


class SeriesSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeriesSession

    series = factory.SubFactory(MeetingSeriesFactory)
    starts_at = factory.LazyAttribute(lambda o: o.series.first_starts_at)
    minutes = "Tour de table, deux situations discutées."
