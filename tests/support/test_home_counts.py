"""Mission 6 on the CPTS space's home and in its menu.

The coordination counts what it must act on: the applications received (spontaneous ones too),
the members' ads waiting for moderation, the open installation projects whose wished date is
within 60 days (or past). A member counts their own: the applications to the placements they
supervise, their ads waiting or refused (while the ad would still run), their equipment bookings
of the coming 7 days — each line only when there is one. The « Accompagnement » section of the
menu offers the hub to every role of the CPTS, and the ads to the coordination."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import Cpts, CptsStatus
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.support.factories import (
    AdFactory,
    EquipmentBookingFactory,
    EquipmentFactory,
    InstallationProjectFactory,
    PlacementApplicationFactory,
    PlacementFactory,
    SupervisorFactory,
)
from maillon.support.models import AdStatus, ApplicationStatus, BookingStatus, InstallationStatus
from maillon.www.home_views import waiting
from maillon.www.home_views.menus import space_menu

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's text as read: tags dropped, entities decoded, blanks collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def days(count) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=count)


def dashboard(user, cpts) -> str:
    return words(verified_client(user).get(reverse("cpts_dashboard", args=[cpts.slug])))


@pytest.fixture
def own(cpts, member):
    """The member's own adhesion as a professional of the CPTS."""
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=member))


@pytest.fixture
def supervised(cpts, own):
    """An open placement the member supervises."""
    return PlacementFactory(supervisor=SupervisorFactory(cpts=cpts, membership=own))


@pytest.fixture
def work(cpts, other_cpts, member, supervised):
    """Two applications received to the member's placement (and one declined), one to another
    supervisor's, one spontaneous; three ads waiting (one the member's), one the member's refused
    and still running, one refused and expired; projects wished in 20 days, 10 days ago (still
    open), in 90 days, and one settled; and as much in another CPTS, never counted here."""
    PlacementApplicationFactory.create_batch(2, placement=supervised)
    PlacementApplicationFactory(placement=supervised, declined=True)
    PlacementApplicationFactory(placement=PlacementFactory(supervisor__cpts=cpts))
    PlacementApplicationFactory(spontaneous=True, cpts=cpts)
    AdFactory.create_batch(2, cpts=cpts)
    AdFactory(cpts=cpts, author=member, title="Remplacement le jeudi")
    AdFactory(cpts=cpts, author=member, status=AdStatus.REFUSED, refusal_reason="Précisez les dates.")
    AdFactory(cpts=cpts, author=member, status=AdStatus.REFUSED, refusal_reason="Trop vague.", expires_on=days(-1))
    AdFactory(cpts=cpts, author=member, published=True)
    InstallationProjectFactory(cpts=cpts, wished_on=days(20))
    InstallationProjectFactory(cpts=cpts, wished_on=days(-10))
    InstallationProjectFactory(cpts=cpts, wished_on=days(90))
    InstallationProjectFactory(cpts=cpts, wished_on=None)
    InstallationProjectFactory(cpts=cpts, wished_on=days(10), settled=True)
    # Elsewhere: never counted in this CPTS.
    PlacementApplicationFactory(placement=PlacementFactory(supervisor__cpts=other_cpts))
    AdFactory(cpts=other_cpts)
    InstallationProjectFactory(cpts=other_cpts, wished_on=days(5))


def test_the_coordination_counts_applications_ads_to_moderate_and_installations_coming(cpts, coordinator, work):
    counts = {item.label: item.count for item in waiting.support_items(coordinator, cpts)}
    assert counts == {
        "Candidatures aux stages à examiner": 4,
        "Annonces à modérer": 3,
        waiting.INSTALLATIONS_SOON: 2,
    }
    page = dashboard(coordinator, cpts)
    assert "4 candidatures aux stages à examiner" in page
    assert "3 annonces à modérer" in page
    assert "2 projets d'installation en cours, installation souhaitée d'ici 60 jours" in page


def test_the_lines_link_to_the_pages_that_deal_with_them(cpts, coordinator, member, work):
    urls = {item.label: item.url for item in waiting.support_items(coordinator, cpts)}
    assert urls["Candidatures aux stages à examiner"] == reverse("application_list", args=[cpts.slug])
    assert urls["Annonces à modérer"] == reverse("ad_list", args=[cpts.slug])
    assert urls[waiting.INSTALLATIONS_SOON] == reverse("installation_list", args=[cpts.slug])
    mine = {item.label: item.url for item in waiting.own_support_items(member, cpts)}
    refused = mine["Annonces déposées par moi et refusées, motif à lire"]
    assert refused == reverse("ad_list", args=[cpts.slug]) + f"?etat={AdStatus.REFUSED}"


def test_one_of_each_reads_in_the_singular(cpts, coordinator):
    PlacementApplicationFactory(placement=PlacementFactory(supervisor__cpts=cpts))
    AdFactory(cpts=cpts)
    InstallationProjectFactory(cpts=cpts, wished_on=days(3))
    page = dashboard(coordinator, cpts)
    assert "1 candidature aux stages à examiner" in page
    assert "1 annonce à modérer" in page
    assert "1 projet d'installation en cours, installation souhaitée d'ici 60 jours" in page


def test_the_coordination_sees_its_zero_lines_too(cpts, coordinator):
    counts = {item.label: item.count for item in waiting.support_items(coordinator, cpts)}
    assert counts == {
        "Candidatures aux stages à examiner": 0,
        "Annonces à modérer": 0,
        waiting.INSTALLATIONS_SOON: 0,
    }


def test_a_decided_application_or_a_moderated_ad_leaves_the_count(cpts, coordinator, supervised):
    application = PlacementApplicationFactory(placement=supervised)
    ad = AdFactory(cpts=cpts)
    application.decline(by=coordinator, note="Période déjà prise.")
    ad.publish(by=coordinator)
    counts = {item.label: item.count for item in waiting.support_items(coordinator, cpts)}
    assert counts["Candidatures aux stages à examiner"] == 0 and counts["Annonces à modérer"] == 0
    assert application.status == ApplicationStatus.DECLINED


def test_a_member_counts_what_is_theirs(cpts, member, own, work):
    EquipmentBookingFactory(equipment=EquipmentFactory(cpts=cpts), membership=own)
    later = timezone.localtime() + datetime.timedelta(days=9)
    EquipmentBookingFactory(equipment=EquipmentFactory(cpts=cpts), membership=own, starts_at=later)
    EquipmentBookingFactory(equipment=EquipmentFactory(cpts=cpts), membership=own, status=BookingStatus.CANCELLED)
    EquipmentBookingFactory(equipment=EquipmentFactory(cpts=cpts))  # another adherent's
    counts = {item.label: item.count for item in waiting.own_support_items(member, cpts)}
    assert counts == {
        "Candidatures aux stages que j'encadre, à examiner": 2,
        "Annonces déposées par moi, en attente de modération": 1,
        "Annonces déposées par moi et refusées, motif à lire": 1,
        waiting.MY_EQUIPMENT_BOOKINGS: 1,
    }
    page = dashboard(member, cpts)
    assert "2 candidatures aux stages que j'encadre, à examiner" in page
    assert "1 annonce déposée par moi, en attente de modération" in page
    assert "1 annonce déposée par moi et refusée, motif à lire" in page
    assert "1 réservation de matériel à mon nom dans les 7 jours" in page
    assert "annonces à modérer" not in page and "candidatures aux stages à examiner" not in page


def test_a_booking_under_way_counts_until_it_ends(cpts, member, own):
    now = timezone.localtime()
    EquipmentBookingFactory(
        equipment=EquipmentFactory(cpts=cpts),
        membership=own,
        starts_at=now - datetime.timedelta(hours=2),
        ends_at=now + datetime.timedelta(hours=1),
    )
    counts = {item.label: item.count for item in waiting.own_support_items(member, cpts)}
    assert counts == {waiting.MY_EQUIPMENT_BOOKINGS: 1}


def test_a_member_with_nothing_of_their_own_has_no_mission_6_line(cpts, member, own):
    assert waiting.own_support_items(member, cpts) == []
    page = dashboard(member, cpts)
    assert "que j'encadre" not in page and "déposée par moi" not in page and "à mon nom" not in page


def test_a_member_without_adhesion_counts_no_booking(cpts, member):
    assert waiting.own_support_items(member, cpts) == []


def test_a_coordinator_who_supervises_counts_applications_once_among_the_coordination_s_work(
    cpts, coordinator, other_cpts
):
    mine = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=coordinator))
    PlacementApplicationFactory(placement=PlacementFactory(supervisor=SupervisorFactory(cpts=cpts, membership=mine)))
    EquipmentBookingFactory(equipment=EquipmentFactory(cpts=cpts), membership=mine)
    own = {item.label: item.count for item in waiting.own_support_items(coordinator, cpts)}
    assert own == {waiting.MY_EQUIPMENT_BOOKINGS: 1}
    page = dashboard(coordinator, cpts)
    assert "1 candidature aux stages à examiner" in page and "que j'encadre" not in page


def test_someone_of_another_cpts_counts_nothing_here(cpts, other_cpts, work):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True).user
    assert waiting.support_items(outsider, cpts) == []
    assert waiting.own_support_items(outsider, cpts) == []


def test_a_dissolved_cpts_has_nothing_to_moderate(cpts, coordinator, work):
    Cpts.objects.filter(pk=cpts.pk).update(status=CptsStatus.DISSOLVED)
    cpts.refresh_from_db()
    labels = [item.label for item in waiting.support_items(coordinator, cpts)]
    assert "Annonces à modérer" not in labels


def test_an_open_project_without_wished_date_is_not_counted(cpts, coordinator):
    InstallationProjectFactory(cpts=cpts, wished_on=None)
    project = InstallationProjectFactory(cpts=cpts, wished_on=days(30))
    project.abandon(by=coordinator, note="Installation dans un autre département.")
    assert project.status == InstallationStatus.ABANDONED
    counts = {item.label: item.count for item in waiting.support_items(coordinator, cpts)}
    assert counts[waiting.INSTALLATIONS_SOON] == 0


# --- The menu ----------------------------------------------------------------------------------


def support_section(user, cpts) -> dict[str, str]:
    sections = {section.label: section for section in space_menu(user, cpts)}
    section = sections.get("Accompagnement")
    return {entry.label: entry.url for entry in section.entries} if section else {}


def test_the_menu_offers_the_hub_and_the_ads_to_every_role(cpts, coordinator, member):
    # Members publish ads too and follow their moderation from the list.
    for user in (coordinator, member):
        assert support_section(user, cpts) == {
            "Accompagnement des professionnels": reverse("support_home", args=[cpts.slug]),
            "Annonces": reverse("ad_list", args=[cpts.slug]),
        }
    page = verified_client(member).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert reverse("support_home", args=[cpts.slug]) in page


def test_the_menu_has_no_accompagnement_for_someone_of_another_cpts(cpts, other_cpts):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    assert support_section(outsider, cpts) == {}


def test_the_menu_marks_the_section_of_the_hub(cpts, member):
    address = reverse("support_home", args=[cpts.slug])
    sections = {section.label: section for section in space_menu(member, cpts, address)}
    assert sections["Accompagnement"].current
