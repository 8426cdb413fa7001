"""The practice-analysis groups through their pages: every role of the CPTS reads them; the
coordination creates a group; the coordination and the facilitator change it and hold its
sessions (a mission 5 meeting polled among its members, with a held conference's case or a
shared review as material). Refusals name their field in French and write nothing."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.missions import Mission
from maillon.meetings.factories import InvitationFactory
from maillon.meetings.models import Attendance, Meeting, MeetingStatus
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.models import MembershipStatus
from maillon.quality.factories import (
    CaseConferenceFactory,
    GroupSessionFactory,
    IncidentReviewFactory,
    PracticeGroupFactory,
)
from maillon.quality.models import GroupSession, PracticeGroup

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def adherent(cpts, user=None, **professional):
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user, **professional))


@pytest.fixture
def facilitator(cpts):
    user = CptsRoleFactory(cpts=cpts, user=UserFactory(with_totp=True)).user
    return adherent(cpts, user, last_name="Animatrice")


@pytest.fixture
def group(cpts, facilitator):
    members = [facilitator, adherent(cpts, last_name="Membreun"), adherent(cpts, last_name="Membredeux")]
    return PracticeGroupFactory(cpts=cpts, name="Groupe chutes", facilitator=facilitator, members=members)


def group_url(name, group):
    return reverse(name, args=[group.cpts.slug, group.pk])


def slot_line(days=10, hour=18) -> str:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return f"{day:%d/%m/%Y} {hour}:30"


# --- Reading -------------------------------------------------------------------------------------


def test_every_member_reads_the_groups_and_their_sessions(cpts, member, group):
    session = GroupSessionFactory(group=group, theme="Chutes à domicile")
    InvitationFactory(meeting=session.meeting, membership=group.facilitator, attendance=Attendance.PRESENT)
    InvitationFactory(meeting=session.meeting, membership=group.members.exclude(pk=group.facilitator_id).first())
    client = verified_client(member)
    listing = text(client.get(reverse("quality_groups", args=[cpts.slug])))
    assert "Groupe chutes" in listing and "Chutes, iatrogénie" in listing
    page = text(client.get(group_url("quality_group", group)))
    assert "Chutes à domicile" in page and "1 présent sur 2 invités" in page
    assert "MEMBREUN" in page.upper() and "Nouvelle séance" not in page


def test_the_material_of_a_session_is_its_pseudonym(cpts, coordinator, group):
    conference = CaseConferenceFactory(cpts=cpts, held=True)
    review = IncidentReviewFactory(cpts=cpts, closed=True, shared=True)
    GroupSessionFactory(group=group, conference=conference)
    GroupSessionFactory(group=group, review=review, theme="Sorties d'hospitalisation")
    page = text(verified_client(coordinator).get(group_url("quality_group", group)))
    assert f"Cas n° {conference.pk}" in page and f"Revue n° {review.pk}" in page
    assert conference.context not in page


def test_another_cpts_gets_404(cpts, other_cpts, group):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(reverse("quality_groups", args=[cpts.slug])).status_code == 404
    assert client.get(group_url("quality_group", group)).status_code == 404
    assert client.get(group_url("quality_group_edit", group)).status_code == 404


# --- Creating and changing a group ---------------------------------------------------------------


def test_the_coordination_creates_a_group_with_its_facilitator_among_the_members(cpts, coordinator, facilitator):
    other = adherent(cpts, last_name="Infirmière")
    gone = MembershipFactory(
        cpts=cpts, status=MembershipStatus.LEFT, professional=ProfessionalFactory(last_name="Quittée")
    )
    client = verified_client(coordinator)
    form = text(client.get(reverse("quality_group_create", args=[cpts.slug])))
    assert "INFIRMIÈRE" in form.upper() and "QUITTÉE" not in form.upper()
    response = client.post(
        reverse("quality_group_create", args=[cpts.slug]),
        {
            "name": "Fin de vie à domicile",
            "themes": "soins palliatifs, deuil",
            "facilitator": facilitator.pk,
            "members": [other.pk],
        },
    )
    group = PracticeGroup.objects.get(cpts=cpts)
    assert response.status_code == 302 and response["Location"] == group_url("quality_group", group)
    assert set(group.members.all()) == {other, facilitator}
    assert group.theme_list == ["soins palliatifs", "deuil"]
    response = client.post(
        reverse("quality_group_create", args=[cpts.slug]), {"name": "", "themes": "", "members": [gone.pk]}
    )
    page = text(response)
    assert response.status_code == 400
    assert "Nom du groupe : donnez un nom au groupe." in page
    assert "Thèmes : indiquez au moins un thème." in page
    assert "Membres du groupe : choisissez parmi les adhérents actifs de la liste." in page
    assert PracticeGroup.objects.count() == 1


def test_a_member_may_not_create_a_group(cpts, member):
    client = verified_client(member)
    assert client.get(reverse("quality_group_create", args=[cpts.slug])).status_code == 403
    assert (
        client.post(reverse("quality_group_create", args=[cpts.slug]), {"name": "X", "themes": "y"}).status_code == 403
    )
    assert not PracticeGroup.objects.exists()


def test_the_facilitator_changes_the_group_and_another_member_may_not(cpts, member, group, facilitator):
    data = {"name": "Groupe chutes et fragilité", "themes": "chutes", "facilitator": facilitator.pk, "members": []}
    assert verified_client(member).post(group_url("quality_group_edit", group), data).status_code == 403
    client = verified_client(facilitator.professional.user)
    assert "Nouvelle séance" in text(client.get(group_url("quality_group", group)))
    response = client.post(group_url("quality_group_edit", group), data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Groupe chutes et fragilité"
    assert list(group.members.all()) == [facilitator]


# --- Sessions ------------------------------------------------------------------------------------


def test_a_session_polls_its_dates_among_the_members_with_a_material(cpts, coordinator, group):
    conference = CaseConferenceFactory(cpts=cpts, held=True)
    client = verified_client(coordinator)
    form = text(client.get(group_url("quality_group_session_add", group)))
    assert f"Cas n° {conference.pk}" in form
    response = client.post(
        group_url("quality_group_session_add", group),
        {
            "theme": "Un cas de chutes répétées",
            "slots": f"{slot_line(10)}\n{slot_line(12)}",
            "duration": "90",
            "visio_url": "https://visio.example.org/gap",
            "place": "",
            "conference": conference.pk,
        },
    )
    assert response.status_code == 302
    session = GroupSession.objects.get(group=group)
    meeting = session.meeting
    assert session.conference == conference and session.theme == "Un cas de chutes répétées"
    assert meeting.mission == Mission.QUALITY and meeting.status == MeetingStatus.POLL
    assert meeting.slots.count() == 2 and meeting.visio_url == "https://visio.example.org/gap"
    assert set(meeting.invitations.values_list("membership", flat=True)) == set(
        group.members.values_list("pk", flat=True)
    )
    page = text(client.get(group_url("quality_group", group)))
    assert "https://visio.example.org/gap" in page and "date en cours de sondage" in page


def test_a_refused_session_says_why_and_creates_no_meeting(cpts, coordinator, group):
    conference = CaseConferenceFactory(cpts=cpts, held=True)
    review = IncidentReviewFactory(cpts=cpts, closed=True, shared=True)
    meetings = Meeting.objects.count()
    response = verified_client(coordinator).post(
        group_url("quality_group_session_add", group),
        {"theme": "", "slots": "demain soir", "duration": "5", "conference": conference.pk, "review": review.pk},
    )
    page = text(response)
    assert response.status_code == 400
    assert "Thème de la séance : dites sur quoi porte la séance." in page
    assert "Dates proposées : une date par ligne, au format JJ/MM/AAAA HH:MM." in page
    assert "Durée (minutes) : au moins 15 minutes." in page
    assert "Revue étudiée : choisissez un cas ou une revue, pas les deux." in page
    assert Meeting.objects.count() == meetings and not GroupSession.objects.exists()


def test_a_group_without_active_members_cannot_hold_a_session(cpts, coordinator):
    empty = PracticeGroupFactory(cpts=cpts, facilitator=None)
    response = verified_client(coordinator).post(
        group_url("quality_group_session_add", empty), {"theme": "Iatrogénie", "slots": slot_line(), "duration": "60"}
    )
    assert response.status_code == 400
    assert "Membres : le groupe n'a aucun adhérent actif à inviter." in text(response)
    assert not Meeting.objects.exists()


def test_an_unshared_review_is_not_offered_as_material(cpts, coordinator, group):
    hidden = IncidentReviewFactory(cpts=cpts, title="Revue non partagée")
    client = verified_client(coordinator)
    assert "Revue non partagée" not in text(client.get(group_url("quality_group_session_add", group)))
    response = client.post(
        group_url("quality_group_session_add", group),
        {"theme": "Iatrogénie", "slots": slot_line(), "duration": "60", "review": hidden.pk},
    )
    assert response.status_code == 400
    assert "Revue étudiée : choisissez une revue partagée de la liste." in text(response)
    assert not GroupSession.objects.exists()
