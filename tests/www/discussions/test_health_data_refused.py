"""A message holding a NIR or an INS is refused with the French reason on the form, the refusal
is counted, nothing is written, and the text is not shown back."""

import pytest
from django.urls import reverse

from maillon.discussions.health_data import REFUSAL
from maillon.discussions.models import HealthDataRefusal, Message, Topic

pytestmark = pytest.mark.django_db

WITH_NIR = "Patient 1 85 05 78 006 084 91 à revoir demain"


def test_a_reply_holding_a_nir_is_refused_counted_and_not_kept(member_client, topic, space):
    before = Message.objects.count()
    response = member_client.post(reverse("discussions_reply", args=[topic.pk]), {"body": WITH_NIR})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ressemble à un NIR ou à un INS" in html
    assert "MSSanté" in html
    assert "006 084 91" not in html  # the field is emptied
    assert response.context["form"]["body"].value() == ""
    assert REFUSAL in response.context["form"].errors["body"]
    assert Message.objects.count() == before
    assert HealthDataRefusal.objects.filter(space=space).count() == 1


def test_a_new_topic_holding_a_nir_is_refused_too(member_client, space):
    response = member_client.post(
        reverse("discussions_topic_new", args=[space.pk]), {"title": "Un patient", "body": WITH_NIR}
    )
    assert response.status_code == 400
    assert "006 084 91" not in response.content.decode()
    assert response.context["form"]["title"].value() == "Un patient"
    assert not Topic.objects.filter(space=space).exists()
    assert HealthDataRefusal.objects.filter(space=space).count() == 1


def test_an_edit_holding_a_nir_is_refused(member, member_client, topic):
    from maillon.discussions import services

    message = services.post_message(topic, body="Bonjour", by=member)
    response = member_client.post(reverse("discussions_message_edit", args=[message.pk]), {"body": WITH_NIR})
    assert response.status_code == 400
    assert "006 084 91" not in response.content.decode()
    message.refresh_from_db()
    assert message.body == "Bonjour"
