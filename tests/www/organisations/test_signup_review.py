"""The pilot team (and the hosting organisation's managers) review the pending sign-ups:
accepting makes the person's account when they have none and opens the group to them;
refusing keeps the note. A moderator or a participant may not (403); others do not see the
group (404)."""

import pytest
from django.urls import reverse

from maillon.core.models import User
from maillon.discussions import policies
from maillon.discussions.factories import SignupRequestFactory
from maillon.discussions.models import Participant, SignupEvent

from .conftest import verified_client

pytestmark = pytest.mark.django_db


def test_the_pilot_sees_the_answers_and_accepts(group, pilot):
    question = group.signup_questions.first()
    signup = SignupRequestFactory(
        space=group,
        email="nouvelle@example.org",
        first_name="Léa",
        last_name="Nouvelle",
        answers={str(question.pk): "Six ans"},
    )
    client = verified_client(pilot)
    page = client.get(reverse("discussions_signups", args=[group.pk])).content.decode()
    assert "Léa Nouvelle" in page and "Six ans" in page and question.label in page
    response = client.post(reverse("discussions_signup_accept", args=[signup.pk]))
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == "accepted"
    user = User.objects.get(email="nouvelle@example.org")
    assert Participant.objects.get(space=group, user=user).status == "active"
    assert policies.can_read(user, group)


def test_the_manager_refuses_with_a_note(group, manager):
    signup = SignupRequestFactory(space=group)
    response = verified_client(manager).post(
        reverse("discussions_signup_refuse", args=[signup.pk]), {"note": "Exerce hors de la région"}
    )
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == "refused"
    assert SignupEvent.objects.get(signuprequest=signup).note == "Exerce hors de la région"
    assert not User.objects.filter(email=signup.email).exists()


def test_a_decided_signup_cannot_be_decided_again(group, pilot):
    signup = SignupRequestFactory(space=group)
    client = verified_client(pilot)
    client.post(reverse("discussions_signup_refuse", args=[signup.pk]))
    response = client.post(reverse("discussions_signup_accept", args=[signup.pk]))
    assert response.status_code == 400
    signup.refresh_from_db()
    assert signup.status == "refused"


def test_moderators_and_participants_do_not_review(group, moderator, participant, stranger):
    signup = SignupRequestFactory(space=group)
    for user in (moderator, participant):
        client = verified_client(user)
        assert client.get(reverse("discussions_signups", args=[group.pk])).status_code == 403
        assert client.post(reverse("discussions_signup_accept", args=[signup.pk])).status_code == 403
    client = verified_client(stranger)
    assert client.get(reverse("discussions_signups", args=[group.pk])).status_code == 404
    assert client.post(reverse("discussions_signup_refuse", args=[signup.pk])).status_code == 404
    signup.refresh_from_db()
    assert signup.status == "pending"


def test_the_pilot_home_counts_the_waiting_signups(cpts, group, pilot):
    from maillon.core.factories import CptsRoleFactory

    CptsRoleFactory(cpts=cpts, user=pilot)
    SignupRequestFactory.create_batch(3, space=group)
    page = verified_client(pilot).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert f"demandes d&#x27;inscription à « {group.name} »" in page
    assert reverse("discussions_signups", args=[group.pk]) in page


def test_a_person_accepted_without_any_other_role_lands_on_their_groups(group, pilot):
    signup = SignupRequestFactory(space=group, email="seule@example.org")
    verified_client(pilot).post(reverse("discussions_signup_accept", args=[signup.pk]))
    user = User.objects.get(email="seule@example.org")
    response = verified_client(user).get(reverse("my_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("discussions_index")
