import datetime
from decimal import Decimal

import factory

from maillon.core.factories import CptsOwnedFactory, transition_log_factory

from .models import (
    Amendment,
    Contract,
    FactCode,
    FactStatement,
    FundingReceipt,
    Indicator,
    IndicatorTier,
    IndicatorValue,
    ManagementReport,
    MissionCommitment,
    Spending,
    SpendingCategory,
)
from .report import build_report


class ContractFactory(CptsOwnedFactory):
    """An ACI signed two years ago (rows only: use `services.create_contract` for its missions)."""

    class Meta:
        model = Contract

    signed_on = factory.LazyFunction(lambda: datetime.date.today().replace(day=1) - datetime.timedelta(days=730))
    taille = 2


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    contract = factory.SubFactory(ContractFactory)
    number = factory.Sequence(lambda n: n + 1)
    signed_on = factory.LazyAttribute(lambda o: o.contract.signed_on + datetime.timedelta(days=400))
    summary = "Passage en taille 3 après l'extension du territoire."
    new_taille = 3


class MissionCommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionCommitment

    contract = factory.SubFactory(ContractFactory)
    mission = 1
    included_on = factory.LazyAttribute(lambda o: o.contract.signed_on)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    contract = factory.SubFactory(ContractFactory)
    mission = 1
    code = factory.Sequence(lambda n: f"indicateur-{n}")
    name = "Patients en ALD sans médecin traitant"
    unit = "patients"
    baseline_value = Decimal("219")
    added_on = factory.LazyAttribute(lambda o: o.contract.signed_on)


class IndicatorTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTier

    indicator = factory.SubFactory(IndicatorFactory)
    low = None
    high = Decimal("50")
    amount = Decimal("9000")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    contract_year = 1
    value = Decimal("120")


class FactStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FactStatement

    contract = factory.SubFactory(ContractFactory)
    contract_year = 1
    code = FactCode.CRISIS_PLAN_FIRST_DRAFTED
    value = True


class SpendingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spending

    contract = factory.SubFactory(ContractFactory)
    contract_year = 1
    mission = 1
    category = SpendingCategory.COORDINATION
    label = "Salaire de la coordinatrice (quote-part)"
    amount = Decimal("12000.00")
    spent_on = factory.LazyAttribute(lambda o: o.contract.signed_on + datetime.timedelta(days=30))


class FundingReceiptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingReceipt

    contract = factory.SubFactory(ContractFactory)
    contract_year = 1
    received_on = factory.LazyAttribute(lambda o: o.contract.signed_on + datetime.timedelta(days=45))
    amount = Decimal("37500.00")
    label = "Avance fonctionnement"


class ManagementReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagementReport

    contract = factory.SubFactory(ContractFactory)
    contract_year = 1
    version = factory.Sequence(lambda n: n + 1)
    # A real report, as frozen when sent: the downloads render it.
    data = factory.LazyAttribute(lambda o: build_report(o.contract, o.contract_year))


ManagementReportEventFactory = transition_log_factory(ManagementReportFactory, "sent", "signed_off")
