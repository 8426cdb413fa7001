"""Requests through the CPTS space: who creates, who sees, search and one-click booking."""

import datetime

import pytest
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.snp.booking import SLOT_TAKEN
from maillon.snp.models import Booking, CareRequest, RequesterKind, RequestStatus
from maillon.territories.factories import DepartementFactory, TerritoryRoleFactory
from tests.conftest import verified_client

from .requests_support import member_professional, new_request, origin_commune, slot_for


def form_data(commune, **fields):
    return {
        "last_name": "Durand",
        "first_name": "Jeanne",
        "birth_date": "1970-01-02",
        "phone": "0612345678",
        "commune_query": "",
        "commune": commune.code,
        "reason": "Fièvre depuis hier",
        "urgency": "48h",
        "profession": "10",
        "specialty": "",
        **fields,
    }


def sas_regulator(departement_code="78"):
    user = UserFactory(with_totp=True)
    TerritoryRoleFactory(user=user, role="sas_regulator", departement=DepartementFactory(code=departement_code))
    return user


@pytest.mark.django_db
def test_a_member_creates_a_request_and_lands_on_the_slots(cpts, member):
    commune = origin_commune()
    response = verified_client(member).post(reverse("snp_request_new", args=[cpts.slug]), form_data(commune))
    care_request = CareRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("snp_request_search", args=[cpts.slug, care_request.pk])
    assert care_request.requester_kind == RequesterKind.MEMBER
    assert care_request.deadline - care_request.created_at == datetime.timedelta(hours=48)
    assert [event.to_status for event in care_request.events.all()] == ["open"]
    assert "Durand" not in response["Location"]


@pytest.mark.django_db
def test_a_missing_field_is_named_in_french(cpts, member):
    commune = origin_commune()
    response = verified_client(member).post(reverse("snp_request_new", args=[cpts.slug]), form_data(commune, reason=""))
    assert response.status_code == 200
    assert "Motif" in response.content.decode()
    assert not CareRequest.objects.exists()


@pytest.mark.django_db
def test_the_sas_regulator_of_the_departement_creates_a_sas_request_and_sees_it(cpts):
    regulator = sas_regulator("78")
    client = verified_client(regulator)
    client.post(reverse("snp_request_new", args=[cpts.slug]), form_data(origin_commune()))
    care_request = CareRequest.objects.get()
    assert care_request.requester_kind == RequesterKind.SAS
    assert client.get(reverse("snp_request_detail", args=[cpts.slug, care_request.pk])).status_code == 200
    assert "Durand" in client.get(reverse("snp_requests", args=[cpts.slug])).content.decode()


@pytest.mark.django_db
def test_a_sas_regulator_of_another_departement_gets_404(cpts):
    care_request = new_request(cpts, by=UserFactory(), commune=origin_commune(), kind=RequesterKind.SAS)
    client = verified_client(sas_regulator("75"))
    assert client.get(reverse("snp_requests", args=[cpts.slug])).status_code == 404
    assert client.get(reverse("snp_request_detail", args=[cpts.slug, care_request.pk])).status_code == 404


@pytest.mark.django_db
def test_the_sas_regulator_does_not_see_the_members_requests(cpts, member):
    care_request = new_request(cpts, by=member, commune=origin_commune())
    client = verified_client(sas_regulator("78"))
    assert client.get(reverse("snp_request_detail", args=[cpts.slug, care_request.pk])).status_code == 404
    assert "Durand" not in client.get(reverse("snp_requests", args=[cpts.slug])).content.decode()


@pytest.mark.django_db
def test_another_member_gets_404_but_the_coordinator_sees_it(cpts, member, coordinator):
    care_request = new_request(cpts, by=member, commune=origin_commune())
    url = reverse("snp_request_detail", args=[cpts.slug, care_request.pk])
    other = member_professional(cpts, commune=origin_commune("78009")).user
    assert verified_client(other).get(url).status_code == 404
    assert verified_client(coordinator).get(url).status_code == 200


@pytest.mark.django_db
def test_reading_a_request_is_journaled(cpts, member):
    care_request = new_request(cpts, by=member, commune=origin_commune())
    verified_client(member).get(reverse("snp_request_detail", args=[cpts.slug, care_request.pk]))
    entry = JournalEntry.objects.filter(action="read", object_type="snp.CareRequest").get()
    assert entry.object_id == str(care_request.pk)
    assert entry.actor_id == member.pk
    assert "reason" in entry.fields


@pytest.mark.django_db
def test_search_shows_distance_and_one_click_books(cpts, member):
    commune = origin_commune()
    slot = slot_for(member_professional(cpts, commune=commune), cpts)
    care_request = new_request(cpts, by=member, commune=commune)
    client = verified_client(member)
    page = client.get(reverse("snp_request_search", args=[cpts.slug, care_request.pk])).content.decode()
    assert "0,0 km" in page or "0.0 km" in page
    assert "Réserver" in page
    response = client.post(reverse("snp_request_book", args=[cpts.slug, care_request.pk]), {"slot": slot.pk})
    assert response.status_code == 302
    assert Booking.objects.get().slot == slot
    care_request.refresh_from_db()
    assert care_request.status == RequestStatus.BOOKED


@pytest.mark.django_db
def test_the_second_operator_sees_the_clear_refusal(cpts, member, coordinator):
    commune = origin_commune()
    slot = slot_for(member_professional(cpts, commune=commune), cpts)
    first = new_request(cpts, by=member, commune=commune)
    second = new_request(cpts, by=coordinator, commune=commune)
    verified_client(member).post(reverse("snp_request_book", args=[cpts.slug, first.pk]), {"slot": slot.pk})
    response = verified_client(coordinator).post(
        reverse("snp_request_book", args=[cpts.slug, second.pk]), {"slot": slot.pk}, follow=True
    )
    assert SLOT_TAKEN in response.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_the_coordinators_queue_shows_escalated_requests_first(cpts, coordinator, member):
    commune = origin_commune()
    older = new_request(cpts, by=member, commune=commune, last_name="Ancienne")
    escalated = new_request(cpts, by=member, commune=commune, last_name="Remontee")
    escalated.escalate(note="sans volontaire")
    page = verified_client(coordinator).get(reverse("snp_requests", args=[cpts.slug])).content.decode()
    assert page.index("Remontee") < page.index("Ancienne")
    assert older.pk != escalated.pk
