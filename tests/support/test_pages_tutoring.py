"""Tutoring pairs through their pages: the coordination forms a pair (an adherent with a newcomer
— an adherent, a trainee, a professional settling, or simply named) and ends it; the tutor ends
theirs; a member reads the pairs they are in; another CPTS gets 404. Refusals name their field."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.members.professions import Profession
from maillon.support import services
from maillon.support.factories import TutoringFactory
from maillon.support.models import Tutoring, TutoringStatus

from ..conftest import verified_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def adherent(cpts, user=None, **professional):
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user, **professional))


def test_the_coordination_pairs_a_tutor_with_a_professional_settling(cpts, coordinator):
    tutor = adherent(cpts, last_name="Expérimentée")
    project = services.start_installation(
        cpts=cpts, by=coordinator, first_name="Léa", last_name="Nouvelle", profession=Profession.MEDECIN
    )
    client = verified_client(coordinator)
    form = text(client.get(reverse("tutoring_create", args=[cpts.slug])))
    assert "Léa Nouvelle" in form
    response = client.post(
        reverse("tutoring_create", args=[cpts.slug]),
        {
            "tutor": tutor.pk,
            "installation": project.pk,
            "topic": "Premiers mois d'exercice",
            "started_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    tutoring = Tutoring.objects.get(cpts=cpts)
    assert tutoring.tutor == tutor and tutoring.installation == project and tutoring.tutee_name == "Léa Nouvelle"
    listing = text(client.get(reverse("tutoring_list", args=[cpts.slug])))
    assert "Léa Nouvelle" in listing and "Premiers mois d'exercice" in listing


def test_a_refused_pair_names_its_fields_and_writes_nothing(cpts, coordinator):
    tutor = adherent(cpts)
    response = verified_client(coordinator).post(
        reverse("tutoring_create", args=[cpts.slug]),
        {"tutor": tutor.pk, "tutee_membership": tutor.pk, "topic": "", "started_on": ""},
    )
    page = text(response)
    assert response.status_code == 400
    assert "Objet du tutorat : dites sur quoi porte le tutorat." in page
    assert "Début : indiquez la date." in page
    assert "Professionnel accompagné (adhérent) : le tuteur ne s'accompagne pas lui-même." in page
    response = verified_client(coordinator).post(
        reverse("tutoring_create", args=[cpts.slug]),
        {"tutor": tutor.pk, "topic": "Cotation", "started_on": timezone.localdate().isoformat()},
    )
    assert "Nom de la personne accompagnée : choisissez un adhérent" in text(response)
    assert not Tutoring.objects.exists()


def test_the_tutor_ends_their_pair_and_a_future_end_is_refused(cpts, member):
    tutoring = TutoringFactory(cpts=cpts, tutor=adherent(cpts, member), tutee_name="Interne Durand")
    client = verified_client(member)
    assert "Interne Durand" in text(client.get(reverse("tutoring_list", args=[cpts.slug])))
    end = reverse("tutoring_end", args=[cpts.slug, tutoring.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(end, {"ended_on": tomorrow.isoformat()})
    assert response.status_code == 400 and "Fin : elle ne peut pas être à venir." in text(response)
    response = client.post(end, {"ended_on": ""})
    tutoring.refresh_from_db()
    assert response.status_code == 302
    assert tutoring.status == TutoringStatus.ENDED and tutoring.ended_on == timezone.localdate()


def test_a_member_reads_only_their_pairs_and_may_not_form_one(cpts, member):
    TutoringFactory(cpts=cpts, tutee_name="Quelqu'un d'autre")
    mine = TutoringFactory(cpts=cpts, tutee_membership=adherent(cpts, member), tutee_name="")
    client = verified_client(member)
    listing = text(client.get(reverse("tutoring_list", args=[cpts.slug])))
    assert "Quelqu'un d'autre" not in listing and mine.topic in listing
    assert "Terminer le tutorat" not in listing  # the tutee does not end it
    assert client.post(reverse("tutoring_end", args=[cpts.slug, mine.pk]), {}).status_code == 403
    assert client.get(reverse("tutoring_create", args=[cpts.slug])).status_code == 403


def test_another_cpts_gets_404(cpts, other_cpts):
    tutoring = TutoringFactory(cpts=cpts)
    outsider = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    client = verified_client(outsider)
    assert client.get(reverse("tutoring_list", args=[cpts.slug])).status_code == 404
    assert client.post(reverse("tutoring_end", args=[cpts.slug, tutoring.pk]), {}).status_code == 404
