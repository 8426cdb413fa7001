"""A query budget on every list of the discussion and organisation API: read with 3 rows, then
with 30, each runs the same number of SQL queries (tests/test_list_query_budgets.py points here)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillon.discussions.factories import (
    AttachmentFactory,
    DiscussionSpaceFactory,
    MentionFactory,
    MessageFactory,
    ParticipantFactory,
    SignupQuestionFactory,
    SignupRequestFactory,
    TopicFactory,
)
from maillon.discussions.models import TopicRead
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from maillon.territories.factories import RegionFactory

from .discussions_helpers import call, world

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30


def my_working_groups(w, count):
    """Working groups of the CPTS the member is in, each with a topic and messages of others."""
    for _ in range(count):
        space = DiscussionSpaceFactory(cpts=w.cpts)
        ParticipantFactory(space=space, user=w.users["member"])
        MessageFactory(topic=TopicFactory(space=space), author=w.users["colleague"])


def groups_of_organisations(w, count):
    """Regional groups of several organisations the midwife is in."""
    for _ in range(count):
        space = DiscussionSpaceFactory(regional=True)
        ParticipantFactory(space=space, user=w.users["midwife"])
        MessageFactory(topic=TopicFactory(space=space), author=w.users["pilot"])


def cpts_working_groups(w, count):
    for _ in range(count):
        MessageFactory(topic=TopicFactory(space=DiscussionSpaceFactory(cpts=w.cpts)), author=w.users["member"])


def topics(w, count):
    for index in range(count):
        topic = TopicFactory(space=w.group, created_by=w.users["pilot"])
        MessageFactory(topic=topic, author=w.users["pilot"])
        if index % 2:
            TopicRead.objects.create(topic=topic, user=w.users["midwife"], last_read_id=0)


def a_topic(w):
    w.made["topic"] = TopicFactory(space=w.group, created_by=w.users["pilot"])


def messages(w, count):
    for index in range(count):
        author = w.users["pilot"] if index % 2 else w.users["midwife"]
        message = MessageFactory(topic=w.made["topic"], author=author)
        AttachmentFactory(message=message)
        MentionFactory(message=message, user=w.users["midwife"])


def found_messages(w, count):
    topic = TopicFactory(space=w.group)
    for _ in range(count):
        MessageFactory(topic=topic, author=w.users["pilot"], body="Le protocole d'allaitement", search_text="")
    topic.messages.update(search_text="le protocole d'allaitement")


def participants(w, count):
    ParticipantFactory.create_batch(count, space=w.group)


def open_groups(w, count):
    region = RegionFactory()
    for _ in range(count):
        space = DiscussionSpaceFactory(regional=True, organisation=OrganisationFactory(region=region))
        SignupQuestionFactory.create_batch(2, space=space)


def signups(w, count):
    SignupRequestFactory.create_batch(count, space=w.group, answers={"1": "oui"})


def organisations(w, count):
    region = RegionFactory()
    for _ in range(count):
        OrganisationPersonFactory(organisation=OrganisationFactory(region=region), user=w.users["member"], manager=True)


def people(w, count):
    OrganisationPersonFactory.create_batch(count, organisation=w.organisation)


# name: (path, role, rows, setup, key)
CASES = {
    "my spaces": ("/discussions/spaces?page_size=100", "member", my_working_groups, None, "items"),
    "my groups": ("/discussions/spaces?page_size=100", "midwife", groups_of_organisations, None, "items"),
    "cpts spaces": ("/cpts/{cpts}/discussions/spaces?page_size=100", "coordinator", cpts_working_groups, None, "items"),
    "topics": ("/discussions/spaces/{group}/topics?page_size=100", "midwife", topics, None, "items"),
    "messages": ("/discussions/topics/{topic}/messages", "midwife", messages, a_topic, "items"),
    "search": ("/discussions/search?q=allaitement&page_size=100", "pilot", found_messages, None, "items"),
    "participants": (
        "/discussions/spaces/{group}/participants?page_size=100",
        "moderator",
        participants,
        None,
        "items",
    ),
    "groups": ("/discussions/groups?page_size=100", None, open_groups, None, "items"),
    "signups": ("/discussions/spaces/{group}/signups?page_size=100", "pilot", signups, None, "items"),
    "organisations": ("/organisations?page_size=100", "member", organisations, None, "items"),
    "organisation": ("/organisations/{organisation}", "manager", people, None, "people"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_list_runs_as_many_queries_with_30_rows_as_with_3(cpts, name):
    tail, role, rows, setup, key = CASES[name]
    w = world(cpts)
    headers = w.headers(role) if role else {}
    if setup:
        setup(w)
    rows(w, FEW)
    path = tail.format(
        cpts=cpts.pk,
        group=w.group.pk,
        organisation=w.organisation.pk,
        topic=getattr(w.made.get("topic"), "pk", ""),
    )
    path, _, query = path.partition("?")
    params = dict(part.split("=") for part in query.split("&")) if query else {}

    def measured():
        # Reading a topic marks it read: each measured reading starts unread, as the first did.
        if role:
            TopicRead.objects.filter(user=w.users[role]).delete()
        with CaptureQueriesContext(connection) as captured:
            response = call("get", path, headers, **params)
        return captured, response

    call("get", path, headers, **params)  # caches filled once
    few, first = measured()
    rows(w, MANY - FEW)
    many, second = measured()
    assert first.status_code == second.status_code == 200, second.content[:300]
    assert len(second.json()[key]) > len(first.json()[key])
    assert len(many) == len(few), "\n".join(query["sql"][:300] for query in many.captured_queries)
