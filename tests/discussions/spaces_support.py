"""Small pieces shared by the tests of the discussion spaces' domain (services, policies)."""

from maillon.core.factories import CptsFactory, CptsRoleFactory, UserFactory
from maillon.discussions import services
from maillon.discussions.models import DiscussionSpace, ParticipantRole, SpaceKind
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory


def person(cpts=None, first_name="Camille", last_name="Durand", **role):
    """Someone (with a role in the CPTS when one is given), named for « @Prénom Nom »."""
    user = UserFactory(first_name=first_name, last_name=last_name)
    if cpts is not None:
        CptsRoleFactory(cpts=cpts, user=user, **role)
    return user


def members_space(cpts=None) -> DiscussionSpace:
    cpts = cpts or CptsFactory()
    services.ensure_cpts_spaces(cpts)
    return DiscussionSpace.objects.get(cpts=cpts, kind=SpaceKind.MEMBERS)


def regional_group(name="Sages-femmes libérales et CPTS", questions=()):
    """A group hosted by a URPS, created by its manager (its first pilot). The manager is
    `space.created_by`."""
    organisation = OrganisationFactory()
    manager = OrganisationPersonFactory(organisation=organisation, manager=True).user
    return services.create_regional_group(organisation, name=name, questions=questions, by=manager)


def participant(space, role=ParticipantRole.PARTICIPANT, **names):
    user = UserFactory(**names)
    services.join(space, user, role=role)
    return user
