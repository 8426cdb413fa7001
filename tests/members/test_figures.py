import datetime

import pytest
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory, StructureFactory
from maillon.members.figures import quarter_ends, trend
from maillon.members.models import Membership, MembershipStatus
from maillon.members.professions import Profession, Specialty, StructureKind
from maillon.territories.factories import TerritoryRoleFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def rows_by_category(response):
    return {row.category: row for row in response.context["rows"]}


def test_the_dashboard_counts_active_adherents_by_national_category(cpts, other_cpts, member):
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(specialty=Specialty.GENERAL_PRACTICE))
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(specialty=Specialty.OTHER_MEDICAL))
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(nurse=True))
    MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory(kind=StructureKind.PHARMACY))
    MembershipFactory(cpts=cpts, requested=True)
    MembershipFactory(cpts=cpts, status=MembershipStatus.LEFT, left_on=TODAY)
    MembershipFactory(cpts=other_cpts)
    response = verified_client(member).get(reverse("members_figures", args=[cpts.slug]))
    rows = rows_by_category(response)
    assert response.context["total"] == 4
    assert rows["generalistes"].count == 1 and rows["specialistes"].count == 1
    assert rows["infirmiers"].count == 1 and rows["pharmacies"].count == 1
    assert rows["infirmiers"].share == 25.0
    assert rows["infirmiers"].national_count == 13_309 and rows["infirmiers"].national_share == 28.13
    assert "Médecins généralistes" in response.content.decode()


def test_the_trend_counts_members_on_each_date():
    membership = MembershipFactory(joined_on=datetime.date(2025, 1, 15))
    MembershipFactory(cpts=membership.cpts, joined_on=datetime.date(2025, 1, 1), left_on=datetime.date(2025, 7, 1))
    memberships = Membership.objects.for_cpts(membership.cpts)
    points = trend(memberships, [datetime.date(2024, 12, 31), datetime.date(2025, 3, 31), datetime.date(2025, 9, 30)])
    assert [point.total for point in points] == [0, 2, 1]


def test_quarter_ends_are_the_last_days_of_the_latest_quarters():
    assert quarter_ends(datetime.date(2026, 11, 23), count=4) == [
        datetime.date(2026, 3, 31),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 11, 23),
    ]


def test_observers_see_counts_of_their_territory_without_any_name(cpts, other_cpts):
    professional = ProfessionalFactory(last_name="Zygomatique", profession=Profession.ORTHOPHONISTE, specialty="")
    MembershipFactory(cpts=cpts, professional=professional)
    MembershipFactory(cpts=other_cpts, professional=ProfessionalFactory(nurse=True))
    observer = TerritoryRoleFactory(role="observer", user=UserFactory(with_totp=True)).user
    client = verified_client(observer)
    response = client.get(reverse("observatory_members"))
    section = response.context["sections"][0]
    assert section["cpts_count"] == 2 and section["total"] == 2
    assert "Zygomatique" not in response.content.decode()


def test_the_observatory_is_for_territorial_roles_only(member):
    response = verified_client(member).get(reverse("observatory_members"))
    assert response.status_code == 404


def test_the_dashboard_runs_the_same_queries_for_3_and_30_members(cpts, member):
    client = verified_client(member)
    url = reverse("members_figures", args=[cpts.slug])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 27):
        MembershipFactory.create_batch(size, cpts=cpts)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
