"""POST /api/v1/cpts/{id}/members/import: the members import through the API (pinned shapes)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillon.core.factories import UserFactory
from maillon.members.models import Membership, Professional

pytestmark = pytest.mark.django_db

HEADER = "Nom;Prénom;Profession;RPPS;Code INSEE"
GOOD = "Martin;Claire;Infirmière;10100901734;78646"
BAD_RPPS = "Durand;Paul;Kiné;10100901735;78646"
BAD_PROFESSION = "Petit;Anne;Sorcière;;78646"


def url(cpts, dry_run=False):
    return f"/api/v1/cpts/{cpts.pk}/members/import" + ("?dry_run=true" if dry_run else "")


def csv_file(*lines, name="adherents.csv"):
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode())


def post(api_client, headers, cpts, upload, *, dry_run=False):
    return api_client.post(url(cpts, dry_run), {"file": upload} if upload else {}, **headers)


@pytest.fixture
def headers(token_headers, coordinator):
    return token_headers(coordinator)


def counts():
    return Professional.objects.count(), Membership.objects.count()


def test_a_dry_run_reads_checks_and_names_each_error_with_its_line_and_column(api_client, headers, cpts):
    upload = csv_file(HEADER, GOOD, BAD_RPPS, BAD_PROFESSION)
    response = post(api_client, headers, cpts, upload, dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert (body["rows_read"], body["rows_valid"]) == (3, 1)
    assert [(error["line"], error["field"]) for error in body["errors"]] == [
        (3, "RPPS"),
        (4, "Profession"),
        (4, "RPPS"),
    ]
    assert body["errors"][0]["message"].startswith("RPPS : « 10100901735 »")
    assert set(body["errors"][0]) == {"line", "field", "message"}
    assert counts() == (0, 0), "a dry run writes nothing"


def test_the_field_is_the_column_as_the_file_names_it(api_client, headers, cpts):
    upload = csv_file("Nom;Prénom;Profession;n° RPPS;Code INSEE", BAD_RPPS)
    body = post(api_client, headers, cpts, upload, dry_run=True).json()
    assert [(error["line"], error["field"]) for error in body["errors"]] == [(2, "n° RPPS")]


def test_a_file_level_error_has_no_line_and_the_field_file(api_client, headers, cpts):
    upload = csv_file("Nom;Prénom;Code INSEE", "Martin;Claire;78646")
    response = post(api_client, headers, cpts, upload, dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert body["rows_read"] == 0 and body["rows_valid"] == 0
    assert body["errors"][0]["line"] is None
    assert body["errors"][0]["field"] == "file"
    assert "Colonne(s) obligatoire(s) absente(s)" in body["errors"][0]["message"]


def test_an_import_answers_201_with_its_counts(api_client, headers, cpts):
    response = post(api_client, headers, cpts, csv_file(HEADER, GOOD))
    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("created", "reused", "skipped", "memberships", "structures")} == {
        "created": 1,
        "reused": 0,
        "skipped": 0,
        "memberships": 1,
        "structures": 0,
    }
    assert Membership.objects.filter(cpts=cpts, professional__rpps="10100901734", status="active").exists()
    again = post(api_client, headers, cpts, csv_file(HEADER, GOOD))
    assert again.status_code == 201
    assert (again.json()["created"], again.json()["skipped"]) == (0, 1)


def test_a_file_with_one_bad_row_answers_422_and_writes_nothing(api_client, headers, cpts):
    before = counts()
    response = post(api_client, headers, cpts, csv_file(HEADER, GOOD, BAD_RPPS))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == [{"loc": ["body", "file", 3, "RPPS"], "msg": body["detail"][0]["msg"]}]
    assert body["detail"][0]["msg"].startswith("RPPS : ")
    assert counts() == before == (0, 0)


def test_no_file_is_a_file_level_422(api_client, headers, cpts):
    response = post(api_client, headers, cpts, None)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "file"], "msg": "Fichier : choisissez le fichier à importer."}
    ]


def test_a_file_over_the_byte_limit_answers_413_in_french(api_client, headers, cpts, settings):
    settings.MAILLON_IMPORT_MAX_BYTES = 1000
    upload = csv_file(HEADER, *[GOOD] * 40)  # ~1.8 kB: within the body margin, above the file limit
    response = post(api_client, headers, cpts, upload)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Le fichier dépasse la taille permise")
    assert counts() == (0, 0)


def test_a_body_over_the_limit_is_refused_before_it_is_read(api_client, headers, cpts, settings):
    settings.MAILLON_IMPORT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.csv", b"x" * 200_000)
    response = post(api_client, headers, cpts, upload, dry_run=True)
    assert response.status_code == 413
    assert "taille permise" in response.json()["detail"]


def test_a_body_over_djangos_own_limit_answers_413(api_client, headers, cpts, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api_client.post(url(cpts), {"note": "x" * 500, "file": csv_file(HEADER, GOOD)}, **headers)
    assert response.status_code == 413
    assert "taille permise" in response.json()["detail"]


def test_a_member_gets_403_and_a_stranger_404(api_client, token_headers, cpts, member):
    assert post(api_client, token_headers(member), cpts, csv_file(HEADER, GOOD)).status_code == 403
    stranger = UserFactory(with_totp=True)
    assert post(api_client, token_headers(stranger), cpts, csv_file(HEADER, GOOD)).status_code == 404
    assert counts() == (0, 0)


def test_a_workbook_declaring_a_huge_sheet_is_a_file_level_error(api_client, headers, cpts):
    from tests.core.test_import_kit import bomb_workbook

    upload = SimpleUploadedFile("bombe.xlsx", bomb_workbook())
    response = post(api_client, headers, cpts, upload, dry_run=True)
    assert response.status_code == 200
    assert response.json()["errors"] == [
        {"line": None, "field": "file", "message": "Le classeur déclare 16384 colonnes : 100 au plus."}
    ]
