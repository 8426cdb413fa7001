import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils.crypto import get_random_string

from maillon.core.factories import CptsFactory, UserFactory, transition_log_factory
from maillon.core.missions import Mission
from maillon.territories.factories import CommuneFactory, RegionFactory

from .models import (
    ActionSheet,
    CreationStep,
    Funder,
    GrantPayment,
    GrantSpending,
    LetterComment,
    LetterCommune,
    LetterOfIntent,
    LetterStatus,
    MissionSection,
    ProjectReview,
    ProjectStatus,
    ProjectVersion,
    Promoter,
    PromoterKind,
    ReviewDecision,
    SpendingCategory,
    StartupGrant,
    Step,
    StepDocument,
)


class LetterOfIntentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterOfIntent

    project_name = factory.Sequence(lambda n: f"CPTS en projet {n}")
    region = factory.SubFactory(RegionFactory)
    professions = factory.LazyFunction(lambda: ["10", "60"])
    needs = "Beaucoup de patients sans médecin traitant ; des sorties d'hôpital mal préparées."
    contact_name = "Dr Claire Martin"
    contact_email = factory.Sequence(lambda n: f"porteur{n}@exemple.fr")
    population = 30_000
    link_nonce = factory.LazyFunction(lambda: get_random_string(32))


class LetterCommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterCommune

    letter = factory.SubFactory(LetterOfIntentFactory)
    commune = factory.SubFactory(CommuneFactory)


class PromoterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Promoter

    letter = factory.SubFactory(LetterOfIntentFactory)
    kind = PromoterKind.PROFESSIONAL
    name = "Dr Claire Martin"
    profession = "10"
    rpps = "10100901734"
    email = factory.Sequence(lambda n: f"promoteur{n}@exemple.fr")


class LetterCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LetterComment

    letter = factory.SubFactory(LetterOfIntentFactory)
    body = "Pouvez-vous préciser les communes de l'est du territoire ?"


LetterEventFactory = transition_log_factory(
    LetterOfIntentFactory, LetterStatus.SUBMITTED, LetterStatus.INFORMATION_REQUESTED
)


class CreationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreationStep

    cpts = factory.SubFactory(CptsFactory)
    step = Step.LEGAL_STRUCTURE


class StepDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StepDocument

    step = factory.SubFactory(CreationStepFactory)
    title = "Statuts de l'association"
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n%%EOF\n", name="statuts.pdf"))


class StartupGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StartupGrant

    cpts = factory.SubFactory(CptsFactory)
    amount = Decimal("15000.00")
    decided_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))


class GrantPaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantPayment

    grant = factory.SubFactory(StartupGrantFactory)
    due_on = factory.LazyFunction(datetime.date.today)
    amount = Decimal("7500.00")


class GrantSpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrantSpending

    grant = factory.SubFactory(StartupGrantFactory)
    spent_on = factory.LazyFunction(datetime.date.today)
    category = SpendingCategory.MEETINGS
    label = "Réunion publique de lancement"
    amount = Decimal("1200.00")


class ProjectVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectVersion

    cpts = factory.SubFactory(CptsFactory)
    number = factory.Sequence(lambda n: n + 1)
    diagnosis = "Un territoire rural vieillissant, 12 % des patients sans médecin traitant."
    status = ProjectStatus.DRAFT


ProjectEventFactory = transition_log_factory(ProjectVersionFactory, ProjectStatus.DRAFT, ProjectStatus.SUBMITTED)


class MissionSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionSection

    version = factory.SubFactory(ProjectVersionFactory)
    mission = Mission.ACCESS


class ActionSheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionSheet

    section = factory.SubFactory(MissionSectionFactory)
    title = factory.Sequence(lambda n: f"Fiche-action {n}")
    need = "Des patients sans médecin traitant."
    objective = "Trouver un médecin traitant aux patients en ALD."
    target_population = "Patients en ALD sans médecin traitant"
    actions = "Guichet unique ; places ouvertes par les médecins volontaires."
    owner = "Dr Claire Martin"
    calendar = "Dès la signature de l'ACI"
    indicators = "Patients en ALD sans médecin traitant"


class ProjectReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectReview

    version = factory.SubFactory(ProjectVersionFactory, status=ProjectStatus.SUBMITTED)
    funder = Funder.ARS
    decision = ReviewDecision.VALIDATED
    by = factory.SubFactory(UserFactory)
