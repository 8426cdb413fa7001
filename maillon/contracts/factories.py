import datetime
from decimal import Decimal

import factory

from maillon.core.factories import CptsOwnedFactory, owned_factory, transition_log_factory

from . import models
from .report import build_report


class ContractFactory(CptsOwnedFactory):
    """An ACI signed two years ago (rows only: use `services.create_contract` for its missions)."""

    class Meta:
        model = models.Contract

    signed_on = factory.LazyFunction(lambda: datetime.date.today().replace(day=1) - datetime.timedelta(days=730))
    taille = 2


ContractOwnedFactory = owned_factory("contract", ContractFactory)


class AmendmentFactory(ContractOwnedFactory):
    class Meta:
        model = models.Amendment

    number = factory.Sequence(lambda n: n + 1)
    signed_on = factory.LazyAttribute(lambda o: o.contract.signed_on + datetime.timedelta(days=400))
    summary = "Passage en taille 3 après l'extension du territoire."
    new_taille = 3


class MissionCommitmentFactory(ContractOwnedFactory):
    class Meta:
        model = models.MissionCommitment

    mission = 1
    included_on = factory.LazyAttribute(lambda o: o.contract.signed_on)


class IndicatorFactory(ContractOwnedFactory):
    class Meta:
        model = models.Indicator

    mission = 1
    code = factory.Sequence(lambda n: f"indicateur-{n}")
    name = "Patients en ALD sans médecin traitant"
    unit = "patients"
    baseline_value = Decimal("219")
    added_on = factory.LazyAttribute(lambda o: o.contract.signed_on)


class IndicatorTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IndicatorTier

    indicator = factory.SubFactory(IndicatorFactory)
    low = None
    high = Decimal("50")
    amount = Decimal("9000")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    contract_year = 1
    value = Decimal("120")


class FactStatementFactory(ContractOwnedFactory):
    class Meta:
        model = models.FactStatement

    contract_year = 1
    code = models.FactCode.CRISIS_PLAN_FIRST_DRAFTED
    value = True


class SpendingFactory(ContractOwnedFactory):
    class Meta:
        model = models.Spending

    contract_year = 1
    mission = 1
    category = models.SpendingCategory.COORDINATION
    label = "Salaire de la coordinatrice (quote-part)"
    amount = Decimal("12000.00")
    spent_on = factory.LazyAttribute(lambda o: o.contract.signed_on + datetime.timedelta(days=30))


class FundingReceiptFactory(ContractOwnedFactory):
    class Meta:
        model = models.FundingReceipt

    contract_year = 1
    received_on = factory.LazyAttribute(lambda o: o.contract.signed_on + datetime.timedelta(days=45))
    amount = Decimal("37500.00")
    label = "Avance fonctionnement"


class ManagementReportFactory(ContractOwnedFactory):
    class Meta:
        model = models.ManagementReport

    contract_year = 1
    version = factory.Sequence(lambda n: n + 1)
    # A real report, as frozen when sent: the downloads render it.
    data = factory.LazyAttribute(lambda o: build_report(o.contract, o.contract_year))


ManagementReportEventFactory = transition_log_factory(ManagementReportFactory, "sent", "signed_off")
