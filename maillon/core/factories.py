import datetime

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import (
    ApiToken,
    Cpts,
    CptsRole,
    CptsRoleKind,
    CptsStatus,
    LifecycleStep,
    ScheduledRun,
    ThrottleAttempt,
    User,
)
from .workflows import workflow_of

DEFAULT_PASSWORD = "mot-de-passe-de-test-1234"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(DEFAULT_PASSWORD)

    class Params:
        with_totp = factory.Trait(totp=factory.RelatedFactory("maillon.core.factories.TOTPDeviceFactory", "user"))
        admin = factory.Trait(is_staff=True, is_superuser=True)


def owned_factory(owner, owner_factory):
    """The abstract base of the factories of rows that belong to their `owner` (a foreign key):
    a new one, made by `owner_factory`, unless one is given."""

    class Meta:
        abstract = True

    declarations = {"Meta": Meta, owner: factory.SubFactory(owner_factory)}
    return type(f"{owner.title()}OwnedFactory", (factory.django.DjangoModelFactory,), declarations)


UserOwnedFactory = owned_factory("user", UserFactory)


class TOTPDeviceFactory(UserOwnedFactory):
    class Meta:
        model = TOTPDevice

    name = "Application d'authentification"
    confirmed = True


class CptsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cpts

    name = factory.Sequence(lambda n: f"CPTS du territoire {n}")
    slug = factory.Sequence(lambda n: f"cpts-{n}")
    email = factory.Sequence(lambda n: f"contact{n}@cpts.example.org")
    status = CptsStatus.LETTER_OF_INTENT

    class Params:
        signed = factory.Trait(status=CptsStatus.ACI_SIGNED)


CptsOwnedFactory = owned_factory("cpts", CptsFactory)


class ReferenceDataFactory(factory.django.DjangoModelFactory):
    """The base of the factories of reference data, one row per code: a code already there gives its row back."""

    class Meta:
        abstract = True
        django_get_or_create = ("code",)


def transition_log_factory(subject_factory, from_status, to_status, *, by=False, subject=None):
    """The factory of the transition log of `subject_factory`'s model (its `Workflow`): one row
    `from_status → to_status` of a new subject (`subject`: what its factory is given), recorded
    by a new account when `by`."""
    workflow = workflow_of(subject_factory._meta.model)
    declarations = {
        workflow.log_fk: factory.SubFactory(subject_factory, **(subject or {})),
        "from_status": from_status,
        "to_status": to_status,
    }
    if by:
        declarations["by"] = factory.SubFactory(UserFactory)
    return factory.make_factory(workflow.log_model, FACTORY_CLASS=factory.django.DjangoModelFactory, **declarations)


class LifecycleStepFactory(CptsOwnedFactory):
    class Meta:
        model = LifecycleStep
        # Callers name the step's status as before the log became a `TransitionLog`.
        rename = {"status": "to_status"}

    status = CptsStatus.LETTER_OF_INTENT
    date = factory.LazyFunction(datetime.date.today)


class CptsRoleFactory(CptsOwnedFactory):
    class Meta:
        model = CptsRole

    user = factory.SubFactory(UserFactory)
    role = CptsRoleKind.MEMBER

    class Params:
        coordinator = factory.Trait(role=CptsRoleKind.COORDINATOR)


class ApiTokenFactory(UserOwnedFactory):
    """`ApiTokenFactory()` gives a token; use ApiToken.issue to know its plain value."""

    class Meta:
        model = ApiToken

    name = "Script"
    digest = factory.Sequence(lambda n: f"{n:064d}")
    hint = "mln_test"


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "core.JournalEntry"

    action = "read"
    object_type = "core.Cpts"
    object_id = "1"


class ScheduledRunFactory(factory.django.DjangoModelFactory):
    """A periodic task's claim of one day (core.scheduler)."""

    class Meta:
        model = ScheduledRun

    name = "mt_daily"
    day = factory.LazyFunction(timezone.localdate)


class ThrottleAttemptFactory(factory.django.DjangoModelFactory):
    """One attempt at a public form (core.throttle), by the digest of an address."""

    class Meta:
        model = ThrottleAttempt

    scope = "prevention_registration"
    key_digest = factory.Sequence(lambda n: f"{n:064x}")
    at = factory.LazyFunction(timezone.now)
