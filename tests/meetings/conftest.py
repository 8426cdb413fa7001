import pytest

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.members.factories import MembershipFactory, ProfessionalFactory


def member_user(cpts, **membership):
    """A user with a member role in the CPTS, whose professional card has an active adhesion."""
    user = UserFactory(with_totp=True)
    CptsRoleFactory(cpts=cpts, user=user)
    MembershipFactory(cpts=cpts, professional=ProfessionalFactory(user=user), **membership)
    return user


def membership_of(user):
    return user.professional.memberships.get()


@pytest.fixture
def invitee(cpts):
    return member_user(cpts)
