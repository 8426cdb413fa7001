"""What a review of the creation found, held: the contact's address never published, amounts
within their digits, a payment paid once, one person deciding for one funder, the promoters'
link retired after the decision, a redrawn territory changing région, a deactivated promoter
named, a start reaching a newer version's copy, decided steps ticked by a later decision."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillon.contracts.factories import ContractFactory
from maillon.core.factories import CptsFactory, CptsRoleFactory, LifecycleStepFactory, UserFactory
from maillon.core.missions import Mission
from maillon.core.models import Cpts, CptsStatus
from maillon.creation import policies, registry, selectors, services
from maillon.creation.factories import (
    ActionSheetFactory,
    GrantPaymentFactory,
    MissionSectionFactory,
    ProjectVersionFactory,
    StartupGrantFactory,
)
from maillon.creation.models import (
    ActionSheet,
    Funder,
    LetterOfIntent,
    ProjectStatus,
    ReviewDecision,
    StartupGrant,
    Step,
)
from maillon.prevention.models import PreventionAction
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from tests.creation.helpers import file_letter, officer, other_region_departement, professional, structure

pytestmark = pytest.mark.django_db


def test_a_grant_beyond_its_digits_is_refused_by_field_and_nothing_is_written():
    cpts = CptsFactory()
    with pytest.raises(ValidationError) as refused:
        services.record_grant(cpts, by=None, amount=Decimal("100000000"), decided_on=datetime.date(2026, 1, 5))
    assert "amount" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.record_grant(
            cpts,
            by=None,
            amount=Decimal("15000"),
            decided_on=datetime.date(2026, 1, 5),
            payments=[(datetime.date(2026, 2, 1), Decimal("1e9"))],
        )
    assert "payments" in refused.value.message_dict
    assert not StartupGrant.objects.filter(cpts=cpts).exists()


def test_a_payment_is_paid_once_and_never_before_the_decision():
    grant = StartupGrantFactory(decided_on=datetime.date(2026, 1, 5))
    payment = GrantPaymentFactory(grant=grant)
    with pytest.raises(ValidationError) as refused:
        services.mark_paid(payment, by=None, paid_on=datetime.date(2026, 1, 4))
    assert "précède la décision" in str(refused.value)
    services.mark_paid(payment, by=None, paid_on=datetime.date(2026, 1, 10))
    with pytest.raises(ValidationError) as refused:
        services.mark_paid(payment, by=None, paid_on=datetime.date(2026, 1, 12))
    assert "déjà versé, le 10/01/2026" in str(refused.value)
    payment.refresh_from_db()
    assert payment.paid_on == datetime.date(2026, 1, 10)


def test_one_person_holding_both_roles_decides_for_one_funder_only():
    commune = CommuneFactory()
    cpts = CptsFactory()
    TerritoryCommuneFactory(cpts=cpts, commune=commune)
    both = UserFactory()
    officer(both, region=commune.departement.region)
    officer(both, organisation="CPAM des Yvelines", departement=commune.departement)
    version = ProjectVersionFactory(cpts=cpts, status=ProjectStatus.SUBMITTED)
    services.review_project(version, by=both, funder=Funder.ARS, decision=ReviewDecision.VALIDATED)
    assert policies.review_funder(both, version) is None
    with pytest.raises(ValidationError):
        services.review_project(version, by=both, funder=Funder.ASSURANCE_MALADIE, decision=ReviewDecision.VALIDATED)
    version.refresh_from_db()
    assert version.status == ProjectStatus.SUBMITTED


def test_the_follow_up_link_retires_some_time_after_the_decision(settings):
    settings.MAILLON_LETTER_LINK_DAYS_AFTER_DECISION = 90
    letter = file_letter([CommuneFactory()])
    token = services.follow_token(letter)
    letter = services.refuse_letter(letter, by=None, reason="Le territoire est déjà couvert par un projet.")
    assert services.letter_of_token(token) == letter
    LetterOfIntent.objects.filter(pk=letter.pk).update(decided_at=timezone.now() - datetime.timedelta(days=91))
    assert services.letter_of_token(token) is None


def test_a_territory_redrawn_in_the_answer_moves_the_letter_to_its_regions_ars():
    first = CommuneFactory()
    letter = file_letter([first])
    services.request_information(letter, by=None, comments="Votre territoire est en Gironde ?")
    gironde = CommuneFactory(departement=other_region_departement(), population=50_000)
    letter = services.answer_letter(letter, body="Oui : le voici.", communes=[gironde.code])
    letter.refresh_from_db()
    assert (letter.region_id, letter.population) == ("75", 50_000)


def test_a_deactivated_promoter_account_names_the_promoter_and_nothing_is_created():
    communes = [CommuneFactory()]
    UserFactory(email="msp@exemple.fr", is_active=False)
    letter = file_letter(communes, promoters=[professional(), structure()])
    with pytest.raises(ValidationError) as refused:
        services.accept_letter(letter, by=UserFactory())
    assert "Porteur n° 2 (msp@exemple.fr)" in str(refused.value)
    assert not Cpts.objects.exists()


def test_a_start_reaches_the_copy_of_the_sheet_in_a_newer_version():
    cpts = CptsFactory()
    coordinator = CptsRoleFactory(cpts=cpts, coordinator=True).user
    validated = ProjectVersionFactory(cpts=cpts, number=1, status=ProjectStatus.VALIDATED)
    sheet = ActionSheetFactory(section=MissionSectionFactory(version=validated, mission=Mission.PREVENTION))
    draft = services.start_version(cpts, by=coordinator)
    copy = ActionSheet.objects.get(section__version=draft)
    assert copy.source == sheet and copy.started == ""
    action = registry.start_from_sheet(sheet, "prevention_action", by=coordinator)
    copy.refresh_from_db()
    assert copy.started == f"prevention_action:{action.pk}"
    with pytest.raises(ValidationError):
        registry.start_from_sheet(copy, "prevention_action", by=coordinator)
    assert PreventionAction.objects.for_cpts(cpts).count() == 1


def test_decided_steps_are_ticked_by_a_later_decision_when_theirs_was_never_recorded():
    cpts = CptsFactory(status=CptsStatus.ACI_SIGNED)
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.LETTER_OF_INTENT, date=datetime.date(2021, 3, 1))
    LifecycleStepFactory(cpts=cpts, status=CptsStatus.ACI_SIGNED, date=datetime.date(2022, 6, 1))
    rows = {row.number: row for row in selectors.checklist(cpts)}
    assert rows[Step.LETTER].done_on == datetime.date(2021, 3, 1)
    assert rows[Step.VALIDATION].done_on == datetime.date(2022, 6, 1)
    assert rows[Step.ACI].done_on == datetime.date(2022, 6, 1)
    other = CptsFactory(status=CptsStatus.NEGOTIATION)
    ContractFactory(cpts=other, signed_on=datetime.date(2023, 1, 1))
    assert {row.number: row for row in selectors.checklist(other)}[Step.ACI].done_on == datetime.date(2023, 1, 1)
