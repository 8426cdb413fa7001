"""The desk's indicators, given to the ACI contract through its registry (ready()).

Each is computable for any period [start, end): a patient is « waiting » at `end` when
registered before it and not closed (MT declared or withdrawn) by then.
"""

import datetime
import statistics
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from maillon.contracts.funding import add_years
from maillon.contracts.registry import register_indicators

from .models import DoctorOffer, OfferStatus, Patient, PatientStatus

MISSION = 1


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def waiting_at(cpts, end: datetime.date):
    moment = _moment(end)
    return (
        Patient.objects.for_cpts(cpts)
        .filter(registered_at__lt=moment)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=moment))
    )


def waiting(cpts, start, end) -> Decimal:
    return Decimal(waiting_at(cpts, end).count())


def waiting_ald(cpts, start, end) -> Decimal:
    return Decimal(waiting_at(cpts, end).filter(ald=True).count())


def waiting_c2s_ald(cpts, start, end) -> Decimal:
    return Decimal(waiting_at(cpts, end).filter(ald=True, c2s=True).count())


def waiting_70_plus(cpts, start, end) -> Decimal:
    """Waiting at `end` and aged 70 or more on the period's last day."""
    last_day = end - datetime.timedelta(days=1)
    born_by = add_years(last_day, -70)
    return Decimal(waiting_at(cpts, end).filter(birth_date__lte=born_by).count())


def placed_in(cpts, start, end):
    return Patient.objects.for_cpts(cpts).filter(
        status=PatientStatus.DECLARED, closed_at__gte=_moment(start), closed_at__lt=_moment(end)
    )


def placed(cpts, start, end) -> Decimal:
    return Decimal(placed_in(cpts, start, end).count())


def placed_per_month(cpts, start, end) -> Decimal:
    months = max(Decimal(1), Decimal((end - start).days) / Decimal("30.4375"))
    return (Decimal(placed_in(cpts, start, end).count()) / months).quantize(Decimal("0.01"))


def _waits(cpts, start, end) -> list[float]:
    return [
        (closed - registered).total_seconds() / 86400
        for registered, closed in placed_in(cpts, start, end).values_list("registered_at", "closed_at")
    ]


def median_wait_days(cpts, start, end) -> Decimal:
    waits = _waits(cpts, start, end)
    return Decimal(str(round(statistics.median(waits), 1))) if waits else Decimal(0)


def p90_wait_days(cpts, start, end) -> Decimal:
    waits = sorted(_waits(cpts, start, end))
    if not waits:
        return Decimal(0)
    if len(waits) == 1:
        return Decimal(str(round(waits[0], 1)))
    return Decimal(str(round(statistics.quantiles(waits, n=10, method="inclusive")[-1], 1)))


def _offers_at(cpts, end):
    return DoctorOffer.objects.for_cpts(cpts).filter(created_at__lt=_moment(end)).exclude(status=OfferStatus.CLOSED)


def volunteer_doctors(cpts, start, end) -> Decimal:
    return Decimal(_offers_at(cpts, end).values("doctor").distinct().count())


def places_opened(cpts, start, end) -> Decimal:
    return Decimal(_offers_at(cpts, end).aggregate(total=Sum("places_per_month"))["total"] or 0)


INDICATORS = (
    ("mt_waiting", "patients", "Patients en attente d'un médecin traitant", waiting),
    ("mt_waiting_ald", "patients", "Patients en ALD en attente", waiting_ald),
    ("mt_waiting_70_plus", "patients", "Patients de 70 ans et plus en attente", waiting_70_plus),
    ("mt_waiting_c2s_ald", "patients", "Patients C2S en ALD en attente", waiting_c2s_ald),
    ("mt_placed", "patients", "Patients ayant trouvé un médecin traitant", placed),
    ("mt_placed_per_month", "patients par mois", "Patients placés par mois", placed_per_month),
    ("mt_median_wait_days", "jours", "Attente médiane des patients placés", median_wait_days),
    ("mt_p90_wait_days", "jours", "Attente des patients placés (90e centile)", p90_wait_days),
    ("mt_volunteer_doctors", "médecins", "Médecins volontaires", volunteer_doctors),
    ("mt_places_opened", "places par mois", "Places ouvertes par les médecins volontaires", places_opened),
)


def register() -> None:
    register_indicators(MISSION, INDICATORS)
