"""The list pages of organisations, groups and moderation run the same number of queries for 3
rows as for 30: the organisations, an organisation's groups and people, a space's people (a
group's participants, a CPTS-wide space's members), the moderation register, a visio's
sessions, the pending sign-ups and the public list of groups."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.discussions import services
from maillon.discussions.factories import (
    DiscussionSpaceFactory,
    MessageFactory,
    SignupRequestFactory,
    TopicFactory,
)
from maillon.meetings.models import MeetingSeries, SeriesSession
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory

from .conftest import verified_client

pytestmark = pytest.mark.django_db

BUDGET = 40  # measured plus a margin; the point is the same count for 3 and 30 rows


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


def same_count(client, url, add):
    add(3)
    client.get(url)  # caches filled once
    few = queries(client, url)
    size = len(client.get(url).content)
    add(27)
    many = queries(client, url)
    assert len(client.get(url).content) > size, "the rows added are not on the page"
    assert few == many <= BUDGET, (few, many)


def test_the_organisations(admin):
    same_count(
        verified_client(admin),
        reverse("organisations_index"),
        lambda n: [DiscussionSpaceFactory(regional=True) for _ in range(n)],
    )


def test_an_organisations_groups_and_people(organisation, manager):
    def add(n):
        for _ in range(n):
            group = DiscussionSpaceFactory(regional=True, organisation=organisation)
            SignupRequestFactory(space=group)
            OrganisationPersonFactory(organisation=organisation)

    same_count(verified_client(manager), reverse("organisations_organisation", args=[organisation.pk]), add)


def test_a_groups_people(group, manager, moderator):
    def add(n):
        for _ in range(n):
            services.join(group, UserFactory())

    same_count(verified_client(moderator), reverse("discussions_space_people", args=[group.pk]), add)


def test_a_cpts_wide_spaces_people(cpts, coordinator):
    space = DiscussionSpaceFactory(cpts=cpts, members=True)

    def add(n):
        for index in range(n):
            user = CptsRoleFactory(cpts=cpts).user
            if index % 2:
                services.join(space, user)

    same_count(verified_client(coordinator), reverse("discussions_space_people", args=[space.pk]), add)


def test_the_moderation_register(group, manager, moderator):
    topic = TopicFactory(space=group)

    def add(n):
        for _ in range(n):
            place = services.join(group, UserFactory())
            services.mute(place, by=moderator, note="Hors sujet")
            services.hide_message(MessageFactory(topic=topic, author=place.user), by=moderator, note="Nom d'un patient")

    same_count(verified_client(manager), reverse("discussions_space_moderation", args=[group.pk]), add)


def test_a_visios_sessions(group, manager, participant):
    first = timezone.now() - datetime.timedelta(weeks=40)
    series = MeetingSeries.objects.create(title="Visio", rule="FREQ=WEEKLY", first_starts_at=first)
    group.visio = series
    group.save(update_fields=["visio"])
    done = []

    def add(n):
        for _ in range(n):
            week = len(done)
            done.append(week)
            SeriesSession.objects.create(
                series=series, starts_at=first + datetime.timedelta(weeks=week), minutes=f"Compte rendu {week}"
            )

    same_count(verified_client(participant), reverse("discussions_space_visio", args=[group.pk]), add)


def test_the_pending_signups(group, pilot):
    question = group.signup_questions.first()

    def add(n):
        for _ in range(n):
            SignupRequestFactory(space=group, answers={str(question.pk): "Six ans"})

    same_count(verified_client(pilot), reverse("discussions_signups", args=[group.pk]), add)


def test_the_public_groups(db):
    def add(n):
        organisation = OrganisationFactory()
        for _ in range(n):
            DiscussionSpaceFactory(regional=True, organisation=organisation)

    same_count(Client(), reverse("discussions_groups_public"), add)
