import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillon.core.factories import CptsFactory, UserFactory
from maillon.core.models import CptsStatus, JournalEntry
from maillon.territories import services
from maillon.territories.factories import CommuneFactory, TerritoryCommuneFactory
from maillon.territories.models import TerritoryCommune

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 5)


@pytest.fixture
def communes():
    return {
        code: CommuneFactory(code=code, name=name, population=population)
        for code, name, population in [
            ("78646", "Versailles", 83_000),
            ("78372", "Le Chesnay-Rocquencourt", 29_000),
            ("78686", "Viroflay", 16_000),
            ("78498", "Le Pecq", 16_000),
        ]
    }


def test_territory_population_and_taille_come_from_its_communes(communes):
    cpts = CptsFactory()
    services.set_territory(cpts, ["78646", "78372"], on=TODAY)
    simulation = services.simulate(["78646", "78372"], for_cpts=cpts)
    assert services.current_population(cpts) == 112_000
    assert simulation.population == 112_000 and simulation.taille == 3
    assert simulation.conflicts == []


def test_territory_of_two_cpts_cannot_share_a_commune_and_the_refusal_names_the_other_cpts(communes):
    first = CptsFactory(name="CPTS Plaine de Versailles")
    second = CptsFactory(name="CPTS Grand Parc")
    services.set_territory(first, ["78646"], on=TODAY)
    with pytest.raises(services.TerritoryConflictError) as refusal:
        services.set_territory(second, ["78686", "78646"], on=TODAY)
    assert "CPTS Plaine de Versailles" in refusal.value.messages[0]
    assert "Versailles (78646)" in refusal.value.messages[0]
    # All or nothing: Viroflay was not added either.
    assert not TerritoryCommune.objects.filter(cpts=second).exists()


def test_database_constraint_refuses_a_second_current_row_for_a_commune(communes):
    TerritoryCommuneFactory(cpts=CptsFactory(), commune=communes["78646"], valid_to=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        TerritoryCommune.objects.create(cpts=CptsFactory(), commune=communes["78646"], valid_from=TODAY)


def test_territory_as_it_stood_on_any_date_is_kept(communes):
    cpts = CptsFactory()
    services.set_territory(cpts, ["78646", "78372"], on=datetime.date(2025, 1, 1))
    services.set_territory(cpts, ["78646", "78686"], on=datetime.date(2026, 1, 1))
    assert services.population_on(cpts, datetime.date(2024, 12, 31)) == 0
    assert services.population_on(cpts, datetime.date(2025, 6, 1)) == 112_000
    assert services.population_on(cpts, datetime.date(2026, 1, 1)) == 99_000
    assert {c.code for c in services.communes_on(cpts, datetime.date(2025, 6, 1))} == {"78646", "78372"}
    assert {c.code for c in services.communes_on(cpts)} == {"78646", "78686"}


def test_a_commune_removed_from_one_cpts_can_join_another_from_that_date(communes):
    first, second = CptsFactory(), CptsFactory()
    services.set_territory(first, ["78646", "78686"], on=datetime.date(2025, 1, 1))
    services.set_territory(first, ["78646"], on=datetime.date(2026, 1, 1))
    services.set_territory(second, ["78686"], on=datetime.date(2026, 1, 1))
    assert services.population_on(second, datetime.date(2026, 1, 1)) == 16_000
    assert services.population_on(first, datetime.date(2025, 12, 31)) == 99_000


def test_unknown_commune_codes_are_named_in_the_refusal(communes):
    with pytest.raises(services.UnknownCommuneError) as refusal:
        services.simulate(["78646", "99999"])
    assert refusal.value.codes == ["99999"]
    assert "99999" in refusal.value.messages[0]


def test_a_change_cannot_be_dated_before_the_commune_joined(communes):
    cpts = CptsFactory()
    services.set_territory(cpts, ["78646"], on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="ne peut pas la précéder"):
        services.set_territory(cpts, [], on=datetime.date(2025, 1, 1))


def test_dissolution_frees_the_communes_and_keeps_the_history(communes):
    recorder = UserFactory()
    cpts = CptsFactory(status=CptsStatus.ACI_SIGNED)
    services.set_territory(cpts, ["78646"], on=datetime.date(2025, 1, 1))
    services.record_step(cpts, status=CptsStatus.DISSOLVED, on=datetime.date(2026, 6, 1), by=recorder)
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.DISSOLVED
    assert services.current_population(cpts) == 0
    assert services.population_on(cpts, datetime.date(2026, 1, 1)) == 83_000
    step = cpts.steps.get(to_status=CptsStatus.DISSOLVED)
    assert step.by == recorder and step.date == datetime.date(2026, 6, 1)
    services.set_territory(CptsFactory(), ["78646"], on=datetime.date(2026, 6, 1))


def test_lifecycle_moves_forward_only_and_logs_each_step():
    cpts = CptsFactory()
    recorder = UserFactory()
    services.record_step(cpts, status=CptsStatus.PROJECT_SUBMITTED, on=datetime.date(2025, 3, 1), by=recorder)
    services.record_step(cpts, status=CptsStatus.NEGOTIATION, on=datetime.date(2025, 9, 1), by=recorder)
    with pytest.raises(ValidationError, match="ne suit pas"):
        services.record_step(cpts, status=CptsStatus.PROJECT_VALIDATED, on=datetime.date(2025, 10, 1), by=recorder)
    assert list(cpts.steps.values_list("to_status", flat=True)) == [
        CptsStatus.PROJECT_SUBMITTED,
        CptsStatus.NEGOTIATION,
    ]


def test_territory_changes_are_journaled(communes):
    cpts = CptsFactory()
    services.set_territory(cpts, ["78646"], on=TODAY)
    services.set_territory(cpts, [], on=TODAY + datetime.timedelta(days=1))
    actions = list(
        JournalEntry.objects.filter(object_type="territories.TerritoryCommune", cpts_id=cpts.pk)
        .order_by("id")
        .values_list("action", "fields")
    )
    assert actions[0][0] == "create"
    assert actions[1] == ("update", ["valid_to"])


def test_a_commune_cannot_join_a_second_cpts_at_a_date_when_the_first_still_held_it(communes):
    first, second = CptsFactory(name="CPTS Seine et Forêt"), CptsFactory()
    services.set_territory(first, ["78646"], on=datetime.date(2024, 1, 1))
    services.set_territory(first, [], on=datetime.date(2026, 1, 1))
    with pytest.raises(services.TerritoryConflictError, match="Seine et Forêt"):
        services.set_territory(second, ["78646"], on=datetime.date(2025, 1, 1))
    services.set_territory(second, ["78646"], on=datetime.date(2026, 1, 1))


def test_a_commune_cannot_come_back_before_it_left(communes):
    cpts = CptsFactory()
    services.set_territory(cpts, ["78646", "78686"], on=datetime.date(2024, 1, 1))
    services.set_territory(cpts, ["78646"], on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="a quitté le territoire"):
        services.set_territory(cpts, ["78646", "78686"], on=datetime.date(2025, 6, 1))


def test_territory_changes_cannot_be_dated_in_the_future(communes):
    cpts = CptsFactory()
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="futur"):
        services.set_territory(cpts, ["78646"], on=tomorrow)
    assert not TerritoryCommune.objects.exists()


def test_a_refused_dissolution_changes_nothing(communes):
    cpts = CptsFactory(status=CptsStatus.ACI_SIGNED)
    services.set_territory(cpts, ["78646"], on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="ne peut pas la précéder"):
        services.record_step(cpts, status=CptsStatus.DISSOLVED, on=datetime.date(2025, 6, 1))
    assert cpts.status == CptsStatus.ACI_SIGNED
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.ACI_SIGNED and services.current_population(cpts) == 83_000


def test_a_step_cannot_be_dated_in_the_future_nor_before_the_previous_one():
    cpts = CptsFactory()
    services.record_step(cpts, status=CptsStatus.PROJECT_SUBMITTED, on=datetime.date(2025, 3, 1))
    with pytest.raises(ValidationError, match="précéder"):
        services.record_step(cpts, status=CptsStatus.PROJECT_VALIDATED, on=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="futur"):
        services.record_step(
            cpts, status=CptsStatus.PROJECT_VALIDATED, on=datetime.date.today() + datetime.timedelta(days=1)
        )
    cpts.refresh_from_db()
    assert cpts.status == CptsStatus.PROJECT_SUBMITTED


def test_the_first_step_of_a_new_cpts_can_be_dated():
    cpts = CptsFactory()
    services.record_step(cpts, status=CptsStatus.LETTER_OF_INTENT, on=datetime.date(2024, 5, 2))
    assert cpts.steps.get().date == datetime.date(2024, 5, 2)
    with pytest.raises(ValidationError):
        services.record_step(cpts, status=CptsStatus.LETTER_OF_INTENT, on=datetime.date(2024, 6, 2))


def test_malformed_commune_codes_are_reported_as_unknown(communes):
    with pytest.raises(services.UnknownCommuneError) as refusal:
        services.simulate(["78\x00646", "2A004"])
    assert refusal.value.codes == ["2A004", "78\x00646"]
