"""Factories of mission 6. Rows are valid as built: a supervisor, a tutor, a trainer or a
borrower is an active professional adhesion of the same CPTS; a placement fits its supervisor's
levels; periods are in the future.

Traits: `PlacementFactory(filled=True)` (a trainee named), `(cancelled=True)`;
`PlacementApplicationFactory(spontaneous=True)` (no placement); `AdFactory(published=True)`
(published today), `(filled=True)`, `(expired=True)` (published, expiry past);
`InstallationProjectFactory(settled=True)`; `TutoringFactory(ended=True)`."""

import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, UserFactory, transition_log_factory
from maillon.core.missions import Mission
from maillon.meetings.factories import MeetingFactory
from maillon.members.factories import MembershipFactory
from maillon.members.professions import Profession
from maillon.territories.factories import CommuneFactory

from .models import (
    Ad,
    AdKind,
    AdStatus,
    ApplicationStatus,
    BookingStatus,
    CrossTraining,
    Equipment,
    EquipmentBooking,
    EquipmentKind,
    Housing,
    HousingBooking,
    InstallationProject,
    InstallationStatus,
    InstallationStep,
    InstallationStepKind,
    Placement,
    PlacementApplication,
    PlacementStatus,
    PublicSite,
    Supervisor,
    TraineeLevel,
    Tutoring,
    TutoringStatus,
)


def _in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _adherent():
    """An active professional adhesion of the row's CPTS."""
    return factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..cpts"))


class SupervisorFactory(CptsOwnedFactory):
    class Meta:
        model = Supervisor

    membership = _adherent()
    levels = factory.LazyFunction(lambda: [TraineeLevel.EXTERNAL, TraineeLevel.INTERN, TraineeLevel.JUNIOR_DOCTOR])
    capacity = 2
    accreditation_number = factory.Sequence(lambda n: f"AGR-{n:05d}")
    accredited_by = "Faculté de santé — département de médecine générale"


class PlacementFactory(factory.django.DjangoModelFactory):
    """An open placement of six months starting in a month."""

    class Meta:
        model = Placement

    supervisor = factory.SubFactory(SupervisorFactory)
    cpts = factory.SelfAttribute("supervisor.cpts")
    level = TraineeLevel.INTERN
    starts_on = factory.LazyFunction(lambda: _in_days(30))
    ends_on = factory.LazyAttribute(lambda placement: placement.starts_on + datetime.timedelta(days=181))
    description = "Stage en cabinet de groupe, consultations et visites à domicile."

    class Params:
        filled = factory.Trait(
            status=PlacementStatus.FILLED,
            trainee_name=factory.Faker("name", locale="fr_FR"),
            trainee_school="Faculté de santé",
        )
        cancelled = factory.Trait(status=PlacementStatus.CANCELLED)


class PlacementApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementApplication

    placement = factory.SubFactory(PlacementFactory)
    cpts = factory.LazyAttribute(lambda application: application.placement.cpts if application.placement else None)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"candidat{n}@example.org")
    school = "Faculté de santé"
    level = TraineeLevel.INTERN
    message = "Je souhaite découvrir l'exercice coordonné en ville."

    class Params:
        spontaneous = factory.Trait(placement=None, cpts=factory.SubFactory("maillon.core.factories.CptsFactory"))
        declined = factory.Trait(status=ApplicationStatus.DECLINED)


class HousingFactory(CptsOwnedFactory):
    class Meta:
        model = Housing

    name = factory.Sequence(lambda n: f"Studio des internes {n}")
    commune = factory.SubFactory(CommuneFactory)
    address = "2 place de la Mairie"
    rooms = 2
    host = "Mairie"
    contact = "Secrétariat de la mairie, 01 23 45 67 89"


class HousingBookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HousingBooking

    housing = factory.SubFactory(HousingFactory)
    cpts = factory.SelfAttribute("housing.cpts")
    arrives_on = factory.LazyFunction(lambda: _in_days(30))
    leaves_on = factory.LazyAttribute(lambda booking: booking.arrives_on + datetime.timedelta(days=30))
    occupant_name = factory.Faker("name", locale="fr_FR")
    status = BookingStatus.BOOKED


class InstallationProjectFactory(CptsOwnedFactory):
    class Meta:
        model = InstallationProject
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    profession = Profession.MEDECIN
    email = factory.Sequence(lambda n: f"installation{n}@example.org")
    commune = factory.SubFactory(CommuneFactory)
    wished_on = factory.LazyFunction(lambda: _in_days(120))

    class Params:
        settled = factory.Trait(
            status=InstallationStatus.SETTLED,
            settled_on=factory.LazyFunction(lambda: _in_days(-10)),
            closed_on=factory.LazyFunction(lambda: _in_days(-10)),
        )

    @factory.post_generation
    def steps(project, create, extracted, **kwargs):
        """Its four steps, as `services.start_installation` creates them."""
        if create:
            for kind in InstallationStepKind.values:
                InstallationStep.objects.create(cpts=project.cpts, project=project, kind=kind)


class InstallationStepFactory(factory.django.DjangoModelFactory):
    """A step of a project made without its own steps (for tests of one step)."""

    class Meta:
        model = InstallationStep
        django_get_or_create = ("project", "kind")

    project = factory.SubFactory(InstallationProjectFactory)
    cpts = factory.SelfAttribute("project.cpts")
    kind = InstallationStepKind.PREMISES


class AdFactory(CptsOwnedFactory):
    """A member's ad waiting for moderation, in a commune of its own (no CPTS covers it unless
    a test puts it in a territory)."""

    class Meta:
        model = Ad

    kind = AdKind.REPLACEMENT
    title = factory.Sequence(lambda n: f"Remplacement de médecin généraliste {n}")
    description = "Remplacements réguliers, deux jours par semaine, patientèle agréable."
    profession = Profession.MEDECIN
    commune = factory.SubFactory(CommuneFactory)
    contact_name = "Dr Martin"
    contact_email = "contact@example.org"
    expires_on = factory.LazyFunction(lambda: _in_days(60))
    author = factory.SubFactory(UserFactory)

    class Params:
        published = factory.Trait(status=AdStatus.PUBLISHED, published_on=factory.LazyFunction(timezone.localdate))
        filled = factory.Trait(
            status=AdStatus.FILLED,
            published_on=factory.LazyFunction(lambda: _in_days(-20)),
            filled_on=factory.LazyFunction(timezone.localdate),
        )
        expired = factory.Trait(
            status=AdStatus.PUBLISHED,
            published_on=factory.LazyFunction(lambda: _in_days(-90)),
            expires_on=factory.LazyFunction(lambda: _in_days(-1)),
        )


class TutoringFactory(CptsOwnedFactory):
    class Meta:
        model = Tutoring

    tutor = _adherent()
    tutee_name = factory.Faker("name", locale="fr_FR")
    topic = "Premiers mois d'installation : organisation du cabinet, réseau de correspondants."
    started_on = factory.LazyFunction(lambda: _in_days(-30))

    class Params:
        ended = factory.Trait(status=TutoringStatus.ENDED, ended_on=factory.LazyFunction(timezone.localdate))


class SupportMeetingFactory(MeetingFactory):
    title = factory.Sequence(lambda n: f"Formation croisée {n}")
    mission = Mission.SUPPORT


class CrossTrainingFactory(CptsOwnedFactory):
    class Meta:
        model = CrossTraining

    title = factory.Sequence(lambda n: f"Les dispositifs d'inhalation {n}")
    description = "Le pharmacien présente les dispositifs et les erreurs fréquentes."
    trainer = _adherent()
    audience = factory.LazyFunction(lambda: [Profession.INFIRMIER, Profession.MEDECIN])
    meeting = factory.SubFactory(SupportMeetingFactory, cpts=factory.SelfAttribute("..cpts"))


class EquipmentFactory(CptsOwnedFactory):
    class Meta:
        model = Equipment

    name = factory.Sequence(lambda n: f"ECG portable {n}")
    kind = EquipmentKind.ECG
    location = "Maison de santé, accueil"


class EquipmentBookingFactory(factory.django.DjangoModelFactory):
    """Tomorrow from 9:00 to 12:00."""

    class Meta:
        model = EquipmentBooking

    equipment = factory.SubFactory(EquipmentFactory)
    cpts = factory.SelfAttribute("equipment.cpts")
    membership = _adherent()
    starts_at = factory.LazyFunction(
        lambda: (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda booking: booking.starts_at + datetime.timedelta(hours=3))


class PublicSiteFactory(CptsOwnedFactory):
    class Meta:
        model = PublicSite
        django_get_or_create = ("cpts",)

    intro = "La CPTS réunit les professionnels de santé du territoire pour mieux soigner ensemble."
    patient_phone = "01 23 45 67 89"
    patient_hours = "Du lundi au vendredi, de 9 h à 17 h"
    join_text = "Tout professionnel de santé du territoire peut adhérer : la cotisation est de 20 € par an."


PlacementEventFactory = transition_log_factory(
    PlacementFactory, PlacementStatus.OPEN, PlacementStatus.FILLED, subject={"filled": True}
)
PlacementApplicationEventFactory = transition_log_factory(
    PlacementApplicationFactory, ApplicationStatus.RECEIVED, ApplicationStatus.DECLINED, subject={"declined": True}
)
HousingBookingEventFactory = transition_log_factory(
    HousingBookingFactory, BookingStatus.BOOKED, BookingStatus.CANCELLED, subject={"status": BookingStatus.CANCELLED}
)
InstallationProjectEventFactory = transition_log_factory(
    InstallationProjectFactory, InstallationStatus.OPEN, InstallationStatus.SETTLED, subject={"settled": True}
)
AdEventFactory = transition_log_factory(AdFactory, AdStatus.SUBMITTED, AdStatus.PUBLISHED, subject={"published": True})
TutoringEventFactory = transition_log_factory(
    TutoringFactory, TutoringStatus.ACTIVE, TutoringStatus.ENDED, subject={"ended": True}
)
EquipmentBookingEventFactory = transition_log_factory(
    EquipmentBookingFactory, BookingStatus.BOOKED, BookingStatus.CANCELLED, subject={"status": BookingStatus.CANCELLED}
)
