"""Who opens the prevention pages of a CPTS's space: every role of the CPTS reads the actions,
measures, sessions and materials; the coordination plans and changes them (403 for a member);
the registrants and the attendance sheet are the coordination's and the adherent in charge of
the action's; another CPTS's coordination gets a 404, as for a missing page.

The fixtures here serve the other test_pages_* modules of prevention."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.models import JournalEntry
from maillon.members.factories import MembershipFactory, ProfessionalFactory
from maillon.prevention.factories import (
    MaterialFactory,
    MaterialVersionFactory,
    MeasureFactory,
    MeasureValueFactory,
    PreventionActionFactory,
    PublicSessionFactory,
    RegistrationFactory,
)
from maillon.prevention.models import RegistrationStatus, Scope

from ..conftest import verified_client
from ..www.english import english_strings_in

pytestmark = pytest.mark.django_db


def adherent(cpts, **professional):
    """A user with a role in the CPTS and an active professional adhesion; returns the adhesion."""
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    return MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user, **professional))


@pytest.fixture(name="owner")
def owner_fixture(cpts):
    """The adherent in charge of the action."""
    return adherent(cpts, first_name="Inès", last_name="Responsable")


@pytest.fixture(name="action")
def action_fixture(cpts, owner):
    return PreventionActionFactory(cpts=cpts, owner=owner, title="Dépistage colorectal 2026")


@pytest.fixture(name="measure")
def measure_fixture(action):
    measure = MeasureFactory(action=action)
    MeasureValueFactory(measure=measure, year=2023, value=Decimal("34.10"))
    MeasureValueFactory(measure=measure, year=2023, scope=Scope.DEPARTEMENT, value=Decimal("36.00"))
    return measure


@pytest.fixture(name="session")
def session_fixture(action):
    session = PublicSessionFactory(action=action, title="Atelier du côlon", capacity=2, seats_taken=2)
    RegistrationFactory(session=session, first_name="Alice", last_name="Premier", email="alice@example.org")
    RegistrationFactory(session=session, first_name="Bruno", last_name="Second", email="bruno@example.org")
    RegistrationFactory(
        session=session,
        first_name="Chloé",
        last_name="Attente",
        email="chloe@example.org",
        status=RegistrationStatus.WAITING,
        registered_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    return session


@pytest.fixture(name="material")
def material_fixture(action):
    material = MaterialFactory(action=action, title="Flyer colorectal")
    MaterialVersionFactory(material=material, number=1)
    return material


@pytest.fixture(name="other_coordinator")
def other_coordinator_fixture(other_cpts):
    return CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user


def read_pages(cpts, action, measure, session, material):
    return {
        "home": reverse("prevention_home", args=[cpts.slug]),
        "action": reverse("prevention_action", args=[cpts.slug, action.pk]),
        "measure": reverse("prevention_measure", args=[cpts.slug, measure.pk]),
        "session": reverse("prevention_session", args=[cpts.slug, session.pk]),
        "download": reverse("prevention_material_download", args=[cpts.slug, material.pk, 1]),
    }


def manager_pages(cpts, action, measure, session):
    return {
        "action_new": reverse("prevention_action_new", args=[cpts.slug]),
        "action_edit": reverse("prevention_action_edit", args=[cpts.slug, action.pk]),
        "measure_new": reverse("prevention_measure_new", args=[cpts.slug, action.pk]),
        "session_new": reverse("prevention_session_new", args=[cpts.slug, action.pk]),
        "session_edit": reverse("prevention_session_edit", args=[cpts.slug, session.pk]),
        "material_new": reverse("prevention_material_new", args=[cpts.slug, action.pk]),
    }


def posted_actions(cpts, action, measure, session, material):
    registration = session.registrations.first()
    return {
        "complete": reverse("prevention_action_complete", args=[cpts.slug, action.pk]),
        "cancel": reverse("prevention_action_cancel", args=[cpts.slug, action.pk]),
        "value": reverse("prevention_measure_value", args=[cpts.slug, measure.pk]),
        "session_cancel": reverse("prevention_session_cancel", args=[cpts.slug, session.pk]),
        "session_held": reverse("prevention_session_held", args=[cpts.slug, session.pk]),
        "version": reverse("prevention_material_version", args=[cpts.slug, material.pk]),
        "registration_cancel": reverse("prevention_registration_cancel_by_staff", args=[cpts.slug, registration.pk]),
    }


def test_the_coordination_opens_every_page_in_french(cpts, coordinator, action, measure, session, material):
    client = verified_client(coordinator)
    pages = read_pages(cpts, action, measure, session, material) | manager_pages(cpts, action, measure, session)
    pages["attendance"] = reverse("prevention_session_attendance", args=[cpts.slug, session.pk])
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        if name != "download":
            assert not english_strings_in(response.content.decode()), name


def test_a_member_reads_the_prevention_pages_but_not_the_registrants(cpts, member, action, measure, session, material):
    client = verified_client(member)
    for name, url in read_pages(cpts, action, measure, session, material).items():
        assert client.get(url).status_code == 200, name
    page = client.get(reverse("prevention_session", args=[cpts.slug, session.pk])).content.decode()
    assert "Atelier du côlon" in page
    assert "alice@example.org" not in page
    home = client.get(reverse("prevention_home", args=[cpts.slug])).content.decode()
    assert reverse("prevention_action_new", args=[cpts.slug]) not in home


def test_a_member_is_refused_what_the_coordination_does(cpts, member, action, measure, session, material):
    client = verified_client(member)
    for name, url in manager_pages(cpts, action, measure, session).items():
        assert client.get(url).status_code == 403, name
    for name, url in posted_actions(cpts, action, measure, session, material).items():
        assert client.post(url).status_code == 403, name
    assert client.get(reverse("prevention_session_attendance", args=[cpts.slug, session.pk])).status_code == 403


def test_the_adherent_in_charge_sees_the_registrants_and_keeps_the_attendance_sheet(cpts, owner, session):
    client = verified_client(owner.professional.user)
    page = client.get(reverse("prevention_session", args=[cpts.slug, session.pk])).content.decode()
    assert "alice@example.org" in page and "chloe@example.org" in page
    assert client.get(reverse("prevention_session_attendance", args=[cpts.slug, session.pk])).status_code == 200
    # Planning stays the coordination's.
    assert client.get(reverse("prevention_session_edit", args=[cpts.slug, session.pk])).status_code == 403


def test_another_cpts_coordination_gets_404_everywhere(cpts, other_coordinator, action, measure, session, material):
    client = verified_client(other_coordinator)
    pages = read_pages(cpts, action, measure, session, material) | manager_pages(cpts, action, measure, session)
    for name, url in pages.items():
        assert client.get(url).status_code == 404, name
    for name, url in posted_actions(cpts, action, measure, session, material).items():
        assert client.post(url).status_code == 404, name


def test_an_object_of_another_cpts_answers_404_in_this_cpts_space(cpts, other_cpts, coordinator):
    foreign = PreventionActionFactory(cpts=other_cpts)
    client = verified_client(coordinator)
    assert client.get(reverse("prevention_action", args=[cpts.slug, foreign.pk])).status_code == 404
    session = PublicSessionFactory(action=foreign)
    assert client.get(reverse("prevention_session", args=[cpts.slug, session.pk])).status_code == 404


def test_showing_the_registrants_journals_each_of_them(cpts, coordinator, session):
    client = verified_client(coordinator)
    client.get(reverse("prevention_session", args=[cpts.slug, session.pk]))
    reads = JournalEntry.objects.filter(object_type="prevention.Registration", action="read")
    assert {entry.object_id for entry in reads} == {
        str(pk) for pk in session.registrations.values_list("pk", flat=True)
    }
    assert all("email" in entry.fields for entry in reads)


def test_the_home_counts_sessions_and_registrations_and_offers_creation_to_the_coordination(cpts, coordinator, session):
    page = verified_client(coordinator).get(reverse("prevention_home", args=[cpts.slug])).content.decode()
    assert reverse("prevention_action_new", args=[cpts.slug]) in page
    assert "Atelier du côlon" in page
    assert "séance à venir" in page
    assert "inscriptions aux séances à venir" in page


def test_an_observer_of_the_territory_reads_without_a_members_space_link(cpts, action, measure, session, material):
    from maillon.territories.factories import TerritoryRoleFactory
    from maillon.territories.models import Commune

    observer = UserFactory(with_totp=True)
    TerritoryRoleFactory(user=observer, role="observer", departement=Commune.objects.get(code="78646").departement)
    client = verified_client(observer)
    for name, url in read_pages(cpts, action, measure, session, material).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert reverse("cpts_dashboard", args=[cpts.slug]) not in response.content.decode(), name
    assert (
        "alice@example.org"
        not in client.get(read_pages(cpts, action, measure, session, material)["session"]).content.decode()
    )
