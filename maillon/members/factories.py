import datetime

import factory
from stdnum import luhn

from maillon.core.factories import (
    CptsOwnedFactory,
    ReferenceDataFactory,
    UserFactory,
    owned_factory,
    transition_log_factory,
)
from maillon.territories.factories import CommuneFactory

from . import models
from .professions import Profession, Specialty, StructureKind


def rpps_number(n: int) -> str:
    body = f"1{n:09d}"
    return body + luhn.calc_check_digit(body)


def finess_number(n: int) -> str:
    body = f"78{n:06d}"
    return body + luhn.calc_check_digit(body)


def siret_number(n: int) -> str:
    siren_body = f"{n % 10**8:08d}"
    siren = siren_body + luhn.calc_check_digit(siren_body)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


class LanguageFactory(ReferenceDataFactory):
    class Meta:
        model = models.Language

    code = "en"
    name = "Anglais"


class ProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Professional

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    profession = Profession.MEDECIN
    specialty = Specialty.GENERAL_PRACTICE
    rpps = factory.Sequence(rpps_number)
    email = factory.Sequence(lambda n: f"pro{n}@example.org")

    class Params:
        nurse = factory.Trait(profession=Profession.INFIRMIER, specialty=Specialty.NONE)
        pharmacist = factory.Trait(profession=Profession.PHARMACIEN, specialty=Specialty.NONE)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Structure

    name = factory.Sequence(lambda n: f"Maison de santé {n}")
    kind = StructureKind.MSP
    finess = factory.Sequence(finess_number)
    commune = factory.SubFactory(CommuneFactory)


class PracticePlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PracticePlace

    professional = factory.SubFactory(ProfessionalFactory)
    address = factory.Sequence(lambda n: f"{n} rue de la Paix")
    commune = factory.SubFactory(CommuneFactory)


class CollegeFactory(CptsOwnedFactory):
    class Meta:
        model = models.College
        django_get_or_create = ("cpts", "name")

    name = "Médecins"
    seats = 3


class MembershipFactory(CptsOwnedFactory):
    """An active adhesion by default."""

    class Meta:
        model = models.Membership

    professional = factory.SubFactory(ProfessionalFactory)
    status = models.MembershipStatus.ACTIVE
    joined_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=200))

    class Params:
        requested = factory.Trait(status=models.MembershipStatus.REQUESTED, joined_on=None)


MembershipEventFactory = transition_log_factory(
    MembershipFactory, models.MembershipStatus.REQUESTED, models.MembershipStatus.ACTIVE, by=True
)


MembershipOwnedFactory = owned_factory("membership", MembershipFactory)


class MissionParticipationFactory(MembershipOwnedFactory):
    class Meta:
        model = models.MissionParticipation

    mission = 1


class FeeFactory(MembershipOwnedFactory):
    class Meta:
        model = models.Fee

    year = 2026
    amount = "20.00"


class MailingFactory(CptsOwnedFactory):
    class Meta:
        model = models.Mailing

    subject = factory.Sequence(lambda n: f"Lettre d'information n° {n}")
    body = "Bonjour,\n\nVoici les nouvelles de la CPTS.\n"
    criteria = factory.LazyFunction(
        lambda: {"colleges": [], "professions": [], "involvements": [], "statuses": ["active"]}
    )
    sent_by = factory.SubFactory(UserFactory)
    recipient_count = 1


class MailingRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MailingRecipient

    mailing = factory.SubFactory(MailingFactory)
    membership = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..mailing.cpts"))
    email = factory.LazyAttribute(lambda recipient: recipient.membership.member.email or "membre@example.org")
    status = models.RecipientStatus.SENT
