"""A member reads the spaces of their CPTS and writes in them; a member of another CPTS sees
none of it (404, as for what does not exist)."""

import pytest
from django.urls import reverse

from maillon.discussions.models import Message, Participant, Topic
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_the_member_finds_the_spaces_of_their_cpts(member_client, cpts):
    response = member_client.get(reverse("cpts_discussions", args=[cpts.slug]))
    assert response.status_code == 200
    assert "Tous les adhérents" in response.content.decode()
    index = member_client.get(reverse("discussions_index"))
    assert "Tous les adhérents" in index.content.decode()
    assert cpts.name in index.content.decode()


def test_the_menu_of_the_cpts_and_the_header_lead_to_the_discussions(member_client, cpts):
    page = member_client.get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert reverse("cpts_discussions", args=[cpts.slug]) in page
    assert reverse("discussions_index") in page


def test_opening_a_space_of_all_members_gives_the_member_a_place_where_everything_before_is_read(
    member_client, member, space, topic
):
    assert not Participant.objects.filter(space=space, user=member).exists()
    response = member_client.get(reverse("discussions_space", args=[space.pk]))
    assert response.status_code == 200
    assert topic.title in response.content.decode()
    place = Participant.objects.get(space=space, user=member)
    assert place.read_floor == Message.objects.get(topic=topic).pk


def test_the_member_opens_a_topic_and_replies(member_client, member, topic):
    page = member_client.get(reverse("discussions_topic", args=[topic.pk]))
    assert page.status_code == 200
    assert "Qui prend samedi ?" in page.content.decode()
    client_id = page.context["form"]["client_id"].value()
    response = member_client.post(
        reverse("discussions_reply", args=[topic.pk]), {"body": "Moi, samedi matin.", "client_id": client_id}
    )
    reply = Message.objects.get(topic=topic, author=member)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('discussions_topic', args=[topic.pk])}#message-{reply.pk}"
    assert reply.body == "Moi, samedi matin."
    assert "Moi, samedi matin." in member_client.get(reverse("discussions_topic", args=[topic.pk])).content.decode()


def test_the_member_opens_a_topic(member_client, member, space):
    response = member_client.post(
        reverse("discussions_topic_new", args=[space.pk]),
        {"title": "Formation BPCO", "body": "Des volontaires pour la formation ?"},
    )
    assert response.status_code == 302
    topic = Topic.objects.get(space=space, title="Formation BPCO")
    assert topic.messages.get().author == member


def test_an_empty_reply_names_its_field(member_client, topic):
    response = member_client.post(reverse("discussions_reply", args=[topic.pk]), {"body": "  "})
    assert response.status_code == 400
    assert "Message : écrivez votre message." in response.content.decode()


def test_a_member_of_another_cpts_sees_nothing(stranger, space, topic, cpts):
    client = verified_client(stranger)
    message = topic.messages.get()
    for url in [
        reverse("discussions_space", args=[space.pk]),
        reverse("discussions_topic", args=[topic.pk]),
        reverse("discussions_topic_new", args=[space.pk]),
        reverse("discussions_topic_new_messages", args=[topic.pk]),
        reverse("discussions_message_edit", args=[message.pk]),
        reverse("cpts_discussions", args=[cpts.slug]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("discussions_reply", args=[topic.pk]),
        reverse("discussions_space_notify", args=[space.pk]),
        reverse("discussions_topic_pin", args=[topic.pk]),
        reverse("discussions_message_hide", args=[message.pk]),
        reverse("discussions_message_delete", args=[message.pk]),
    ]:
        assert client.post(url, {"body": "Bonjour", "notify": "all"}).status_code == 404, url
    assert (
        reverse("discussions_space", args=[space.pk]) not in client.get(reverse("discussions_index")).content.decode()
    )


def test_a_muted_member_reads_the_thread_but_finds_a_notice_instead_of_the_form(member, member_client, space, topic):
    from maillon.discussions import services

    place = services.join(space, member)
    services.mute(place, by=None, note="")
    page = member_client.get(reverse("discussions_topic", args=[topic.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Qui prend samedi ?" in html
    assert "réduit au silence" in html
    assert reverse("discussions_reply", args=[topic.pk]) not in html
    assert member_client.post(reverse("discussions_reply", args=[topic.pk]), {"body": "Et moi ?"}).status_code == 403


def test_the_person_chooses_how_they_are_told(member_client, member, space):
    response = member_client.post(reverse("discussions_space_notify", args=[space.pk]), {"notify": "digest"})
    assert response.status_code == 302
    assert Participant.objects.get(space=space, user=member).notify == "digest"
    page = member_client.get(reverse("discussions_space", args=[space.pk]))
    assert page.context["notify_form"].initial == {"notify": "digest"}
