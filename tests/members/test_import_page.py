"""The import page: coordinators only; upload, preview, then confirm through HTTP."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.members.models import Membership, Professional
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

CONTENT = "Nom;Prénom;Profession;RPPS;Code INSEE\nMartin;Claire;Infirmière;10100901734;78646\n".encode()


def url(cpts):
    return reverse("members_import", args=[cpts.slug])


def upload(client, cpts, content=CONTENT, name="adherents.csv"):
    return client.post(url(cpts), {"file": SimpleUploadedFile(name, content)})


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_a_member_who_is_not_coordinator_gets_404(cpts, member):
    response = verified_client(member).get(url(cpts))
    assert response.status_code == 404
    assert upload(verified_client(member), cpts).status_code == 404
    assert Professional.objects.count() == 0


def test_the_coordinator_previews_then_confirms(cpts, coordinator):
    client = verified_client(coordinator)
    page = client.get(url(cpts))
    assert page.status_code == 200
    assert "Importer des membres" in page.content.decode()

    preview = upload(client, cpts)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Le fichier peut être importé" in html
    assert "Claire Martin" in html
    assert "Nouveau professionnel" in html
    assert Professional.objects.count() == 0, "rien avant la confirmation"

    token = token_of(preview)
    assert "10100901734" not in token
    done = client.post(url(cpts), {"action": "confirm", "token": token}, follow=True)
    assert "Import terminé : 1 adhésion(s) créée(s)" in done.content.decode()
    membership = Membership.objects.get(professional__rpps="10100901734")
    assert (membership.cpts, membership.status, membership.decided_by) == (cpts, "active", coordinator)
    assert JournalEntry.objects.filter(action="import", cpts_id=cpts.pk, actor_id=coordinator.pk).count() == 1

    again = client.post(url(cpts), {"action": "confirm", "token": token}, follow=True)
    assert "a déjà été importé" in again.content.decode()
    assert Membership.objects.count() == 1


def test_a_preview_with_errors_offers_no_confirmation(cpts, coordinator):
    client = verified_client(coordinator)
    content = CONTENT + "Durand;Éric;Sorcier;10100901735;78646\n".encode()
    html = upload(client, cpts, content).content.decode()
    assert "1 ligne en erreur : rien ne sera importé" in html
    assert "Profession : « Sorcier » n&#x27;est pas une profession connue" in html
    assert "RPPS : « 10100901735 »" in html
    assert 'name="token"' not in html
    assert "Déposer le fichier corrigé" in html
    forged = client.post(url(cpts), {"action": "confirm", "token": "anything"}, follow=True)
    assert "déposez le fichier à nouveau" in forged.content.decode()
    assert Professional.objects.count() == 0


def test_a_token_of_another_cpts_does_not_confirm_here(cpts, other_cpts, coordinator):
    from maillon.core.factories import CptsRoleFactory

    CptsRoleFactory(cpts=other_cpts, user=coordinator, coordinator=True)
    client = verified_client(coordinator)
    token = token_of(upload(client, other_cpts))
    client.post(url(cpts), {"action": "confirm", "token": token})
    assert Membership.objects.count() == 0


def test_cancel_forgets_the_file(cpts, coordinator):
    client = verified_client(coordinator)
    token = token_of(upload(client, cpts))
    cancelled = client.post(url(cpts), {"action": "cancel", "token": token}, follow=True)
    assert "Import annulé" in cancelled.content.decode()
    client.post(url(cpts), {"action": "confirm", "token": token})
    assert Professional.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("adherents.pdf", b"%PDF-1.4", "seuls les fichiers CSV (.csv) ou XLSX (.xlsx) sont acceptés"),
        ("adherents.csv", b"", "Fichier : le fichier est vide."),
    ],
)
def test_the_upload_form_refuses_other_files_in_french(cpts, coordinator, name, content, message):
    response = upload(verified_client(coordinator), cpts, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_no_file_is_a_french_error(cpts, coordinator):
    response = verified_client(coordinator).post(url(cpts), {})
    assert "Fichier : choisissez le fichier à importer." in response.content.decode()


def test_the_template_file_lists_the_expected_columns(cpts, coordinator):
    response = verified_client(coordinator).get(url(cpts) + "?modele=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Nom;Prénom;Profession;Spécialité;RPPS;ADELI;Email;")


def test_an_xlsx_file_goes_through_the_same_preview_and_confirmation(cpts, coordinator):
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Prénom", "NOM", "Profession", "N° RPPS", "Code INSEE"])
    workbook.active.append(["Claire", "Martin", "IDE", 10100901734, "78646"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = verified_client(coordinator)
    preview = upload(client, cpts, buffer.getvalue(), "adherents.xlsx")
    assert "Le fichier peut être importé" in preview.content.decode()
    client.post(url(cpts), {"action": "confirm", "token": token_of(preview)})
    assert Membership.objects.filter(cpts=cpts, professional__rpps="10100901734", status="active").exists()


def test_a_column_left_unrecognised_is_mapped_on_the_preview(cpts, coordinator):
    client = verified_client(coordinator)
    content = "Nom;Prénom;Profession;Identifiant national;Code INSEE\nMartin;Claire;IDE;10100901734;78646\n".encode()
    preview = upload(client, cpts, content)
    html = preview.content.decode()
    assert "Colonnes non reconnues" in html
    assert 'name="map_3"' in html
    assert "Colonne(s) obligatoire(s) absente(s)" in html
    assert 'value="confirm"' not in html
    mapping_token = preview.context["mapping_token"]
    mapped = client.post(url(cpts), {"action": "map", "token": mapping_token, "map_3": "rpps"})
    assert "Le fichier peut être importé" in mapped.content.decode()
    done = client.post(url(cpts), {"action": "confirm", "token": token_of(mapped)}, follow=True)
    assert "Import terminé : 1 adhésion(s) créée(s)" in done.content.decode()
    assert Membership.objects.filter(cpts=cpts, professional__rpps="10100901734").exists()


def test_an_invalid_preview_kept_for_mapping_cannot_be_confirmed(cpts, coordinator):
    client = verified_client(coordinator)
    content = "Nom;Prénom;Profession;Identifiant national;Code INSEE\nMartin;Claire;IDE;10100901734;78646\n".encode()
    preview = upload(client, cpts, content)
    forged = client.post(url(cpts), {"action": "confirm", "token": preview.context["mapping_token"]}, follow=True)
    assert "déposez le fichier à nouveau" in forged.content.decode()
    assert Professional.objects.count() == 0


def test_a_file_over_the_byte_limit_answers_413_on_the_page(cpts, coordinator, settings):
    settings.MAILLON_IMPORT_MAX_BYTES = 1000
    response = upload(verified_client(coordinator), cpts, CONTENT * 15)
    assert response.status_code == 413
    assert "Le fichier dépasse la taille permise" in response.content.decode()
    big = upload(verified_client(coordinator), cpts, b"x" * 200_000)
    assert big.status_code == 413
    assert Professional.objects.count() == 0


def test_a_body_over_djangos_limit_answers_413_on_the_page(cpts, coordinator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = verified_client(coordinator).post(
        url(cpts), {"note": "x" * 500, "file": SimpleUploadedFile("a.csv", CONTENT)}
    )
    assert response.status_code == 413
    assert "taille permise" in response.content.decode()


@pytest.mark.parametrize(
    ("route", "label"), [("members_import", "Fichier des membres"), ("mt_import", "Liste de la CPAM")]
)
def test_the_file_field_is_labelled_in_french_with_its_formats_and_limit(cpts, coordinator, route, label):
    body = verified_client(coordinator).get(reverse(route, args=[cpts.slug])).content.decode()
    assert re.search(rf">\s*{label}<span class=\"fr-required-marker\"", body)
    assert "5 Mo au plus" in body
    assert not re.search(r">\s*File<", body)
