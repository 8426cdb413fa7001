"""Support indicators (mission 6), given to the ACI contract through its registry, so that the
dialogue de gestion report fills itself for mission 6.

Each is computable for any period [start, end) of dates:
- trainees hosted: placements filled whose period shares a day with the period;
- supervisors: supervisors who hosted a trainee in the period, and those taking trainees today,
  recorded before the end, whose accreditation had not expired at the start;
- installations supported: installation projects followed at some time of the period (opened
  before its end, not closed before its start);
- installations settled: projects whose professional settled in the period;
- ads published: the CPTS's ads published in the period;
- ads filled: the CPTS's ads marked « pourvue » in the period.
"""

from decimal import Decimal

from django.db.models import Q

from maillon.contracts.registry import register_indicators

from .models import Ad, InstallationProject, InstallationStatus, Placement, Supervisor

MISSION = 6


def trainees_hosted(cpts, start, end) -> Decimal:
    return Decimal(Placement.objects.for_cpts(cpts).hosted_in(start, end).count())


def supervisors(cpts, start, end) -> Decimal:
    """Who hosted a trainee in the period (whatever they do now: a year reported stays as it was),
    and who takes trainees today, recorded before its end, accredited at its start."""
    hosting = Placement.objects.for_cpts(cpts).hosted_in(start, end).values("supervisor_id")
    taking = (
        Supervisor.objects.for_cpts(cpts)
        .available()
        .filter(created_at__date__lt=end)
        .filter(Q(accredited_until__isnull=True) | Q(accredited_until__gte=start))
    )
    rows = Supervisor.objects.for_cpts(cpts).filter(Q(pk__in=hosting) | Q(pk__in=taking.values("pk")))
    return Decimal(rows.count())


def installations_supported(cpts, start, end) -> Decimal:
    return Decimal(InstallationProject.objects.for_cpts(cpts).followed_in(start, end).count())


def installations_settled(cpts, start, end) -> Decimal:
    rows = InstallationProject.objects.for_cpts(cpts).filter(
        status=InstallationStatus.SETTLED, settled_on__gte=start, settled_on__lt=end
    )
    return Decimal(rows.count())


def ads_published(cpts, start, end) -> Decimal:
    return Decimal(Ad.objects.for_cpts(cpts).filter(published_on__gte=start, published_on__lt=end).count())


def ads_filled(cpts, start, end) -> Decimal:
    return Decimal(Ad.objects.for_cpts(cpts).filter(filled_on__gte=start, filled_on__lt=end).count())


TABLE = [
    ("support_trainees_hosted", "stagiaires", "Stagiaires et internes accueillis", trainees_hosted),
    ("support_supervisors", "maîtres de stage", "Maîtres de stage du territoire", supervisors),
    (
        "support_installations_supported",
        "professionnels",
        "Professionnels accompagnés dans leur installation",
        installations_supported,
    ),
    ("support_installations_settled", "professionnels", "Professionnels installés", installations_settled),
    ("support_ads_published", "annonces", "Annonces publiées", ads_published),
    ("support_ads_filled", "annonces", "Annonces pourvues", ads_filled),
]


def register() -> None:
    register_indicators(MISSION, TABLE)
