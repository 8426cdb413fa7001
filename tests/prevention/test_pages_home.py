"""Prevention is reachable: the CPTS space's menu has its section (its creation entry for the
coordination only); the coordination's home counts the sessions to come and the people
registered for them (confirmed or waiting); the adherent in charge of an action counts its
sessions to come."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maillon.prevention.factories import PreventionActionFactory, PublicSessionFactory, RegistrationFactory
from maillon.prevention.models import RegistrationStatus, SessionStatus

from ..conftest import verified_client
from .test_pages_access import action_fixture, owner_fixture, session_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_menu_offers_prevention_and_its_creation_to_the_coordination_only(cpts, coordinator, member):
    home, new = reverse("prevention_home", args=[cpts.slug]), reverse("prevention_action_new", args=[cpts.slug])
    coordination = verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert f'href="{home}"' in coordination and f'href="{new}"' in coordination
    members = verified_client(member).get(reverse("cpts_dashboard", args=[cpts.slug])).content.decode()
    assert f'href="{home}"' in members and f'href="{new}"' not in members


def test_the_coordination_home_counts_sessions_to_come_and_their_registrations(cpts, coordinator, session, action):
    # Neither a past session nor a cancelled one, nor a cancelled registration, counts.
    PublicSessionFactory(action=action, starts_at=timezone.now() - datetime.timedelta(days=2))
    cancelled = PublicSessionFactory(action=action, status=SessionStatus.CANCELLED)
    RegistrationFactory(session=cancelled)
    RegistrationFactory(session=session, status=RegistrationStatus.CANCELLED)
    page = text_of(verified_client(coordinator).get(reverse("cpts_dashboard", args=[cpts.slug])))
    assert "1 séance de prévention à venir" in page
    assert "3 inscriptions aux séances de prévention à venir" in page


def test_the_adherent_in_charge_counts_the_sessions_to_come_of_their_actions(cpts, owner, session, action):
    PublicSessionFactory(action=action)
    PublicSessionFactory(action=PreventionActionFactory(cpts=cpts))  # someone else's action
    page = text_of(verified_client(owner.professional.user).get(reverse("cpts_dashboard", args=[cpts.slug])))
    assert "2 séances à venir de mes actions de prévention" in page


def test_a_member_in_charge_of_nothing_is_not_told_about_sessions(cpts, member, session):
    page = text_of(verified_client(member).get(reverse("cpts_dashboard", args=[cpts.slug])))
    assert "de mes actions de prévention" not in page
