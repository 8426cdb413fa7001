"""The ACI indicators page: add (catalogue or own), tiers, retire, a year's value with a
justificatif (downloaded through a checked, journaled view), recompute computed ones."""

import html
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from maillon.contracts import registry, services
from maillon.contracts.factories import IndicatorFactory, IndicatorTierFactory, IndicatorValueFactory
from maillon.contracts.funding import euros
from maillon.contracts.models import Indicator, IndicatorSource, IndicatorTier, IndicatorValue
from maillon.core.factories import UserFactory
from maillon.core.models import JournalEntry
from tests.conftest import verified_client

from .test_pages_access import signed_contract, territorial_user

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n% valeur\n"


def text(response) -> str:
    return html.unescape(response.content.decode())


def indicators_url(cpts):
    return reverse("contracts_indicators", args=[cpts.slug])


@pytest.fixture
def contract(cpts, coordinator):
    return signed_contract(cpts, coordinator)


@pytest.fixture
def ald(contract):
    """« ALD sans médecin traitant », baseline 219: ≤ 50 → 9 000 €; 51–100 → 6 000 €; 101–219 → 3 000 €."""
    indicator = IndicatorFactory(contract=contract, mission=1, code="m1-ald-sans-mt", baseline_value=Decimal("219"))
    services.set_tiers(
        indicator,
        [
            (None, Decimal("50"), Decimal("9000"), "≤ 50"),
            (Decimal("51"), Decimal("100"), Decimal("6000"), "51–100"),
            (Decimal("101"), Decimal("219"), Decimal("3000"), "101–219"),
        ],
    )
    return indicator


def test_add_an_indicator_from_the_catalogue(cpts, coordinator, contract):
    response = verified_client(coordinator).post(
        indicators_url(cpts),
        {
            "action": "indicator",
            "ind-catalogue_code": "m1-16-ans-avec-mt",
            "ind-baseline_value": "82,5",
            "ind-baseline_on": "2023-12-31",
            "ind-baseline_source": "Rézone CPTS",
            "ind-added_on": contract.signed_on.isoformat(),
        },
    )

    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.mission, indicator.code, indicator.unit, indicator.baseline_value, indicator.baseline_source) == (
        1,
        "m1-16-ans-avec-mt",
        "%",
        Decimal("82.50"),
        "Rézone CPTS",
    )
    assert indicator.name == "Patients de 16 ans et plus ayant un médecin traitant"


def test_add_an_indicator_of_the_cpts_own(cpts, coordinator, contract):
    response = verified_client(coordinator).post(
        indicators_url(cpts),
        {
            "action": "indicator",
            "ind-mission": "3",
            "ind-name": "Ateliers d'éducation thérapeutique",
            "ind-unit": "ateliers",
            "ind-target": "12 par an",
            "ind-added_on": contract.signed_on.isoformat(),
        },
    )

    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.mission, indicator.unit, indicator.target, indicator.source) == (
        3,
        "ateliers",
        "12 par an",
        IndicatorSource.ENTERED,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ind-name": "Sans mission"}, "Mission : choisissez la mission de l'indicateur."),
        ({"ind-mission": "2"}, "Intitulé : nommez l'indicateur, ou choisissez-en un dans le catalogue."),
        ({"ind-mission": "5", "ind-name": "x"}, "Mission : choisissez une mission du contrat."),
        ({"ind-catalogue_code": "inconnu"}, "Indicateur du catalogue : choisissez un indicateur proposé."),
        ({"ind-mission": "2", "ind-name": "x", "ind-baseline_value": "beaucoup"}, "Valeur de référence : un nombre"),
        ({"ind-mission": "2", "ind-name": "x", "ind-added_on": "2001-01-01"}, "Mission : elle ne fait pas partie"),
    ],
)
def test_a_bad_indicator_names_the_field_and_writes_nothing(cpts, coordinator, contract, data, message):
    response = verified_client(coordinator).post(
        indicators_url(cpts), {"action": "indicator", "ind-added_on": contract.signed_on.isoformat(), **data}
    )

    assert response.status_code == 200
    assert message in text(response)
    assert not Indicator.objects.exists()


def test_tiers_are_replaced_by_the_rows_filled_in(cpts, coordinator, ald):
    prefix = f"p{ald.pk}"
    response = verified_client(coordinator).post(
        indicators_url(cpts),
        {
            "action": "tiers",
            "indicator": ald.pk,
            f"{prefix}-label_1": "Objectif",
            f"{prefix}-high_1": "80",
            f"{prefix}-amount_1": "7500",
            f"{prefix}-low_2": "81",
            f"{prefix}-amount_2": "2000,50",
        },
    )

    assert response.status_code == 302
    assert list(ald.tiers.order_by("amount").values_list("label", "low", "high", "amount")) == [
        ("", Decimal("81"), None, Decimal("2000.50")),
        ("Objectif", None, Decimal("80"), Decimal("7500")),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"low_1": "100", "high_1": "50", "amount_1": "10"}, "Palier 1 — à : la borne haute est inférieure"),
        ({"high_1": "50"}, "Palier 1 — montant (€) : indiquez le montant."),
        ({"label_2": "Socle", "amount_2": "10"}, "Palier 2 — de : indiquez au moins une borne."),
        ({"high_1": "50", "amount_1": "-1"}, "Palier 1 — montant (€) : le montant ne peut pas être négatif."),
    ],
)
def test_bad_tiers_name_the_row_and_change_nothing(cpts, coordinator, ald, data, message):
    response = verified_client(coordinator).post(
        indicators_url(cpts),
        {"action": "tiers", "indicator": ald.pk, **{f"p{ald.pk}-{key}": value for key, value in data.items()}},
    )

    assert response.status_code == 200
    assert message in text(response)
    assert ald.tiers.count() == 3


def test_a_value_with_its_justificatif_earns_its_tier(cpts, coordinator, contract, ald):
    prefix = f"v{ald.pk}"
    response = verified_client(coordinator).post(
        indicators_url(cpts),
        {
            "action": "value",
            "indicator": ald.pk,
            f"{prefix}-contract_year": "1",
            f"{prefix}-value": "75",
            f"{prefix}-note": "Extraction Rézone de décembre",
            f"{prefix}-document": SimpleUploadedFile("Dupont Jean - liste.pdf", PDF),
        },
    )

    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert (value.contract_year, value.value, value.entered_by, value.note) == (
        1,
        Decimal("75"),
        coordinator,
        "Extraction Rézone de décembre",
    )
    # Nothing of the uploaded file's name is kept.
    assert value.document.name.startswith(f"contracts/{contract.pk}/indicators/indicateur-{ald.pk}-annee-1")
    assert "Dupont" not in value.document.name
    page = text(verified_client(coordinator).get(indicators_url(cpts)))
    assert euros(Decimal("6000")) in page  # 51–100 tier
    assert reverse("contracts_indicator_document", args=[cpts.slug, value.pk]) in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": ""}, "Valeur : indiquez une valeur."),
        ({"value": "douze"}, "Valeur : un nombre est attendu."),
        ({"contract_year": "6"}, "Année du contrat : choisissez une des années du contrat."),
        ({"document": ("notes.txt", b"texte")}, "Justificatif : seuls les fichiers PDF, PNG et JPEG sont acceptés."),
        ({"document": ("faux.pdf", b"PK\x03\x04")}, "Justificatif : le contenu ne correspond pas à un fichier PDF."),
    ],
)
def test_a_bad_value_names_the_field_and_writes_nothing(cpts, coordinator, ald, data, message):
    fields = {"contract_year": "1", "value": "10", **data}
    if "document" in fields:
        fields["document"] = SimpleUploadedFile(*fields["document"])
    response = verified_client(coordinator).post(
        indicators_url(cpts),
        {"action": "value", "indicator": ald.pk, **{f"v{ald.pk}-{key}": value for key, value in fields.items()}},
    )

    assert response.status_code == 200
    assert message in text(response)
    assert not IndicatorValue.objects.exists()


def test_retiring_an_indicator_takes_it_off_the_page(cpts, coordinator, contract, ald):
    client = verified_client(coordinator)
    response = client.post(
        indicators_url(cpts),
        {"action": "retire", "indicator": ald.pk, f"r{ald.pk}-retired_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 302
    ald.refresh_from_db()
    assert ald.retired_on == timezone.localdate()
    assert "Aucun indicateur en vigueur." in text(client.get(indicators_url(cpts)))


def test_recompute_the_computed_indicators(cpts, coordinator, contract):
    registry.register_indicator("test_pages_volunteers", mission=1, unit="médecins", compute=lambda c, s, e: 17)
    try:
        indicator = IndicatorFactory(
            contract=contract, mission=1, source=IndicatorSource.COMPUTED, computed_code="test_pages_volunteers"
        )
        client = verified_client(coordinator)
        page = text(client.get(indicators_url(cpts)))
        response = client.post(indicators_url(cpts), {"action": "refresh", "calc-contract_year": "2"})
    finally:
        registry.unregister("test_pages_volunteers")

    assert "calculé par la plateforme" in page and "Recalculer" in page
    assert f'name="v{indicator.pk}-value"' not in page  # no hand entry for a computed indicator
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator)
    assert (value.contract_year, value.value, value.source) == (2, Decimal("17"), IndicatorSource.COMPUTED)


# --- The justificatif download ------------------------------------------------------------


def value_with_document(indicator):
    return IndicatorValueFactory(indicator=indicator, document=ContentFile(PDF, name="annee-1.pdf"))


def download_url(cpts, value):
    return reverse("contracts_indicator_document", args=[cpts.slug, value.pk])


@pytest.mark.parametrize("reader", ["coordinator", "observer", "authority"])
def test_readers_download_the_justificatif_and_the_read_is_journaled(cpts, coordinator, ald, reader):
    value = value_with_document(ald)
    user = coordinator if reader == "coordinator" else territorial_user(reader)
    response = verified_client(user).get(download_url(cpts, value))

    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = JournalEntry.objects.filter(action="export", actor_id=user.pk).get()
    assert (entry.object_type, entry.object_id, entry.fields, entry.cpts_id) == (
        "contracts.IndicatorValue",
        str(value.pk),
        ["document"],
        cpts.pk,
    )


def test_no_download_for_a_member_an_outsider_or_another_cpts(cpts, other_cpts, coordinator, member, ald):
    value = value_with_document(ald)
    theirs = value_with_document(IndicatorFactory(contract=signed_contract(other_cpts, coordinator)))
    without_file = IndicatorValueFactory(indicator=ald, contract_year=2)
    client = verified_client(coordinator)

    assert verified_client(member).get(download_url(cpts, value)).status_code == 404
    assert verified_client(UserFactory(with_totp=True)).get(download_url(cpts, value)).status_code == 404
    assert client.get(download_url(cpts, theirs)).status_code == 404
    assert client.get(download_url(cpts, without_file)).status_code == 404
    assert not JournalEntry.objects.filter(action="export").exists()


def test_readers_see_values_and_earnings_but_no_forms(cpts, coordinator, ald):
    IndicatorValueFactory(indicator=ald, contract_year=1, value=Decimal("40"))
    page = text(verified_client(territorial_user("observer")).get(indicators_url(cpts)))

    assert "Patients en ALD sans médecin traitant" in page
    assert euros(Decimal("9000")) in page
    assert "Ajouter un indicateur" not in page and "Modifier les paliers" not in page


def test_query_budget_of_the_indicators_page(cpts, coordinator, contract, django_assert_max_num_queries):
    for mission in (1, 2, 3, 4):
        for _ in range(3):
            indicator = IndicatorFactory(contract=contract, mission=mission)
            IndicatorTierFactory(indicator=indicator)
            IndicatorTierFactory(indicator=indicator, low=Decimal("51"), high=None, amount=Decimal("100"))
            IndicatorValueFactory(indicator=indicator, contract_year=1)
            IndicatorValueFactory(indicator=indicator, contract_year=2)
    client = verified_client(coordinator)
    client.get(indicators_url(cpts))

    # 14: the indicators the validated projet de santé offers are one more query.
    with django_assert_max_num_queries(14):
        response = client.get(indicators_url(cpts))
    assert response.status_code == 200
    assert IndicatorTier.objects.count() == 24
