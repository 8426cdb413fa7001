"""Same-day care indicators, given to the ACI contract through its registry (ready()).

Each is computable for any period [start, end) of dates:
- requests are counted by the day they were received (cancelled ones excluded from the
  shares and the answer time: nobody had to answer them);
- « answered » is the moment the request got an appointment (a booked slot or a volunteer);
  shares are percentages of the requests received in the period;
- appointments and slots are counted by the day of the appointment or slot.
"""

import datetime
import statistics
from decimal import Decimal

from django.utils import timezone

from maillon.contracts.registry import register_indicators
from maillon.members.models import Membership

from .models import Booking, CareRequest, Outcome, RequestStatus, Slot, SlotStatus

MISSION = 1


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def received_in(cpts, start, end):
    return CareRequest.objects.for_cpts(cpts).filter(created_at__gte=_moment(start), created_at__lt=_moment(end))


def requests_received(cpts, start, end) -> Decimal:
    return Decimal(received_in(cpts, start, end).count())


def _delays_hours(cpts, start, end) -> tuple[int, list[float]]:
    """(requests to answer, answer delays in hours of those answered)."""
    rows = (
        received_in(cpts, start, end).exclude(status=RequestStatus.CANCELLED).values_list("created_at", "answered_at")
    )
    rows = list(rows)
    delays = [(answered - created).total_seconds() / 3600 for created, answered in rows if answered is not None]
    return len(rows), delays


def _share_within(hours: int):
    def share(cpts, start, end) -> Decimal:
        total, delays = _delays_hours(cpts, start, end)
        if not total:
            return Decimal(0)
        within = sum(1 for delay in delays if delay <= hours)
        return (Decimal(100) * within / total).quantize(Decimal("0.1"))

    share.__name__ = f"answered_within_{hours}h_share"
    return share


answered_within_24h_share = _share_within(24)
answered_within_48h_share = _share_within(48)


def median_answer_hours(cpts, start, end) -> Decimal:
    _, delays = _delays_hours(cpts, start, end)
    return Decimal(str(round(statistics.median(delays), 1))) if delays else Decimal(0)


def appointments_in(cpts, start, end):
    return (
        Booking.objects.for_cpts(cpts)
        .live()
        .filter(appointment_at__gte=_moment(start), appointment_at__lt=_moment(end))
    )


def appointments_honoured(cpts, start, end) -> Decimal:
    return Decimal(appointments_in(cpts, start, end).filter(outcome=Outcome.HONOURED).count())


def appointments_not_honoured(cpts, start, end) -> Decimal:
    return Decimal(appointments_in(cpts, start, end).filter(outcome=Outcome.NO_SHOW).count())


def members_taking_part(cpts, start, end) -> Decimal:
    """Active members at the end of the period whose card says they take part in SNP."""
    last_day = end - datetime.timedelta(days=1)
    return Decimal(
        Membership.objects.for_cpts(cpts)
        .active_on(last_day)
        .filter(professional__takes_part_in_snp=True)
        .values("professional_id")
        .distinct()
        .count()
    )


def slots_in(cpts, start, end):
    return Slot.objects.for_cpts(cpts).filter(start__gte=_moment(start), start__lt=_moment(end))


def slots_offered(cpts, start, end) -> Decimal:
    return Decimal(slots_in(cpts, start, end).exclude(status=SlotStatus.CANCELLED).count())


def slots_used(cpts, start, end) -> Decimal:
    return Decimal(slots_in(cpts, start, end).filter(status=SlotStatus.BOOKED).count())


INDICATORS = (
    ("snp_requests_received", "demandes", "Demandes de soins non programmés reçues", requests_received),
    ("snp_answered_24h_share", "%", "Demandes de SNP placées en 24 heures", answered_within_24h_share),
    ("snp_answered_48h_share", "%", "Demandes de SNP placées en 48 heures", answered_within_48h_share),
    ("snp_median_answer_hours", "heures", "Délai médian de réponse aux demandes de SNP", median_answer_hours),
    ("snp_appointments_honoured", "rendez-vous", "Rendez-vous SNP honorés", appointments_honoured),
    ("snp_appointments_not_honoured", "rendez-vous", "Rendez-vous SNP non honorés", appointments_not_honoured),
    ("snp_members_taking_part", "professionnels", "Professionnels participant aux SNP", members_taking_part),
    ("snp_slots_offered", "créneaux", "Créneaux de SNP proposés", slots_offered),
    ("snp_slots_used", "créneaux", "Créneaux de SNP utilisés", slots_used),
)


def register() -> None:
    register_indicators(MISSION, INDICATORS)
