import datetime

import factory
from django.utils import timezone

from maillon.core.factories import CptsOwnedFactory, owned_factory, transition_log_factory
from maillon.members.factories import MembershipFactory

from .models import (
    ActionKind,
    BreakKind,
    BreakStatus,
    CareBreak,
    CarePlan,
    CarePlanAction,
    CareTask,
    CareTaskStatus,
    CareTeamMember,
    ConsentMode,
    HospitalStay,
    Inclusion,
    InclusionStatus,
    InsStatus,
    Programme,
    ProgrammeStep,
    Relationship,
    Sex,
)


class ProgrammeFactory(CptsOwnedFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    eligibility = "Patient de 75 ans et plus vivant à domicile."


class ProgrammeStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeStep

    programme = factory.SubFactory(ProgrammeFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = "Visite à domicile"
    profession = "60"
    offset_days = 15


class InclusionFactory(CptsOwnedFactory):
    """An active inclusion with a provisional identity; the lead is a doctor of the CPTS."""

    class Meta:
        model = Inclusion

    programme = factory.SubFactory(ProgrammeFactory, cpts=factory.SelfAttribute("..cpts"))
    lead = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..cpts"))
    birth_name = factory.Faker("last_name", locale="fr_FR")
    given_names = factory.Faker("first_name", locale="fr_FR")
    first_given_name = factory.SelfAttribute("given_names")
    sex = Sex.FEMALE
    birth_date = datetime.date(1945, 3, 12)
    identity_qualification = InsStatus.PROVISIONAL
    consent_on = factory.LazyFunction(timezone.localdate)
    consent_mode = ConsentMode.ORAL
    included_on = factory.LazyFunction(timezone.localdate)
    status = InclusionStatus.ACTIVE


InclusionEventFactory = transition_log_factory(InclusionFactory, InclusionStatus.ACTIVE, InclusionStatus.CLOSED)

InclusionOwnedFactory = owned_factory("inclusion", InclusionFactory)


class CareTeamMemberFactory(InclusionOwnedFactory):
    """An adherent of the inclusion's CPTS in the care team since the inclusion."""

    class Meta:
        model = CareTeamMember

    membership = factory.SubFactory(MembershipFactory, cpts=factory.SelfAttribute("..inclusion.cpts"))
    role = "Infirmier à domicile"
    starts_on = factory.SelfAttribute("inclusion.included_on")

    class Params:
        carer = factory.Trait(
            membership=None, name="Aidant du patient", relationship=Relationship.FAMILY_CARER, contact="06 12 34 56 78"
        )


class CarePlanFactory(InclusionOwnedFactory):
    class Meta:
        model = CarePlan

    problems = "Chutes répétées ; isolement."
    goals = "Rester à domicile en sécurité."
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))


class CarePlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarePlanAction

    plan = factory.SubFactory(CarePlanFactory)
    kind = ActionKind.CARE
    description = "Passage infirmier deux fois par semaine"
    owner = "Infirmier à domicile"


class CareTaskFactory(InclusionOwnedFactory):
    """An open task due in a week, late a week later, for a nurse of the team."""

    class Meta:
        model = CareTask

    cpts = factory.SelfAttribute("inclusion.cpts")
    title = "Visite infirmière"
    profession = "60"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    late_from = factory.LazyAttribute(lambda task: task.due_on + datetime.timedelta(days=7))


CareTaskEventFactory = transition_log_factory(CareTaskFactory, CareTaskStatus.TODO, CareTaskStatus.DONE)


class HospitalStayFactory(InclusionOwnedFactory):
    class Meta:
        model = HospitalStay

    admitted_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
    discharged_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=12))


class CareBreakFactory(InclusionOwnedFactory):
    class Meta:
        model = CareBreak

    cpts = factory.SelfAttribute("inclusion.cpts")
    kind = BreakKind.PROFESSION_MISSING
    subject = "profession:60"


CareBreakEventFactory = transition_log_factory(CareBreakFactory, BreakStatus.OPEN, BreakStatus.RESOLVED)
