"""The demo's mission 6, without the commune import: supervisors among the adherents (the demo
member account one of them) whose placements never exceed their capacity, the current semester's
placements filled through an accepted application and the next one's open with applications;
housing never booked over its rooms; three installation projects at different steps; ads of every
kind, waiting, refused, filled and expired, stamped with the CPTS or with none; two tutoring pairs,
a cross-training being polled, equipment booked without overlap; the public page's texts — and no
message sent to the demo's fictitious people."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.core.missions import Mission
from maillon.core.models import CptsStatus
from maillon.demo import support
from maillon.meetings.models import MeetingStatus
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.professions import Profession
from maillon.support import selectors, services
from maillon.support.models import (
    Ad,
    AdKind,
    AdStatus,
    ApplicationStatus,
    BookingStatus,
    CrossTraining,
    Equipment,
    EquipmentBooking,
    Housing,
    InstallationProject,
    InstallationStatus,
    Placement,
    PlacementApplication,
    PlacementStatus,
    PublicSite,
    Supervisor,
    TraineeLevel,
    Tutoring,
    TutoringStatus,
)
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from maillon.territories.models import TerritoryCommune
from maillon.www.home_views import waiting

pytestmark = pytest.mark.django_db
SEED = 7


@pytest.fixture
def member():
    return UserFactory(first_name="Léa", last_name="Fournier")


@pytest.fixture
def communes():
    """Four communes of the territory (the first the most populated) and three nobody covers."""
    inside = [
        CommuneFactory(name=name, population=population)
        for name, population in (
            ("Versailles", 83_000),
            ("Le Chesnay-Rocquencourt", 29_000),
            ("Buc", 5_600),
            ("Les Loges-en-Josas", 1_600),
        )
    ]
    outside = [CommuneFactory(name=f"Commune voisine {n}") for n in range(3)]
    return inside, outside


@pytest.fixture
def demo_cpts(member, communes):
    cpts = CptsFactory(slug="demo-accompagnement", status=CptsStatus.ACI_SIGNED, phone="01 99 00 12 34")
    for commune in communes[0]:
        TerritoryCommuneFactory(cpts=cpts, commune=commune)
    CptsRoleFactory(cpts=cpts, user=member)
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member, first_name="Léa", last_name="Fournier"))
    for _ in range(3):
        MembershipFactory(cpts=cpts, professional=ProfessionalFactory())
    for trait in ("nurse", "nurse", "pharmacist", "pharmacist"):
        MembershipFactory(cpts=cpts, professional=ProfessionalFactory(**{trait: True}))
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(profession=Profession.MASSEUR_KINESITHERAPEUTE))
    return cpts


@pytest.fixture
def coordinator(demo_cpts):
    return CptsRoleFactory(cpts=demo_cpts, coordinator=True).user


@pytest.fixture
def loaded(demo_cpts, coordinator, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        result = support.ensure_support(demo_cpts, coordinator, seed=SEED, today=timezone.localdate(), member=member)
    assert result is not None
    return queued


def today():
    return timezone.localdate()


def test_the_supervisors_are_adherents_whose_levels_fit_their_profession(demo_cpts, member, loaded):
    supervisors = list(Supervisor.objects.for_cpts(demo_cpts).select_related("membership__professional"))
    assert 3 <= len(supervisors) <= 5
    fits = {
        Profession.MEDECIN: {TraineeLevel.EXTERNAL, TraineeLevel.INTERN, TraineeLevel.JUNIOR_DOCTOR},
        Profession.INFIRMIER: {TraineeLevel.PARAMEDICAL},
        Profession.PHARMACIEN: {TraineeLevel.PHARMACY},
    }
    for supervisor in supervisors:
        supervisor.full_clean()
        assert set(supervisor.levels) <= fits[supervisor.professional.profession], supervisor
        assert supervisor.is_accredited_on(today())
    professions = [supervisor.professional.profession for supervisor in supervisors]
    assert professions.count(Profession.MEDECIN) >= 2
    assert Profession.INFIRMIER in professions and Profession.PHARMACIEN in professions
    assert any(supervisor.professional.user == member for supervisor in supervisors)


def test_no_supervisor_has_more_placements_at_once_than_their_capacity(demo_cpts, loaded):
    for supervisor in Supervisor.objects.for_cpts(demo_cpts):
        for placement in supervisor.placements.exclude(status=PlacementStatus.CANCELLED):
            placement.full_clean()
            overlapping = supervisor.placements.overlapping(placement.starts_on, placement.ends_on)
            assert overlapping.count() <= supervisor.capacity, placement


def test_current_placements_are_filled_through_an_application_and_next_ones_await_applicants(demo_cpts, loaded):
    placements = Placement.objects.for_cpts(demo_cpts)
    under_way = placements.filter(starts_on__lte=today(), ends_on__gte=today())
    assert under_way.count() >= 2 and all(p.status == PlacementStatus.FILLED for p in under_way)
    for placement in placements.filter(status=PlacementStatus.FILLED):
        accepted = placement.applications.get(status=ApplicationStatus.ACCEPTED)
        assert placement.trainee_name == accepted.applicant_name and accepted.submitted_at.date() < placement.starts_on
    assert placements.filter(status=PlacementStatus.FILLED).filter(applications__status=ApplicationStatus.DECLINED)
    waiting_for = placements.open_to_applications().filter(starts_on__gt=today())
    assert waiting_for.filter(applications__status=ApplicationStatus.RECEIVED).count() >= 3
    assert PlacementApplication.objects.for_cpts(demo_cpts).filter(placement=None).received().count() == 1


def test_housing_is_never_booked_over_its_rooms(demo_cpts, loaded):
    housings = list(Housing.objects.for_cpts(demo_cpts))
    assert len(housings) == 2
    for housing in housings:
        bookings = housing.bookings.filter(status=BookingStatus.BOOKED)
        start = min(bookings.values_list("arrives_on", flat=True))
        end = max(bookings.values_list("leaves_on", flat=True))
        assert max(housing.occupancy(start, end).values()) <= housing.rooms
        assert TerritoryCommune.objects.for_cpts(demo_cpts).current().filter(commune=housing.commune).exists()
    booked = [booking for housing in housings for booking in housing.bookings.all()]
    assert sum(booking.status == BookingStatus.CANCELLED for booking in booked) == 1
    assert any(booking.leaves_on <= today() for booking in booked), "un séjour passé"
    assert sum(booking.placement_id is not None for booking in booked) >= 3


def test_three_installation_projects_at_different_steps(demo_cpts, loaded):
    projects = list(InstallationProject.objects.for_cpts(demo_cpts).order_by("created_at"))
    assert len(projects) == 3
    settled, soon, starting = projects
    assert settled.status == InstallationStatus.SETTLED and settled.progress == (4, 4)
    assert settled.membership is not None and settled.settled_on < today()
    assert soon.status == starting.status == InstallationStatus.OPEN
    assert today() < soon.wished_on <= today() + datetime.timedelta(days=60)
    assert soon.progress == (2, 4) and starting.progress == (1, 4)
    assert starting.wished_on > today() + datetime.timedelta(days=60)


def test_ads_of_every_kind_moderated_filled_and_expired_in_and_outside_the_territory(demo_cpts, member, loaded):
    ads = list(Ad.objects.for_cpts(demo_cpts))
    assert {ad.kind for ad in ads} == set(AdKind.values)
    states = [ad.status for ad in ads]
    assert states.count(AdStatus.SUBMITTED) == 2 and states.count(AdStatus.FILLED) == 1
    assert states.count(AdStatus.REFUSED) == 1
    refused = next(ad for ad in ads if ad.status == AdStatus.REFUSED)
    assert refused.author == member and refused.refusal_reason
    expired = [ad for ad in ads if ad.status == AdStatus.PUBLISHED and ad.is_expired]
    assert len(expired) == 1 and expired[0].published_on < expired[0].starts_on < expired[0].ends_on < today()
    public = set(Ad.objects.public().values_list("pk", flat=True))
    assert expired[0].pk not in public and len(public) >= 3
    for ad in ads:
        assert ad.published_on is None or ad.published_on >= ad.created_at.date()
    stamps = selectors.stamps([ad.commune_id for ad in ads])
    stamped = [stamps[ad.commune_id] for ad in ads]
    assert any(stamp is not None and stamp.id == demo_cpts.pk for stamp in stamped)
    uncovered = [ad for ad in ads if stamps[ad.commune_id] is None]
    assert any(ad.status == AdStatus.PUBLISHED and not ad.is_expired for ad in uncovered), "une annonce sans CPTS"


def test_two_tutoring_pairs_a_cross_training_and_equipment_booked_without_overlap(demo_cpts, member, loaded):
    pairs = list(Tutoring.objects.for_cpts(demo_cpts))
    assert len(pairs) == 2 and {pair.status for pair in pairs} == {TutoringStatus.ACTIVE, TutoringStatus.ENDED}
    for pair in pairs:
        pair.full_clean()
    training = CrossTraining.objects.for_cpts(demo_cpts).get()
    assert training.trainer.professional.profession == Profession.PHARMACIEN
    assert training.meeting.mission == Mission.SUPPORT and training.meeting.status == MeetingStatus.POLL
    assert training.meeting.invitations.exists()
    assert all(slot.starts_at > timezone.now() for slot in training.meeting.slots.all())
    equipment = list(Equipment.objects.for_cpts(demo_cpts))
    assert len(equipment) == 2
    for item in equipment:
        bookings = list(item.bookings.booked().order_by("starts_at"))
        assert bookings
        for earlier, later in itertools.pairwise(bookings):
            assert earlier.ends_at <= later.starts_at
    mine = EquipmentBooking.objects.filter(equipment__cpts=demo_cpts, membership__professional__user=member)
    assert mine.filter(starts_at__lt=timezone.now() + datetime.timedelta(days=7)).exists()


def test_the_studio_is_full_on_the_nights_it_is_booked(demo_cpts, coordinator, loaded):
    housing = Housing.objects.for_cpts(demo_cpts).get(rooms=1)
    taken = housing.bookings.filter(status=BookingStatus.BOOKED).order_by("arrives_on").first()
    with pytest.raises(ValidationError):
        services.book_housing(
            housing=housing,
            by=coordinator,
            arrives_on=taken.arrives_on,
            leaves_on=taken.leaves_on,
            occupant_name="Une personne de plus",
        )


def test_the_public_page_has_its_texts(demo_cpts, loaded):
    site = PublicSite.objects.get(cpts=demo_cpts)
    site.full_clean()
    assert site.intro and site.patient_phone == "01 99 00 12 34" and site.patient_hours and site.join_text
    assert "autour de Versailles" in site.intro


def test_nothing_is_sent_to_the_demo_s_people(loaded):
    for callback in loaded:
        assert not support.is_demo_message(callback), callback


def test_the_homes_count_what_waits(demo_cpts, coordinator, member, loaded):
    coordination = {item.label: item.count for item in waiting.support_items(coordinator, demo_cpts)}
    assert coordination["Candidatures aux stages à examiner"] >= 4
    assert coordination["Annonces à modérer"] == 2
    assert coordination[waiting.INSTALLATIONS_SOON] == 1
    own = {item.label: item.count for item in waiting.own_support_items(member, demo_cpts)}
    assert own["Candidatures aux stages que j'encadre, à examiner"] == 2
    assert own["Annonces déposées par moi, en attente de modération"] == 1
    assert own["Annonces déposées par moi et refusées, motif à lire"] == 1
    assert own[waiting.MY_EQUIPMENT_BOOKINGS] == 1


def test_loading_again_leaves_everything_as_it_was(demo_cpts, coordinator, member, loaded):
    models = (Supervisor, Placement, PlacementApplication, Housing, InstallationProject, Ad, Tutoring, Equipment)
    counts = [model.objects.count() for model in models]
    assert support.ensure_support(demo_cpts, coordinator, seed=SEED, today=today(), member=member) is None
    assert [model.objects.count() for model in models] == counts


def test_a_dissolved_cpts_is_left_alone(coordinator, member):
    dissolved = CptsFactory(status=CptsStatus.DISSOLVED)
    assert support.ensure_support(dissolved, coordinator, seed=SEED, today=today(), member=member) is None
    assert not Supervisor.objects.for_cpts(dissolved).exists()
