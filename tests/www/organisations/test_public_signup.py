"""The public sign-up form of a regional group: its questions, a required answer missing named
in the message, an optional RPPS checked, a patient's NIR in an answer refused, sending
throttled per address (429, nothing written); a closed group answers 404."""

import pytest
from django.test import Client
from django.urls import reverse

from maillon.discussions.models import SignupRequest

pytestmark = pytest.mark.django_db

REQUIRED = "Depuis combien de temps exercez-vous en libéral ?"


def answers(group, **overrides):
    first, second = group.signup_questions.all()
    data = {
        "first_name": "Inès",
        "last_name": "Martin",
        "email": "ines.martin@example.org",
        "profession": "Sage-femme",
        "rpps": "",
        "practice_commune": "Versailles",
        "cpts_name": "CPTS Plaine de Versailles",
        f"question_{first.pk}": "Six ans",
        f"question_{second.pk}": "",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_the_groups_open_to_sign_up_are_listed_publicly(client, group):
    page = client.get(reverse("discussions_groups_public")).content.decode()
    assert group.name in page and reverse("discussions_group_signup", args=[group.pk]) in page
    assert reverse("discussions_groups_public") in client.get(reverse("home")).content.decode()


def test_a_professional_asks_to_join(client, group):
    url = reverse("discussions_group_signup", args=[group.pk])
    assert REQUIRED in client.get(url).content.decode()
    response = client.post(url, answers(group, rpps="10003456786"))
    assert response.status_code == 302
    assert response["Location"] == f"{url}?envoye=1"
    signup = SignupRequest.objects.get(space=group)
    assert signup.status == "pending" and signup.rpps == "10003456786"
    assert list(signup.answers.values()) == ["Six ans", ""]
    assert "Demande envoyée" in client.get(response["Location"]).content.decode()


def test_a_required_answer_missing_is_named(client, group):
    first = group.signup_questions.first()
    response = client.post(
        reverse("discussions_group_signup", args=[group.pk]), answers(group, **{f"question_{first.pk}": " "})
    )
    assert response.status_code == 400
    assert f"{REQUIRED} : répondez à cette question." in response.content.decode()
    assert not SignupRequest.objects.exists()


def test_a_wrong_rpps_is_refused(client, group):
    response = client.post(reverse("discussions_group_signup", args=[group.pk]), answers(group, rpps="12345678901"))
    assert response.status_code == 400
    assert "Numéro RPPS : il compte 11 chiffres" in response.content.decode()


def test_a_patients_nir_in_an_answer_is_refused(client, group):
    second = group.signup_questions.last()
    data = answers(group, **{f"question_{second.pk}": "Ma patiente 2 55 08 14 168 025 38 attend"})
    response = client.post(reverse("discussions_group_signup", args=[group.pk]), data)
    assert response.status_code == 400
    assert "Vos attentes ? :" in response.content.decode()
    assert not SignupRequest.objects.exists()


def test_sending_is_throttled_per_address(group, settings):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("discussions_group_signup", args=[group.pk])
    for index in range(2):
        assert client.post(url, answers(group, email=f"sf{index}@example.org")).status_code == 302
    response = client.post(url, answers(group, email="sf9@example.org"))
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert SignupRequest.objects.count() == 2
    assert Client(REMOTE_ADDR="203.0.113.10").post(url, answers(group, email="sf9@example.org")).status_code == 302


def test_a_robot_gets_the_answer_people_get_and_nothing_is_written(client, group):
    response = client.post(reverse("discussions_group_signup", args=[group.pk]), answers(group, website="x"))
    assert response.status_code == 302
    assert not SignupRequest.objects.exists()


def test_a_closed_or_archived_group_is_not_found(client, group, manager):
    from maillon.discussions import services

    url = reverse("discussions_group_signup", args=[group.pk])
    services.archive(group, by=manager)
    assert client.get(url).status_code == 404
    assert group.name not in client.get(reverse("discussions_groups_public")).content.decode()
