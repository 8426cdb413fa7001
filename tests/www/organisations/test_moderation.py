"""Moderators mute, remove and reinstate participants with a reason; each act is in the
register that managers and moderators read. A muted person cannot write; a removed one no
longer sees the space; a moderator cannot act on another moderator (403); the managers appoint
moderators. In a CPTS-wide space a member without a row is moderated the same way."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillon.discussions import services
from maillon.discussions.factories import DiscussionSpaceFactory, HealthDataRefusalFactory, MessageFactory, TopicFactory
from maillon.discussions.models import Participant, ParticipantEvent, ParticipantRole

from .conftest import verified_client

pytestmark = pytest.mark.django_db


def act(client, place, action, note=""):
    return client.post(reverse("discussions_participant_action", args=[place.pk, action]), {"note": note})


def place_of(group, user):
    return Participant.objects.get(space=group, user=user)


def test_a_moderator_mutes_then_the_person_cannot_write(group, moderator, participant):
    place = place_of(group, participant)
    response = act(verified_client(moderator), place, "mute", "Messages répétés hors sujet")
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.status == "muted"
    topic = TopicFactory(space=group)
    with pytest.raises(ValidationError, match="réduit au silence"):
        services.post_message(topic, body="Encore moi", by=type(participant).objects.get(pk=participant.pk))


def test_a_reason_is_required_to_mute_or_remove(group, moderator, participant):
    place = place_of(group, participant)
    response = act(verified_client(moderator), place, "remove", "")
    assert response.status_code == 400
    assert "Motif : ce champ est obligatoire." in response.content.decode()
    place.refresh_from_db()
    assert place.status == "active"


def test_a_removed_person_no_longer_sees_the_space_and_is_reinstated(group, moderator, participant):
    place = place_of(group, participant)
    assert act(verified_client(moderator), place, "remove", "Données de patient publiées").status_code == 302
    url = reverse("discussions_space", args=[group.pk])
    assert verified_client(participant).get(url).status_code == 404
    assert act(verified_client(moderator), place, "reinstate").status_code == 302
    place.refresh_from_db()
    assert place.status == "active"
    assert verified_client(participant).get(url).status_code == 200


def test_a_moderator_cannot_mute_another_moderator_but_the_manager_can(group, moderator, manager):
    other = Participant.objects.create(space=group, user=type(moderator).objects.create_user("autre@example.org"))
    services.set_role(other, role=ParticipantRole.MODERATOR, by=manager)
    assert act(verified_client(moderator), other, "mute", "Désaccord").status_code == 403
    other.refresh_from_db()
    assert other.status == "active"
    assert act(verified_client(manager), other, "mute", "Tensions entre modérateurs").status_code == 302


def test_a_participant_may_not_moderate_and_an_unknown_act_is_not_found(group, participant, moderator):
    place = place_of(group, moderator)
    assert act(verified_client(participant), place, "mute", "Non").status_code == 403
    assert act(verified_client(moderator), place_of(group, participant), "bannir", "Non").status_code == 404


def test_the_register_lists_each_act_with_its_reason_for_the_manager(group, manager, moderator, participant):
    act(verified_client(moderator), place_of(group, participant), "mute", "Messages répétés hors sujet")
    message = MessageFactory(topic=TopicFactory(space=group), author=participant)
    services.hide_message(message, by=moderator, note="Nom d'un patient")
    HealthDataRefusalFactory.create_batch(2, space=group)
    page = verified_client(manager).get(reverse("discussions_space_moderation", args=[group.pk])).content.decode()
    assert "Réduit au silence" in page and "Messages répétés hors sujet" in page
    assert "Message masqué" in page and "Nom d&#x27;un patient" in page
    assert "Marc Modo" in page and "Inès Martin" in page
    assert "<strong>2</strong> messages refusés" in page
    assert ParticipantEvent.objects.get().note == "Messages répétés hors sujet"


def test_the_manager_appoints_a_moderator_and_adds_someone_by_email(group, manager, participant, stranger):
    client = verified_client(manager)
    url = reverse("discussions_space_people", args=[group.pk])
    place = place_of(group, participant)
    assert client.post(url, {"action": "role", "participant": place.pk, "role": "moderator"}).status_code == 302
    place.refresh_from_db()
    assert place.role == ParticipantRole.MODERATOR
    assert client.post(url, {"action": "add", "email": stranger.email, "role": "pilot"}).status_code == 302
    assert place_of(group, stranger).role == ParticipantRole.PILOT
    response = client.post(url, {"action": "add", "email": "inconnue@example.org", "role": "participant"})
    assert response.status_code == 400
    assert "aucun compte actif" in response.content.decode()


def test_a_moderator_does_not_appoint(group, moderator, participant):
    url = reverse("discussions_space_people", args=[group.pk])
    place = place_of(group, participant)
    response = verified_client(moderator).post(url, {"action": "role", "participant": place.pk, "role": "pilot"})
    assert response.status_code == 403


def test_a_coordinator_mutes_a_member_who_has_no_row_in_the_members_space(cpts, coordinator, member):
    space = DiscussionSpaceFactory(cpts=cpts, members=True)
    client = verified_client(coordinator)
    url = reverse("discussions_space_people", args=[space.pk])
    page = client.get(url).content.decode()
    assert "Réduire au silence" in page
    response = client.post(url, {"action": "moderate", "act": "mute", "user": member.pk, "note": "Hors sujet"})
    assert response.status_code == 302
    assert Participant.objects.get(space=space, user=member).status == "muted"
