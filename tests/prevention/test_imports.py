"""A measure's yearly values imported from the sources' open-data files (Rézone CPTS, Odissé,
Data pathologies): the measure's rows only, hidden cells, decimal commas, all or nothing; the
page (source → upload → preview → confirm) and the API, for the coordination only."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.core.factories import CptsRoleFactory, UserFactory
from maillon.core.imports import ImportRejected
from maillon.core.models import JournalEntry
from maillon.prevention.factories import MeasureFactory, MeasureValueFactory
from maillon.prevention.imports import SKIPPED, importer_for
from maillon.prevention.models import MeasureKind, MeasureSource, MeasureValue, Scope, TargetSex
from maillon.territories.factories import DepartementFactory
from maillon.territories.models import Departement
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def yvelines(db):
    return Departement.objects.filter(code="78").first() or DepartementFactory(code="78")


@pytest.fixture
def measure(cpts, yvelines):
    return MeasureFactory(action__cpts=cpts, cpts=cpts, departement=yvelines)


def values_of(measure):
    return {
        (row.year, row.scope): (row.value, row.numerator, row.denominator, row.source, row.imported)
        for row in MeasureValue.objects.filter(measure=measure)
    }


def imported(measure, source, content, by=None, filename="export.csv"):
    return importer_for(measure, source).commit(measure.cpts, content, filename, by=by)


# --- Each source ------------------------------------------------------------------------


def test_a_rezone_export_gives_the_territory_and_departement_values_of_the_measures_indicator(measure, coordinator):
    result = imported(measure, MeasureSource.REZONE, fixture("rezone_cpts.csv"), by=coordinator)
    assert values_of(measure) == {
        (2022, Scope.TERRITORY): (Decimal("33.90"), 1520, 4484, "rezone", True),
        (2022, Scope.DEPARTEMENT): (Decimal("34.90"), 155321, 445050, "rezone", True),
        (2023, Scope.TERRITORY): (Decimal("35.80"), 1611, 4500, "rezone", True),
        # « < 6 »: hidden as the source hides it, the count unknown.
        (2024, Scope.TERRITORY): (None, None, 12, "rezone", True),
    }
    # The région's line, the breast screening and the flu vaccination are someone else's.
    assert (result.created, result.replaced, result.skipped, result.hidden) == (4, 0, 3, 1)
    assert MeasureValue.objects.get(measure=measure, year=2022, scope=Scope.TERRITORY).entered_by == coordinator
    assert JournalEntry.objects.filter(action="import", cpts_id=measure.cpts_id).exists()


def test_an_odisse_export_gives_the_comparison_departements_lines_only(measure):
    preview = importer_for(measure, MeasureSource.ODISSE).analyse(
        measure.cpts, fixture("odisse_depistage_colorectal.csv")
    )
    assert preview.is_valid, preview.file_errors
    skipped = {row.line: row.reason for row in preview.rows if row.outcome == SKIPPED}
    assert skipped == {4: "sous-groupe (sexe : Hommes)", 6: "autre département", 7: "autre département"}
    assert preview.summary == {
        "rows": 6,
        "errors": 0,
        "imported": 3,
        "replaced": 0,
        "skipped": 3,
        "hidden": 1,
        "values": 3,
    }
    imported(measure, MeasureSource.ODISSE, fixture("odisse_depistage_colorectal.csv"))
    assert values_of(measure) == {
        # A two-year period counts for its last year; decimal commas read.
        (2022, Scope.DEPARTEMENT): (Decimal("33.67"), 150210, 446100, "odisse", True),
        (2023, Scope.DEPARTEMENT): (Decimal("34.90"), 155321, 445050, "odisse", True),
        (2024, Scope.DEPARTEMENT): (None, None, 447200, "odisse", True),
    }


def test_a_data_pathologies_extract_gives_the_departements_all_ages_both_sexes_line(cpts, yvelines):
    measure = MeasureFactory(
        action__cpts=cpts, cpts=cpts, departement=yvelines, kind=MeasureKind.CUSTOM, name="Diabète"
    )
    preview = importer_for(measure, MeasureSource.AMELI).analyse(cpts, fixture("data_pathologies_effectifs.csv"))
    assert preview.is_valid, (preview.file_errors, [row.errors for row in preview.error_rows])
    reasons = {row.line: row.reason for row in preview.rows if row.outcome == SKIPPED}
    assert reasons == {
        4: "sous-groupe (sexe : 1)",
        5: "sous-groupe (âge : 45-49)",
        6: "autre département",
        7: "autre territoire",  # 999: the région's total
        8: "autre indicateur",
    }
    imported(measure, MeasureSource.AMELI, fixture("data_pathologies_effectifs.csv"))
    assert values_of(measure) == {
        (2022, Scope.DEPARTEMENT): (Decimal("4.97"), 72430, 1456780, "ameli", True),
        (2023, Scope.DEPARTEMENT): (Decimal("5.07"), 74120, 1461230, "ameli", True),
        # Ntop empty: the statistical secret.
        (2021, Scope.DEPARTEMENT): (None, None, 1450120, "ameli", True),
    }


def test_an_odisse_vaccination_file_names_its_value_after_the_vaccine(measure):
    measure.kind = MeasureKind.FLU_VACCINATION
    measure.save()
    content = (
        "an_mesure;dep;libgeo;grip_moins65;grip_65plus\n2023;78;Yvelines;28,1;55,4\n2023;92;Hauts-de-Seine;27;54\n"
    )
    imported(measure, MeasureSource.ODISSE, content.encode())
    assert values_of(measure) == {(2023, Scope.DEPARTEMENT): (Decimal("55.40"), None, None, "odisse", True)}


def test_a_breast_screening_aimed_at_women_keeps_the_womens_lines(cpts, yvelines):
    measure = MeasureFactory(
        action__cpts=cpts,
        action__sex=TargetSex.FEMALE,
        cpts=cpts,
        departement=yvelines,
        kind=MeasureKind.BREAST_SCREENING,
    )
    content = "Code département;Année;Sexe;Taux de participation\n78;2023;Femmes;47,5\n78;2023;Hommes;0\n"
    imported(measure, MeasureSource.ODISSE, content.encode())
    assert values_of(measure) == {(2023, Scope.DEPARTEMENT): (Decimal("47.50"), None, None, "odisse", True)}


def test_an_imported_value_replaces_the_years_value_and_the_preview_says_so(measure):
    MeasureValueFactory(measure=measure, year=2023, scope=Scope.DEPARTEMENT, value=Decimal("30"), source="other")
    preview = importer_for(measure, MeasureSource.ODISSE).analyse(
        measure.cpts, fixture("odisse_depistage_colorectal.csv")
    )
    assert (preview.summary["imported"], preview.summary["replaced"]) == (2, 1)
    imported(measure, MeasureSource.ODISSE, fixture("odisse_depistage_colorectal.csv"))
    assert values_of(measure)[(2023, Scope.DEPARTEMENT)][0] == Decimal("34.90")


# --- Errors: all or nothing, each naming its column ---------------------------------------


def test_a_bad_year_or_value_refuses_the_whole_file_and_names_the_column(measure):
    with pytest.raises(ImportRejected) as refused:
        imported(measure, MeasureSource.ODISSE, fixture("odisse_broken.csv"))
    messages = {row.line: row.error_messages for row in refused.value.preview.error_rows}
    assert messages == {
        3: ["Année : « deux mille vingt-trois » n'est pas une année (AAAA, ou AAAA-AAAA pour une période)."],
        4: ["Taux de participation : « trente-six » n'est pas un nombre (virgule ou point décimal)."],
    }
    # The good line 2 is not written either.
    assert not MeasureValue.objects.filter(measure=measure).exists()


def test_two_lines_for_the_same_year_are_an_ambiguity(measure):
    content = "Code département;Année;Taux de participation\n78;2023;34,9\n78;2023;35,0\n"
    preview = importer_for(measure, MeasureSource.ODISSE).analyse(measure.cpts, content.encode())
    assert not preview.is_valid
    assert "déjà à la ligne 2" in preview.error_rows[0].error_messages[0]


def test_a_rate_above_100_percent_is_refused(measure):
    content = "Code département;Année;Taux de participation\n78;2023;349\n"
    preview = importer_for(measure, MeasureSource.ODISSE).analyse(measure.cpts, content.encode())
    assert preview.error_rows[0].error_messages == [
        "Taux de participation : 349 n'est pas un pourcentage (entre 0 et 100)."
    ]


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        (MeasureSource.REZONE, "odisse_depistage_colorectal.csv", "pas un export Rézone CPTS"),
        (MeasureSource.ODISSE, "data_pathologies_effectifs.csv", "extrait de Data pathologies"),
        (MeasureSource.AMELI, "rezone_cpts.csv", "Colonne(s) obligatoire(s) absente(s)"),
    ],
)
def test_a_file_of_another_source_is_refused_with_a_file_error(measure, source, name, expected):
    preview = importer_for(measure, source).analyse(measure.cpts, fixture(name))
    assert not preview.is_valid and not preview.rows
    assert expected in " ".join(preview.file_errors)


def test_an_unrelated_file_says_it_does_not_look_like_the_sources_export(measure):
    preview = importer_for(measure, MeasureSource.ODISSE).analyse(measure.cpts, b"Nom;Prenom\nDupont;Jean\n")
    assert preview.file_errors[0].startswith("Ce fichier ne ressemble pas à un export Odissé")


def test_a_file_without_any_line_of_the_measure_is_refused(measure):
    content = "Code département;Année;Taux de participation\n92;2023;34,9\n"
    preview = importer_for(measure, MeasureSource.ODISSE).analyse(measure.cpts, content.encode())
    assert not preview.is_valid
    assert "Aucune ligne de ce fichier ne porte sur cette mesure" in preview.file_errors[0]


def test_a_departement_file_needs_the_measures_comparison_departement(cpts):
    measure = MeasureFactory(action__cpts=cpts, cpts=cpts, departement=None)
    preview = importer_for(measure, MeasureSource.ODISSE).analyse(cpts, fixture("odisse_depistage_colorectal.csv"))
    assert "pas de département de comparaison" in preview.file_errors[0]


# --- The page: source → upload → preview → confirm ----------------------------------------


def import_url(measure, source=""):
    url = reverse("prevention_measure_import", args=[measure.cpts.slug, measure.pk])
    return f"{url}?source={source}" if source else url


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else ""


def test_the_coordination_chooses_the_source_then_previews_and_confirms(measure, coordinator):
    client = verified_client(coordinator)
    choice = client.get(import_url(measure))
    assert choice.status_code == 200
    page = choice.content.decode()
    assert "rezonecpts.ameli.fr" in page and "odisse.santepubliquefrance.fr" in page and "effectifs.csv" in page
    assert "http" not in page.split("<main", 1)[-1].split("</main>")[0]  # addresses to type, nothing fetched

    upload = client.get(import_url(measure, "odisse"))
    assert upload.status_code == 200
    assert "Odissé (Santé publique France)" in upload.content.decode()

    file = SimpleUploadedFile("odisse.csv", fixture("odisse_depistage_colorectal.csv"), content_type="text/csv")
    preview = client.post(import_url(measure, "odisse"), {"file": file})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Le fichier peut être importé" in text and "autre département" in text and "masqué" in text
    assert not MeasureValue.objects.filter(measure=measure).exists()

    done = client.post(import_url(measure, "odisse"), {"action": "confirm", "token": token_of(preview)})
    assert done.status_code == 302
    assert done["Location"] == reverse("prevention_measure", args=[measure.cpts.slug, measure.pk])
    assert set(values_of(measure)) == {(2022, "departement"), (2023, "departement"), (2024, "departement")}


def test_a_file_with_an_error_is_previewed_with_it_and_cannot_be_confirmed(measure, coordinator):
    client = verified_client(coordinator)
    file = SimpleUploadedFile("odisse.csv", fixture("odisse_broken.csv"), content_type="text/csv")
    preview = client.post(import_url(measure, "odisse"), {"file": file})
    text = preview.content.decode()
    assert "rien ne sera importé" in text and "Taux de participation : « trente-six »" in text
    assert not token_of(preview)
    refused = client.post(import_url(measure, "odisse"), {"action": "confirm", "token": "forged"})
    assert refused.status_code == 302
    assert not MeasureValue.objects.filter(measure=measure).exists()


def test_a_preview_confirmed_under_another_source_or_measure_has_expired(measure, coordinator, cpts, yvelines):
    client = verified_client(coordinator)
    file = SimpleUploadedFile("odisse.csv", fixture("odisse_depistage_colorectal.csv"), content_type="text/csv")
    token = token_of(client.post(import_url(measure, "odisse"), {"file": file}))
    other = MeasureFactory(action=measure.action, cpts=cpts, departement=yvelines)
    client.post(import_url(other, "odisse"), {"action": "confirm", "token": token})
    client.post(import_url(measure, "ameli"), {"action": "confirm", "token": token})
    assert not MeasureValue.objects.exists()


def test_a_file_posted_without_a_source_is_not_read(measure, coordinator):
    file = SimpleUploadedFile("odisse.csv", fixture("odisse_depistage_colorectal.csv"), content_type="text/csv")
    response = verified_client(coordinator).post(import_url(measure) + "?source=inconnue", {"file": file})
    assert response.status_code == 400
    assert not MeasureValue.objects.exists()


def test_a_member_may_not_import_and_another_cptss_coordinator_does_not_see_the_measure(measure, member, other_cpts):
    assert verified_client(member).get(import_url(measure, "odisse")).status_code == 403
    file = SimpleUploadedFile("odisse.csv", fixture("odisse_depistage_colorectal.csv"), content_type="text/csv")
    assert verified_client(member).post(import_url(measure, "odisse"), {"file": file}).status_code == 403
    stranger = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    foreign = reverse("prevention_measure_import", args=[other_cpts.slug, measure.pk])
    assert verified_client(stranger).get(foreign).status_code == 404
    assert verified_client(stranger).get(import_url(measure)).status_code == 404


# --- The API -----------------------------------------------------------------------------------


def api_url(measure, *, dry_run=False):
    url = f"/api/v1/cpts/{measure.cpts_id}/prevention/measures/{measure.pk}/import"
    return url + ("?dry_run=true" if dry_run else "")


def api_post(api_client, headers, measure, name, source, *, dry_run=False):
    body = {"file": SimpleUploadedFile(name, fixture(name)), "source": source}
    return api_client.post(api_url(measure, dry_run=dry_run), body, **headers)


def test_the_api_checks_then_imports_a_sources_file(api_client, token_headers, coordinator, measure):
    headers = token_headers(coordinator)
    checked = api_post(api_client, headers, measure, "odisse_depistage_colorectal.csv", "odisse", dry_run=True)
    assert checked.status_code == 200
    assert checked.json() == {"rows_read": 6, "rows_valid": 6, "values": 3, "skipped": 3, "hidden": 1, "errors": []}
    assert not MeasureValue.objects.exists()
    done = api_post(api_client, headers, measure, "odisse_depistage_colorectal.csv", "odisse")
    assert done.status_code == 201
    assert done.json() == {"created": 3, "replaced": 0, "skipped": 3, "hidden": 1}
    assert MeasureValue.objects.filter(measure=measure, imported=True, source="odisse").count() == 3


def test_the_api_refuses_a_bad_file_whole_with_the_errors_naming_their_column(
    api_client, token_headers, coordinator, measure
):
    response = api_post(api_client, token_headers(coordinator), measure, "odisse_broken.csv", "odisse")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "file", 3, "Année"],
            "msg": "Année : « deux mille vingt-trois » n'est pas une année (AAAA, ou AAAA-AAAA pour une période).",
        },
        {
            "loc": ["body", "file", 4, "Taux de participation"],
            "msg": "Taux de participation : « trente-six » n'est pas un nombre (virgule ou point décimal).",
        },
    ]
    assert not MeasureValue.objects.exists()


def test_the_api_needs_a_known_source(api_client, token_headers, coordinator, measure):
    response = api_post(api_client, token_headers(coordinator), measure, "rezone_cpts.csv", "insee")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "source"]


def test_a_member_may_not_import_through_the_api_and_another_cpts_sees_no_measure(
    api_client, token_headers, member, measure, other_cpts
):
    response = api_post(api_client, token_headers(member), measure, "rezone_cpts.csv", "rezone")
    assert response.status_code == 403
    stranger = CptsRoleFactory(cpts=other_cpts, coordinator=True, user=UserFactory(with_totp=True)).user
    response = api_post(api_client, token_headers(stranger), measure, "rezone_cpts.csv", "rezone")
    assert response.status_code == 404
    assert not MeasureValue.objects.exists()


def test_the_sources_date_is_kept_and_a_wrong_one_names_its_column(measure):
    content = (
        "Indicateur;Année;Valeur;Date de mise à jour\n"
        "Dépistage du cancer colorectal;2023;35,8;30/06/2024\n"
        "Dépistage du cancer colorectal;2022;33,9;juin 2023\n"
    )
    preview = importer_for(measure, MeasureSource.REZONE).analyse(measure.cpts, content.encode())
    assert preview.rows[0].source_on == datetime.date(2024, 6, 30)
    assert preview.rows[1].error_messages == [
        "Date de mise à jour : « juin 2023 » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)."
    ]
