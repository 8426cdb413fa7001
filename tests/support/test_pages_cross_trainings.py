"""Cross-trainings through their pages: the coordination plans one — a mission 6 meeting whose
dates are polled among the active adherents of the professions invited — and the list links to
the meeting's page; every role reads the list; a member may not plan one; another CPTS gets 404.
Refusals name their field and create no meeting."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.missions import Mission
from maillon.meetings.models import Meeting, MeetingStatus
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.professions import Profession
from maillon.support.factories import CrossTrainingFactory
from maillon.support.models import CrossTraining

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def slot_line(days=10, hour=19) -> str:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return f"{day:%d/%m/%Y} {hour}:00"


def test_the_coordination_plans_a_training_polled_among_the_audience(cpts, coordinator):
    trainer = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(pharmacist=True, last_name="Pharma"))
    nurse = MembershipFactory(cpts=cpts, professional=ProfessionalFactory(nurse=True))
    MembershipFactory(cpts=cpts)  # a doctor, not in the audience
    client = verified_client(coordinator)
    response = client.post(
        reverse("cross_training_create", args=[cpts.slug]),
        {
            "title": "Les dispositifs d'inhalation",
            "trainer": trainer.pk,
            "audience": [Profession.INFIRMIER],
            "slots": f"{slot_line(10)}\n{slot_line(12)}",
            "duration": "90",
            "place": "Maison de santé",
        },
    )
    assert response.status_code == 302
    training = CrossTraining.objects.get(cpts=cpts)
    meeting = training.meeting
    assert training.trainer == trainer and training.audience == [Profession.INFIRMIER]
    assert meeting.mission == Mission.SUPPORT and meeting.status == MeetingStatus.POLL
    assert meeting.slots.count() == 2
    assert nurse.pk in set(meeting.invitations.values_list("membership", flat=True))
    listing = text(client.get(reverse("cross_training_list", args=[cpts.slug])))
    assert "Les dispositifs d'inhalation" in listing and "Infirmier" in listing
    assert reverse("meetings_meeting", args=[cpts.slug, meeting.pk]) in listing


def test_a_refused_training_names_its_fields_and_creates_no_meeting(cpts, coordinator):
    meetings = Meeting.objects.count()
    response = verified_client(coordinator).post(
        reverse("cross_training_create", args=[cpts.slug]),
        {"title": "", "slots": "jeudi soir", "duration": "10", "audience": []},
    )
    page = text(response)
    assert response.status_code == 400
    assert "Intitulé : indiquez l'intitulé de la formation." in page
    assert "Formateur ou formatrice : choisissez un adhérent de la liste." in page
    assert "Professions invitées : choisissez au moins une profession." in page
    assert "Dates proposées : une date par ligne, au format JJ/MM/AAAA HH:MM." in page
    assert "Durée (minutes) : au moins 15 minutes." in page
    assert Meeting.objects.count() == meetings and not CrossTraining.objects.exists()


def test_a_member_reads_the_trainings_and_may_not_plan_one(cpts, member):
    CrossTrainingFactory(cpts=cpts, title="Plaies chroniques")
    client = verified_client(member)
    listing = text(client.get(reverse("cross_training_list", args=[cpts.slug])))
    assert "Plaies chroniques" in listing and "Nouvelle formation croisée" not in listing
    assert client.get(reverse("cross_training_create", args=[cpts.slug])).status_code == 403
    assert client.post(reverse("cross_training_create", args=[cpts.slug]), {"title": "X"}).status_code == 403


def test_another_cpts_gets_404(cpts, other_cpts):
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(reverse("cross_training_list", args=[cpts.slug])).status_code == 404
    assert client.get(reverse("cross_training_create", args=[cpts.slug])).status_code == 404
