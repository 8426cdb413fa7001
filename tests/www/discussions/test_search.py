"""Search reads the messages of the spaces the person reads, accents and case ignored; never a
space they cannot read."""

import pytest
from django.urls import reverse

from maillon.discussions import services
from maillon.discussions.factories import DiscussionSpaceFactory

pytestmark = pytest.mark.django_db


def test_search_ignores_accents_and_case(member_client, space, coordinator):
    services.start_topic(space, title="Vaccination", body="La séance de VACCINATION à Élancourt", by=coordinator)
    response = member_client.get(reverse("discussions_search"), {"q": "elancourt"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1
    assert "Élancourt" in response.content.decode()
    assert (
        member_client.get(reverse("discussions_search"), {"q": "SÉANCE vaccination"}).context["page"].paginator.count
        == 1
    )


def test_search_never_reads_a_space_one_cannot_read(member_client, cpts, coordinator, other_cpts):
    group = services.create_working_group(cpts, name="Bureau", by=coordinator)
    services.start_topic(group, title="Budget", body="Le budget confidentiel du bureau", by=coordinator)
    elsewhere = DiscussionSpaceFactory(cpts=other_cpts)
    services.ensure_cpts_spaces(other_cpts)
    from maillon.discussions.models import Topic

    other_topic = Topic.objects.create(space=elsewhere, title="Ailleurs")
    from maillon.discussions.factories import MessageFactory

    MessageFactory(topic=other_topic, body="Le budget d'une autre CPTS")
    response = member_client.get(reverse("discussions_search"), {"q": "budget"})
    assert response.context["page"].paginator.count == 0
    response = member_client.get(reverse("discussions_search"), {"q": "budget", "espace": group.pk})
    assert response.context["page"].paginator.count == 0
    assert "confidentiel" not in response.content.decode()
    coordinator_view = member_client.get(reverse("discussions_search"), {"q": "budget"})
    assert "autre CPTS" not in coordinator_view.content.decode()


def test_a_short_search_asks_for_more(member_client):
    response = member_client.get(reverse("discussions_search"), {"q": "a"})
    assert response.status_code == 200
    assert "au moins deux lettres" in response.content.decode()
