"""A manager creates a regional group: its name, description and sign-up questions (one a line,
« * » at the end for a required answer); the manager joins its pilot team. Others: 403."""

import pytest
from django.urls import reverse

from maillon.discussions.models import DiscussionSpace, Participant, ParticipantRole

from .conftest import verified_client

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_group_with_its_questions(organisation, manager):
    url = reverse("discussions_regional_group_new", args=[organisation.pk])
    response = verified_client(manager).post(
        url,
        {
            "name": "Sages-femmes libérales et CPTS",
            "description": "Entre pairs.",
            "questions": "Depuis combien de temps exercez-vous ? *\n\n  Vos attentes ?  \n",
        },
    )
    group = DiscussionSpace.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert response["Location"] == reverse("discussions_space_people", args=[group.pk])
    assert group.is_regional and group.signup_open
    assert [(q.label, q.required) for q in group.signup_questions.all()] == [
        ("Depuis combien de temps exercez-vous ?", True),
        ("Vos attentes ?", False),
    ]
    assert Participant.objects.get(space=group, user=manager).role == ParticipantRole.PILOT


def test_a_group_needs_a_name(organisation, manager):
    url = reverse("discussions_regional_group_new", args=[organisation.pk])
    response = verified_client(manager).post(url, {"name": "", "questions": ""})
    assert response.status_code == 400
    assert "Nom du groupe : ce champ est obligatoire." in response.content.decode()


def test_only_its_managers_create_a_group(organisation, admin, stranger):
    url = reverse("discussions_regional_group_new", args=[organisation.pk])
    for user in (admin, stranger):
        assert verified_client(user).post(url, {"name": "Groupe"}).status_code == 403
    assert not DiscussionSpace.objects.filter(organisation=organisation).exists()


def test_the_manager_edits_the_questions_and_closes_the_sign_up(group, manager):
    url = reverse("discussions_space_edit", args=[group.pk])
    client = verified_client(manager)
    page = client.get(url).content.decode()
    assert "Depuis combien de temps exercez-vous en libéral ? *" in page
    response = client.post(
        url,
        {"action": "save", "name": "Sages-femmes", "description": "", "questions": "Votre département ? *"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Sages-femmes" and not group.signup_open
    assert [(q.label, q.required) for q in group.signup_questions.all()] == [("Votre département ?", True)]
    assert verified_client(manager).get(reverse("discussions_group_signup", args=[group.pk])).status_code == 404
