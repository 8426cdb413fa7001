import factory

from maillon.core.factories import UserFactory

from .models import Organisation, OrganisationKind, OrganisationPerson, OrganisationRole


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"URPS sages-femmes {n}")
    kind = OrganisationKind.URPS
    region = None


class OrganisationPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationPerson

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationRole.MEMBER

    class Params:
        manager = factory.Trait(role=OrganisationRole.MANAGER)
