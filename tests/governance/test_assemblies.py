"""General assemblies: the coordinator ticks the members present; quorum information."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.governance.factories import GeneralAssemblyFactory
from maillon.governance.models import GeneralAssembly
from maillon.members.factories import MembershipFactory
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_the_coordinator_creates_an_assembly(cpts, coordinator):
    response = verified_client(coordinator).post(
        reverse("governance_assemblies", args=[cpts.slug]),
        {"date": "2026-06-12", "kind": "ordinary", "place": "Mairie", "agenda": "Rapport moral", "minutes": ""},
    )
    assembly = GeneralAssembly.objects.get()
    assert response.status_code == 302
    assert (assembly.cpts, assembly.date, assembly.place) == (cpts, datetime.date(2026, 6, 12), "Mairie")


def test_the_coordinator_ticks_attendance_and_sees_the_share_present(cpts, coordinator):
    assembly = GeneralAssemblyFactory(cpts=cpts)
    present = [MembershipFactory(cpts=cpts) for _ in range(3)]
    MembershipFactory(cpts=cpts)  # absent
    client = verified_client(coordinator)
    url = reverse("governance_assembly", args=[cpts.slug, assembly.pk])

    response = client.post(url, {"action": "attendance", "present": [m.pk for m in present]})

    assert response.status_code == 302
    assert set(assembly.attendance.all()) == set(present)
    assert assembly.quorum_info() == {"present": 3, "members": 4, "percent": 75.0}
    assert JournalEntry.objects.filter(action="update", fields=["attendance"], actor_id=coordinator.pk).exists()
    page = client.get(url).content.decode()
    assert "3 présents sur 4 adhérents" in page


def test_only_members_on_the_day_can_be_ticked(cpts, other_cpts, coordinator):
    assembly = GeneralAssemblyFactory(cpts=cpts)
    stranger = MembershipFactory(cpts=other_cpts)
    requested = MembershipFactory(cpts=cpts, requested=True)

    response = verified_client(coordinator).post(
        reverse("governance_assembly", args=[cpts.slug, assembly.pk]),
        {"action": "attendance", "present": [stranger.pk, requested.pk]},
    )

    assert response.status_code == 200
    assert "Présents : cochez des adhérents" in response.content.decode()
    assert not assembly.attendance.exists()
    with pytest.raises(ValidationError):
        assembly.set_attendance([stranger], by=None)


def test_a_member_reads_the_minutes_but_cannot_tick(cpts, member):
    assembly = GeneralAssemblyFactory(cpts=cpts, minutes="Le rapport moral est adopté.")
    client = verified_client(member)
    url = reverse("governance_assembly", args=[cpts.slug, assembly.pk])

    page = client.get(url)
    assert page.status_code == 200 and "Le rapport moral est adopté." in page.content.decode()
    assert "Cocher les présents" not in page.content.decode()
    assert client.post(url, {"action": "attendance", "present": []}).status_code == 403
