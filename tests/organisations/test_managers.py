"""The platform admin grants the manager role to a person with an account, by their e-mail, and
withdraws it (the person stays a member); each change is journaled."""

import pytest
from django.core.exceptions import ValidationError

from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from maillon.organisations import services
from maillon.organisations.factories import OrganisationFactory, OrganisationPersonFactory
from maillon.organisations.models import OrganisationPerson, OrganisationRole

pytestmark = pytest.mark.django_db


def test_the_admin_grants_the_manager_role_by_e_mail():
    organisation = OrganisationFactory()
    admin = UserFactory(admin=True)
    person = UserFactory(email="referente@urps.example.org")

    place = services.grant_manager(organisation, email=" Referente@URPS.example.org ", by=admin)

    assert (place.organisation, place.user, place.role) == (organisation, person, OrganisationRole.MANAGER)
    assert JournalEntry.objects.filter(object_type__icontains="organisationperson", actor_id=admin.pk).exists()
    # Granted again: the same row.
    assert services.grant_manager(organisation, email=person.email, by=admin) == place
    assert OrganisationPerson.objects.count() == 1


def test_a_member_granted_becomes_manager_in_the_same_row():
    member = OrganisationPersonFactory()
    place = services.grant_manager(member.organisation, email=member.user.email, by=UserFactory(admin=True))
    assert place.pk == member.pk
    member.refresh_from_db()
    assert member.role == OrganisationRole.MANAGER


@pytest.mark.parametrize("email", ["inconnue@example.org", "", "desactivee@example.org"])
def test_an_unknown_or_inactive_address_is_refused_naming_the_field(email):
    UserFactory(email="desactivee@example.org", is_active=False)
    with pytest.raises(ValidationError) as refused:
        services.grant_manager(OrganisationFactory(), email=email, by=UserFactory(admin=True))
    assert refused.value.message_dict == {"email": ["Adresse électronique : aucun compte actif n'a cette adresse."]}
    assert not OrganisationPerson.objects.exists()


def test_withdrawing_the_manager_role_keeps_the_person_as_a_member():
    place = OrganisationPersonFactory(manager=True)
    admin = UserFactory(admin=True)

    services.withdraw_manager(place, by=admin)

    place.refresh_from_db()
    assert place.role == OrganisationRole.MEMBER
    assert OrganisationPerson.objects.filter(pk=place.pk).exists()
    services.withdraw_manager(place, by=admin)  # again: nothing changes
    place.refresh_from_db()
    assert place.role == OrganisationRole.MEMBER


def test_a_role_outside_manager_and_member_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationPersonFactory(role="owner")
