"""The mission 6 hub: what waits for the role, counted through the policies (applications
received, ads to moderate, installations open, equipment bookings of the week), and a link to
every mission 6 page the role may use; another CPTS gets 404."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.support.factories import (
    AdFactory,
    EquipmentBookingFactory,
    EquipmentFactory,
    InstallationProjectFactory,
    PlacementApplicationFactory,
    PlacementFactory,
)
from maillon.www.toolkit.dates import monday_of

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text as read: tags dropped, entities decoded, blanks collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def home(cpts):
    return reverse("support_home", args=[cpts.slug])


def this_week(day_offset, hour) -> datetime.datetime:
    day = monday_of(timezone.localdate()) + datetime.timedelta(days=day_offset)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def work(cpts):
    """Two applications received and one declined; an ad waiting and one published; two projects
    open and one settled; one equipment booking this week and one the next."""
    placement = PlacementFactory(cpts=cpts, supervisor__cpts=cpts)
    PlacementApplicationFactory.create_batch(2, placement=placement)
    PlacementApplicationFactory(placement=placement, declined=True)
    AdFactory(cpts=cpts)
    AdFactory(cpts=cpts, published=True)
    InstallationProjectFactory.create_batch(2, cpts=cpts)
    InstallationProjectFactory(cpts=cpts, settled=True)
    ecg = EquipmentFactory(cpts=cpts)
    EquipmentBookingFactory(equipment=ecg, starts_at=this_week(2, 9), ends_at=this_week(2, 12))
    EquipmentBookingFactory(equipment=ecg, starts_at=this_week(8, 9), ends_at=this_week(8, 12))


def test_the_coordination_counts_what_waits_and_reaches_every_page(cpts, coordinator, work):
    response = verified_client(coordinator).get(home(cpts))
    page = words(response)
    assert "2 candidatures de stagiaire reçues, à décider" in page
    assert "1 annonce à modérer" in page
    assert "2 installations en cours de suivi" in page
    assert "1 réservation de matériel cette semaine" in page
    content = response.content.decode()
    for route in (
        "supervisor_list",
        "placement_list",
        "application_list",
        "housing_list",
        "installation_list",
        "installation_create",
        "ad_list",
        "ad_create",
        "tutoring_list",
        "tutoring_create",
        "cross_training_list",
        "cross_training_create",
        "equipment_list",
        "equipment_create",
        "site_edit",
    ):
        assert f'href="{reverse(route, args=[cpts.slug])}"' in content, route
    assert f'href="{reverse("ad_search")}"' in content


def test_a_member_counts_their_own_and_is_offered_no_coordination_page(cpts, member, work):
    response = verified_client(member).get(home(cpts))
    page = words(response)
    assert "0 candidature de stagiaire reçue" in page  # none to the placements they supervise
    assert "à modérer" not in page
    assert "0 projet d'installation en cours" in page
    assert "1 réservation de matériel cette semaine" in page
    content = response.content.decode()
    assert f'href="{reverse("equipment_list", args=[cpts.slug])}"' in content
    for route in ("installation_create", "tutoring_create", "cross_training_create", "equipment_create", "site_edit"):
        assert f'href="{reverse(route, args=[cpts.slug])}"' not in content, route


def test_another_cpts_gets_404(cpts, other_cpts):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    assert verified_client(outsider).get(home(cpts)).status_code == 404
