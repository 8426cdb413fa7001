"""Rules of mission 6 that hold beyond creation: capacity counted day by day (externs one after the
other and an intern over both), placements within the accreditation, a cancelled placement
answers its applicants, a level that fits, capacity and rooms not lowered under what is booked, an
ad published meanwhile no longer the author's to change, what is erased after its time, a year's
supervisors that stay counted, and a dissolved CPTS that offers nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.core.factories import UserFactory
from maillon.core.models import CptsStatus
from maillon.support import indicators, purge, services
from maillon.support.factories import (
    AdFactory,
    HousingBookingFactory,
    HousingFactory,
    InstallationProjectFactory,
    PlacementApplicationFactory,
    PlacementFactory,
    SupervisorFactory,
)
from maillon.support.models import AdStatus, ApplicationStatus, InstallationStatus, Placement, TraineeLevel

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def offer(supervisor, start, end, level=TraineeLevel.INTERN):
    return services.offer_placement(
        supervisor=supervisor, by=UserFactory(), level=level, starts_on=TODAY + start * DAY, ends_on=TODAY + end * DAY
    )


def test_two_externs_one_after_the_other_and_an_intern_over_both_are_two_at_once():
    supervisor = SupervisorFactory(capacity=2)
    offer(supervisor, 30, 90, TraineeLevel.EXTERNAL)
    offer(supervisor, 91, 150, TraineeLevel.EXTERNAL)
    offer(supervisor, 30, 150)
    with pytest.raises(ValidationError) as refusal:
        offer(supervisor, 60, 70)
    assert refusal.value.message_dict["starts_on"] == [
        f"Période du stage : {supervisor.name} accueille au plus 2 stagiaire(s) à la fois, "
        f"et ce nombre est déjà atteint le {TODAY + 60 * DAY:%d/%m/%Y}."
    ]


def test_a_placement_ends_within_the_accreditation():
    supervisor = SupervisorFactory(accredited_until=TODAY + 40 * DAY)
    with pytest.raises(ValidationError) as refusal:
        offer(supervisor, 30, 200)
    assert list(refusal.value.message_dict) == ["ends_on"]
    assert not Placement.objects.exists()


def test_a_cancelled_placement_declines_the_applications_still_waiting():
    placement = PlacementFactory()
    waiting = PlacementApplicationFactory(placement=placement)
    placement.cancel(by=UserFactory(), note="Le maître de stage part en congé")
    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.DECLINED
    assert waiting.events.last().note == "Stage annulé"


def test_an_application_fills_only_a_placement_of_its_level():
    placement = PlacementFactory(level=TraineeLevel.INTERN)
    spontaneous = PlacementApplicationFactory(spontaneous=True, cpts=placement.cpts, level=TraineeLevel.PARAMEDICAL)
    with pytest.raises(ValidationError) as refusal:
        spontaneous.accept(by=UserFactory(), placement=placement)
    assert list(refusal.value.message_dict) == ["placement"]
    placement.refresh_from_db()
    assert placement.status == "open"


def test_capacity_is_not_lowered_under_the_placements_to_come():
    supervisor = SupervisorFactory(capacity=2)
    offer(supervisor, 30, 90)
    offer(supervisor, 40, 100)
    supervisor.capacity = 1
    with pytest.raises(ValidationError) as refusal:
        supervisor.full_clean()
    assert "déjà prévus à la fois" in refusal.value.message_dict["capacity"][0]


def test_rooms_are_not_taken_away_under_the_bookings_to_come():
    housing = HousingFactory(rooms=2)
    HousingBookingFactory(housing=housing, arrives_on=TODAY + 5 * DAY, leaves_on=TODAY + 9 * DAY)
    HousingBookingFactory(housing=housing, arrives_on=TODAY + 6 * DAY, leaves_on=TODAY + 8 * DAY)
    housing.rooms = 1
    with pytest.raises(ValidationError) as refusal:
        housing.full_clean()
    assert refusal.value.message_dict["rooms"] == [
        f"Chambres : 2 sont déjà réservées la nuit du {TODAY + 6 * DAY:%d/%m/%Y}."
    ]


def test_an_ad_published_meanwhile_is_no_longer_its_authors_to_change(cpts):
    author = UserFactory()
    ad = AdFactory(cpts=cpts, author=author)
    read_by_the_author = type(ad).objects.get(pk=ad.pk)
    ad.publish(by=UserFactory())
    with pytest.raises(ValidationError) as refusal:
        services.edit_ad(read_by_the_author, by=author, title="Tout autre chose")
    assert list(refusal.value.message_dict) == ["status"]
    ad.refresh_from_db()
    assert (ad.status, ad.title) == (AdStatus.PUBLISHED, read_by_the_author.title)


def test_trainees_emails_and_closed_projects_contacts_are_erased_after_their_time():
    long_ago = TODAY - 400 * DAY
    placement = PlacementFactory(
        filled=True, trainee_email="lea@example.org", starts_on=long_ago - 180 * DAY, ends_on=long_ago
    )
    prospect = InstallationProjectFactory(
        status=InstallationStatus.ABANDONED, closed_on=long_ago, phone="06 12 34 56 78", notes="Relancer en mars"
    )
    recent = InstallationProjectFactory(status=InstallationStatus.ABANDONED, closed_on=TODAY - 10 * DAY)
    purge.purge(now=timezone.now())
    placement.refresh_from_db()
    prospect.refresh_from_db()
    recent.refresh_from_db()
    assert (placement.trainee_email, bool(placement.trainee_name)) == ("", True)
    assert (prospect.first_name, prospect.email, prospect.phone, prospect.notes) == (purge.ERASED_PROJECT, "", "", "")
    assert (prospect.profession, prospect.status) == ("10", InstallationStatus.ABANDONED)
    assert recent.email


def test_a_supervisor_who_hosted_in_a_year_stays_counted_once_they_stop():
    supervisor = SupervisorFactory()
    PlacementFactory(supervisor=supervisor, filled=True, starts_on=TODAY - 200 * DAY, ends_on=TODAY - 20 * DAY)
    supervisor.active = False
    supervisor.save()
    year = (TODAY - 365 * DAY, TODAY)
    assert indicators.supervisors(supervisor.cpts, *year) == 1
    assert indicators.supervisors(supervisor.cpts, TODAY, TODAY + DAY) == 0


def test_a_dissolved_cpts_offers_no_placement_nor_room_in_the_api(client):
    placement = PlacementFactory()
    HousingFactory(cpts=placement.cpts)
    cpts = placement.cpts
    url = f"/api/v1/cpts/{cpts.pk}/internships"
    assert client.get(url).json()["count"] == 1
    type(cpts).objects.filter(pk=cpts.pk).update(status=CptsStatus.DISSOLVED)
    answer = client.get(url).json()
    assert (answer["count"], answer["items"], answer["housing"]) == (0, [], [])
