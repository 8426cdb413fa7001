"""One adhesion, for the coordinator: accept, refuse, leave, collège, cotisation, invitation."""

import datetime

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import CptsRole, JournalEntry
from maillon.members.factories import (
    CollegeFactory,
    FeeFactory,
    MembershipFactory,
    PracticePlaceFactory,
    ProfessionalFactory,
    StructureFactory,
)
from maillon.members.models import Fee, MembershipEvent, MembershipStatus, Professional
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def url(membership):
    return reverse("members_membership", args=[membership.cpts.slug, membership.pk])


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def coordinator_client(coordinator):
    return verified_client(coordinator)


@pytest.fixture
def request_(cpts):
    """A pending request, its card created with it (as by the public form)."""
    professional = ProfessionalFactory(first_name="Alice", last_name="Martin", email="alice@example.org")
    PracticePlaceFactory(professional=professional)
    return MembershipFactory(cpts=cpts, professional=professional, requested=True)


def test_the_coordinator_accepts_a_request_on_a_date(coordinator_client, coordinator, request_):
    day = TODAY - datetime.timedelta(days=3)

    response = coordinator_client.post(url(request_), {"action": "accept", "accept-joined_on": day.isoformat()})

    assert response.status_code == 302
    request_.refresh_from_db()
    assert (request_.status, request_.joined_on, request_.decided_by) == (MembershipStatus.ACTIVE, day, coordinator)
    event = MembershipEvent.objects.get(membership=request_)
    assert (event.from_status, event.to_status, event.by) == ("requested", "active", coordinator)
    assert "Adhésion acceptée" in html(coordinator_client.get(response["Location"]))


def test_accepting_never_changes_the_card(coordinator_client, request_):
    before = Professional.objects.values().get(pk=request_.professional_id)

    coordinator_client.post(url(request_), {"action": "accept", "accept-joined_on": TODAY.isoformat()})

    after = Professional.objects.values().get(pk=request_.professional_id)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


def test_the_coordinator_refuses_with_a_reason_kept_in_the_history(coordinator_client, request_):
    coordinator_client.post(url(request_), {"action": "refuse", "refuse-reason": "Hors du territoire"})

    request_.refresh_from_db()
    assert request_.status == MembershipStatus.REFUSED
    page = html(coordinator_client.get(url(request_)))
    assert "Hors du territoire" in page and "demande refusée" in page


def test_a_refusal_needs_a_reason(coordinator_client, request_):
    response = coordinator_client.post(url(request_), {"action": "refuse", "refuse-reason": ""})

    assert "Motif du refus : ce champ est obligatoire." in html(response)
    request_.refresh_from_db()
    assert request_.status == MembershipStatus.REQUESTED


def test_the_coordinator_records_a_departure_with_date_and_reason(coordinator_client, cpts):
    membership = MembershipFactory(cpts=cpts)
    day = TODAY - datetime.timedelta(days=1)

    coordinator_client.post(
        url(membership), {"action": "leave", "leave-left_on": day.isoformat(), "leave-reason": "Déménagement"}
    )

    membership.refresh_from_db()
    assert (membership.status, membership.left_on, membership.leave_reason) == ("left", day, "Déménagement")
    page = html(coordinator_client.get(url(membership)))
    assert "adhérent → parti" in page and "Déménagement" in page


def test_a_departure_before_the_adhesion_is_refused_in_french(coordinator_client, cpts):
    membership = MembershipFactory(cpts=cpts, joined_on=TODAY - datetime.timedelta(days=10))
    day = TODAY - datetime.timedelta(days=20)

    response = coordinator_client.post(url(membership), {"action": "leave", "leave-left_on": day.isoformat()})

    assert "La date de départ ne peut pas précéder la date d&#x27;adhésion." in html(response)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE and not membership.events.exists()


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("accept", {"accept-joined_on": TODAY.isoformat()}),
        ("refuse", {"refuse-reason": "Trop tard"}),
    ],
)
def test_a_decided_adhesion_cannot_be_decided_again(coordinator_client, cpts, action, data):
    membership = MembershipFactory(cpts=cpts)

    response = coordinator_client.post(url(membership), {"action": action, **data})

    assert response.status_code == 200
    assert "Cette adhésion est « Adhérent » : l&#x27;action n&#x27;est pas possible." in html(response)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE and not membership.events.exists()


def test_a_request_cannot_leave(coordinator_client, request_):
    response = coordinator_client.post(url(request_), {"action": "leave", "leave-left_on": TODAY.isoformat()})

    assert "Cette adhésion est « Demande en attente »" in html(response)


def test_dates_in_the_future_are_refused(coordinator_client, request_):
    tomorrow = TODAY + datetime.timedelta(days=1)

    response = coordinator_client.post(url(request_), {"action": "accept", "accept-joined_on": tomorrow.isoformat()})

    assert "Date d&#x27;adhésion : la date ne peut pas être dans le futur." in html(response)


def test_the_coordinator_changes_college_and_involvement(coordinator_client, cpts):
    membership = MembershipFactory(cpts=cpts)
    college = CollegeFactory(cpts=cpts, name="Médecins")

    coordinator_client.post(
        url(membership), {"action": "placement", "placement-college": college.pk, "placement-involvement": "mission"}
    )

    membership.refresh_from_db()
    assert (membership.college, membership.involvement) == (college, "mission")


def test_a_college_of_another_cpts_is_refused(coordinator_client, cpts, other_cpts):
    membership = MembershipFactory(cpts=cpts)
    foreign = CollegeFactory(cpts=other_cpts, name="Usagers")

    response = coordinator_client.post(
        url(membership), {"action": "placement", "placement-college": foreign.pk, "placement-involvement": "mission"}
    )

    assert "Collège : choisissez une des valeurs proposées." in html(response)
    membership.refresh_from_db()
    assert membership.college is None


def test_the_coordinator_records_and_replaces_a_cotisation(coordinator_client, cpts):
    membership = MembershipFactory(cpts=cpts)
    year = TODAY.year

    coordinator_client.post(url(membership), {"action": "fee", "fee-year": year, "fee-amount": "20"})
    coordinator_client.post(
        url(membership),
        {"action": "fee", "fee-year": year, "fee-amount": "25,50", "fee-paid_on": TODAY.strftime("%d/%m/%Y")},
    )

    fee = Fee.objects.get(membership=membership)
    assert (fee.year, str(fee.amount), fee.paid_on) == (year, "25.50", TODAY)


def test_a_negative_cotisation_is_refused(coordinator_client, cpts):
    membership = MembershipFactory(cpts=cpts)

    response = coordinator_client.post(url(membership), {"action": "fee", "fee-year": TODAY.year, "fee-amount": "-5"})

    assert "Montant (€) : le montant ne peut pas être négatif." in html(response)
    assert not Fee.objects.exists()


def test_a_request_has_no_cotisation_yet(coordinator_client, request_):
    response = coordinator_client.post(url(request_), {"action": "fee", "fee-year": TODAY.year, "fee-amount": "20"})

    assert "Cotisation : l&#x27;adhésion doit être acceptée" in html(response)
    assert not Fee.objects.exists()


def test_the_page_shows_the_card_the_history_and_the_fees(coordinator_client, cpts):
    membership = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(first_name="Zoé", skills="plaies"))
    FeeFactory(membership=membership, year=2024, amount="15.00", paid_on=datetime.date(2024, 3, 1))

    page = html(coordinator_client.get(url(membership)))

    assert "Zoé" in page and "plaies" in page and "15,00 €" in page
    assert "01/03/2024" in page


def test_a_request_from_a_card_already_on_the_platform_is_flagged(coordinator_client, cpts, request_):
    reused = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(), requested=True, card_existed=True)

    assert "Fiche existante" in html(coordinator_client.get(url(reused)))
    assert "Fiche existante" not in html(coordinator_client.get(url(request_)))


def test_a_structure_adhesion_shows_its_numbers(coordinator_client, cpts):
    membership = MembershipFactory(cpts=cpts, professional=None, structure=StructureFactory(finess="750712184"))

    assert "750712184" in html(coordinator_client.get(url(membership)))


def test_an_accepted_professional_is_invited_and_linked_to_the_card(coordinator_client, coordinator, cpts):
    membership = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(email="Nouvelle@Example.org"))
    assert "Inviter sur Maillon" in html(coordinator_client.get(url(membership)))

    with TestCase.captureOnCommitCallbacks(execute=True):  # the worker sends the invitation
        response = coordinator_client.post(url(membership), {"action": "invite"})

    assert response.status_code == 302
    membership.professional.refresh_from_db()
    user = membership.professional.user
    assert user.email == "nouvelle@example.org"
    assert CptsRole.objects.get(user=user, cpts=cpts).role == "member"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouvelle@example.org"]
    assert "Inviter sur Maillon" not in html(coordinator_client.get(url(membership)))


def test_a_person_who_already_has_a_role_here_is_only_linked(coordinator_client, cpts):
    user = UserFactory(email="deja@example.org")
    CptsRoleFactory(user=user, cpts=cpts)
    membership = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(email="deja@example.org"))

    coordinator_client.post(url(membership), {"action": "invite"})

    membership.professional.refresh_from_db()
    assert membership.professional.user == user
    assert not mail.outbox


def test_an_account_already_linked_to_another_card_is_not_linked_twice(coordinator_client, cpts):
    user = UserFactory(email="pris@example.org")
    ProfessionalFactory(user=user)
    membership = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(email="pris@example.org"))

    response = coordinator_client.post(url(membership), {"action": "invite"}, follow=True)

    assert "déjà relié à une autre fiche" in html(response)
    membership.professional.refresh_from_db()
    assert membership.professional.user is None and not CptsRole.objects.filter(user=user).exists()


def test_a_request_cannot_be_invited(coordinator_client, request_):
    response = coordinator_client.post(url(request_), {"action": "invite"}, follow=True)

    assert "Invitation : seul un adhérent" in html(response)
    assert not mail.outbox


def test_an_adhesion_of_another_cpts_answers_404(coordinator_client, other_cpts):
    foreign = MembershipFactory(cpts=other_cpts, requested=True)
    foreign_url = reverse("members_membership", args=["plaine-de-versailles", foreign.pk])

    assert coordinator_client.get(foreign_url).status_code == 404
    assert coordinator_client.post(foreign_url, {"action": "refuse", "refuse-reason": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == MembershipStatus.REQUESTED


def test_a_member_gets_404(cpts, member, request_):
    client = verified_client(member)

    assert client.get(url(request_)).status_code == 404
    assert client.post(url(request_), {"action": "accept", "accept-joined_on": TODAY.isoformat()}).status_code == 404


def test_viewing_and_deciding_are_journaled_without_names(coordinator_client, coordinator, request_):
    coordinator_client.get(url(request_))
    coordinator_client.post(url(request_), {"action": "accept", "accept-joined_on": TODAY.isoformat()})

    read = JournalEntry.objects.get(action="read", object_type="members.Membership", object_id=str(request_.pk))
    assert read.actor_id == coordinator.pk and "last_name" in read.fields
    moved = JournalEntry.objects.filter(action="transition", object_type="members.Membership").first()
    assert moved is not None and "status" in moved.fields and moved.actor_id == coordinator.pk
    for entry in JournalEntry.objects.all():
        assert "Alice" not in entry.note and "Martin" not in entry.note
