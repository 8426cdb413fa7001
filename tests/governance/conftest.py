import datetime

import pytest
from django.utils import timezone

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.governance.factories import CandidateFactory, ElectionFactory
from maillon.members.factories import CollegeFactory, MembershipFactory, ProfessionalFactory


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def college(cpts):
    return CollegeFactory(cpts=cpts, name="Médecins", seats=2)


def voter(cpts, college, **membership):
    """A user with a role in the CPTS, whose professional card has an adhesion in `college`."""
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    professional = ProfessionalFactory(user=user)
    MembershipFactory(cpts=cpts, professional=professional, college=college, **membership)
    return user


def membership_of(user):
    return user.professional.memberships.get()


@pytest.fixture
def election(cpts, college):
    return ElectionFactory(cpts=cpts, college=college, seats=2, quorum_percent=50)


def open_election(election, candidates=3, *, by=None):
    made = [CandidateFactory(election=election) for _ in range(candidates)]
    election.open(by=by)
    return made


def past_closing(election):
    """Move the closing time into the past (as when the week has gone by)."""
    type(election).objects.filter(pk=election.pk).update(
        opens_at=timezone.now() - datetime.timedelta(days=8), closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    election.refresh_from_db()
