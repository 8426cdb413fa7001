"""The discussion lists run as many queries with 30 rows as with 3 (no query per space, topic,
message or mention): unread counts are counted for the whole list in one query, authors and
attachments read with the rows. Rows are added before each reading, as new messages arrive."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.discussions import services
from maillon.discussions.factories import AttachmentFactory, MentionFactory, MessageFactory, TopicFactory
from maillon.discussions.models import DiscussionSpace, SpaceKind, Topic

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30


class World:
    def __init__(self, cpts, coordinator, member, space):
        self.cpts, self.coordinator, self.member, self.space = cpts, coordinator, member, space
        self.topic = Topic.objects.create(space=space, title="Le sujet")
        MessageFactory(topic=self.topic, author=coordinator, body="Premier message")

    def author(self):
        return CptsRoleFactory(cpts=self.cpts, user=UserFactory()).user


def working_groups(world, count):
    for index in range(count):
        group = services.create_working_group(
            world.cpts, name=f"Groupe {index}", users=[world.member], by=world.coordinator
        )
        MessageFactory(topic=TopicFactory(space=group), author=world.coordinator)


def topics(world, count):
    for _ in range(count):
        MessageFactory(topic=TopicFactory(space=world.space), author=world.author())


def messages(world, count):
    for _ in range(count):
        message = MessageFactory(topic=world.topic, author=world.author(), body="Une réponse sur la vaccination")
        AttachmentFactory(message=message)


def mentions(world, count):
    for _ in range(count):
        MentionFactory(message=MessageFactory(topic=world.topic, author=world.author()), user=world.member)


CASES = {
    "discussions_index": (lambda w: reverse("discussions_index"), working_groups),
    "cpts_discussions": (lambda w: reverse("cpts_discussions", args=[w.cpts.slug]), working_groups),
    "discussions_space": (lambda w: reverse("discussions_space", args=[w.space.pk]), topics),
    "discussions_topic": (lambda w: reverse("discussions_topic", args=[w.topic.pk]), messages),
    "discussions_topic_new_messages": (
        lambda w: f"{reverse('discussions_topic_new_messages', args=[w.topic.pk])}?apres={w.first}",
        messages,
    ),
    "discussions_search": (lambda w: f"{reverse('discussions_search')}?q=vaccination", messages),
    "discussions_mentions": (lambda w: reverse("discussions_mentions"), mentions),
}


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), len(response.content)


@pytest.mark.parametrize("name", list(CASES))
def test_a_list_runs_as_many_queries_with_30_rows_as_with_3(name, cpts, coordinator, member, member_client):
    services.ensure_cpts_spaces(cpts)
    world = World(cpts, coordinator, member, DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS))
    world.first = world.topic.messages.get().pk
    url, add = CASES[name]
    # The member has opened the topic (their place in the space, their read state), caches filled.
    member_client.get(reverse("discussions_topic", args=[world.topic.pk]))
    member_client.get(url(world))
    add(world, FEW)
    few, few_size = queries_of(member_client, url(world))
    add(world, MANY - FEW)
    many, many_size = queries_of(member_client, url(world))
    assert many_size > few_size, "the rows added are not on the page"
    assert many == few, f"{name}: {few} queries with {FEW} rows, {many} with {MANY}"
