import factory

from maillon.core.factories import CptsOwnedFactory, transition_log_factory
from maillon.members.factories import ProfessionalFactory

from . import template
from .models import (
    CrisisPlan,
    ImprovementStatus,
    PlanImprovement,
    PlanProfessional,
    PlanStatus,
    PlanVersion,
)


def complete_content() -> dict:
    """Every field of the template filled in."""
    return {
        section.key: {field.key: f"{field.label} — texte de test" for field in section.fields}
        for section in template.SECTIONS
    }


class CrisisPlanFactory(CptsOwnedFactory):
    class Meta:
        model = CrisisPlan
        django_get_or_create = ("cpts",)


class PlanVersionFactory(factory.django.DjangoModelFactory):
    """A draft; `complete=True` fills every field of the template."""

    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(CrisisPlanFactory)
    year = factory.Sequence(lambda n: 2024 + n % 70)
    status = PlanStatus.DRAFT
    content = factory.LazyFunction(template.empty_content)

    class Params:
        complete = factory.Trait(content=factory.LazyFunction(complete_content))


PlanEventFactory = transition_log_factory(PlanVersionFactory, PlanStatus.DRAFT, PlanStatus.SUBMITTED, by=True)


class PlanProfessionalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanProfessional

    version = factory.SubFactory(PlanVersionFactory)
    professional = factory.SubFactory(ProfessionalFactory)
    role = "Renfort de la cellule de crise"
    skills = "Gestes d'urgence, AFGSU"
    typologies = factory.LazyFunction(lambda: [1, 2])


class PlanImprovementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanImprovement

    plan = factory.SubFactory(CrisisPlanFactory)
    text = "Mettre à jour la liste des pharmacies de garde"
    source = "RETEX de l'exercice"
    status = ImprovementStatus.OPEN


PlanImprovementEventFactory = transition_log_factory(
    PlanImprovementFactory, ImprovementStatus.OPEN, ImprovementStatus.INTEGRATED, by=True
)


def draft_of(cpts) -> PlanVersion:
    """A draft of the CPTS's plan (for the tests that name a version in a URL)."""
    return PlanVersionFactory(plan__cpts=cpts)


def professional_row_of(cpts) -> PlanProfessional:
    """A professional of a draft of the CPTS's plan, the same on each call."""
    row = PlanProfessional.objects.filter(version__plan__cpts=cpts).first()
    return row or PlanProfessionalFactory(version__plan__cpts=cpts)
