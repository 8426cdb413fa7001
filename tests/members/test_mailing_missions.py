"""Writing to the adherents of a mission: the selection, the form's checkboxes, the sent page."""

import html

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from maillon.members.factories import MembershipFactory, MissionParticipationFactory, StructureFactory
from maillon.members.mailing import select_recipients
from maillon.members.models import Involvement, Mailing
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def in_missions(cpts, *numbers, **kwargs):
    membership = MembershipFactory(cpts=cpts, involvement=Involvement.MISSION, **kwargs)
    for number in numbers:
        MissionParticipationFactory(membership=membership, mission=number)
    return membership


def test_selection_by_mission_takes_anyone_in_one_of_them_once(cpts, other_cpts):
    both = in_missions(cpts, 1, 3)
    prevention = in_missions(cpts, 3)
    structure = in_missions(cpts, 1, professional=None, structure=StructureFactory(email="msp@example.org"))
    in_missions(cpts, 2)
    MembershipFactory(cpts=cpts)
    in_missions(other_cpts, 1)

    rows = list(select_recipients(cpts, {"missions": [1, 3]}))

    assert sorted(row.pk for row in rows) == sorted([both.pk, prevention.pk, structure.pk])


def test_missions_combine_with_the_other_criteria(cpts):
    leader = in_missions(cpts, 4)
    leader.involvement = Involvement.PROJECT_LEAD
    leader.save()
    in_missions(cpts, 4)

    rows = select_recipients(cpts, {"missions": ["4"], "involvements": ["project_lead"]})

    assert [row.pk for row in rows] == [leader.pk]


def test_the_coordinator_writes_to_a_mission_and_the_sent_page_shows_it(cpts, coordinator):
    chosen = in_missions(cpts, 2)
    in_missions(cpts, 5)
    client = verified_client(coordinator)
    url = reverse("members_mailing_new", args=[cpts.slug])
    data = {"subject": "Groupe parcours", "body": "Bonjour.", "missions": ["2"]}

    form = html.unescape(client.get(url).content.decode())
    preview = html.unescape(client.post(url, {**data, "action": "preview"}).content.decode())
    with TestCase.captureOnCommitCallbacks(execute=True):  # the sending is queued on commit
        sent = client.post(url, {**data, "action": "send", "previewed": "1"}, follow=True)

    assert 'name="missions" value="2"' in form
    assert "Missions : 2 — Parcours pluriprofessionnels" in preview
    assert "<strong>1</strong> destinataire" in preview
    assert [message.to for message in mail.outbox] == [[chosen.professional.email]]
    assert Mailing.objects.get().criteria["missions"] == [2]
    assert "Missions : 2 — Parcours pluriprofessionnels" in html.unescape(sent.content.decode())
