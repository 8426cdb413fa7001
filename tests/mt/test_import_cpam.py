"""The CPAM's list imported by the coordinator: preview, all or nothing, duplicates merged."""

import codecs
import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillon.core.models import JournalEntry
from maillon.mt import imports
from maillon.mt.factories import PatientFactory
from maillon.mt.models import Channel, Patient, PatientStatus
from maillon.territories.factories import CommuneFactory
from maillon.territories.models import Commune

from ..conftest import verified_client

pytestmark = pytest.mark.django_db

HEADER = "Prénom;NOM;date de naissance;Code commune INSEE;courriel;Téléphone;NIR;ALD;C2S"
GOOD = [
    "Odile;Durand;04/03/1950;78646;odile@example.org;;;oui;non",
    "Paul;Lemoine;1962-11-30;78646;;01 39 00 00 00;;non;oui",
]


def csv_bytes(*lines, bom=True, delimiter=";"):
    text = "\r\n".join(line.replace(";", delimiter) for line in (HEADER, *lines)) + "\r\n"
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def test_a_good_file_registers_every_patient_from_the_cpam(cpts, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = imports.commit(cpts, csv_bytes(*GOOD), by=coordinator)

    assert result.created == 2
    odile, paul = Patient.objects.for_cpts(cpts).order_by("last_name")
    assert (odile.ald, odile.c2s, odile.channel, odile.commune_id) == (True, False, Channel.CPAM, "78646")
    assert paul.birth_date == datetime.date(1962, 11, 30)
    assert paul.c2s and paul.phone == "01 39 00 00 00"
    assert odile.consent_at == odile.registered_at  # the import time
    assert odile.identity and odile.link_nonce
    entry = JournalEntry.objects.get(action="import", object_type="mt.Patient")
    assert entry.cpts_id == cpts.pk and "2 inscriptions créées" in entry.note
    assert "Durand" not in entry.note
    # Only Odile has an e-mail: she gets the acknowledgement and her private link.
    assert [message.to for message in mail.outbox] == [["odile@example.org"]]


def test_headers_in_any_order_comma_and_no_bom(cpts, coordinator):
    content = (
        "c2s,ald,commune,email,date de naissance,prenom,nom\r\nnon,OUI,Versailles,a@example.org,01/02/1990,Éva,Noël\r\n"
    ).encode()
    preview = imports.analyse(cpts, content)
    assert preview.is_valid, preview.rows[0].errors
    assert preview.rows[0].commune.code == "78646" and preview.rows[0].ald


def test_a_bad_last_row_writes_nothing(cpts, coordinator):
    content = csv_bytes(*GOOD, "Jean;Martin;31/02/1970;78646;jean@example.org;;;non;non")
    preview = imports.analyse(cpts, content)
    assert not preview.is_valid
    assert preview.rows[-1].error_messages == [
        "Date de naissance : date invalide (attendue au format JJ/MM/AAAA ou AAAA-MM-JJ)."
    ]

    with pytest.raises(imports.ImportRejected):
        imports.commit(cpts, content, by=coordinator)
    assert not Patient.objects.exists()
    assert not JournalEntry.objects.filter(action="import").exists()


def test_errors_are_in_french_and_name_the_column(cpts, other_cpts):
    CommuneFactory(code="13055", name="Marseille")
    content = csv_bytes(
        "A;Un;01/01/1980;99999;a@example.org;;;non;non",
        "B;Deux;01/01/1980;78498;b@example.org;;;non;non",
        "C;Trois;01/01/1980;78646;;;;non;non",
        "D;Quatre;01/01/1980;78646;d@example.org;;1 95 10 99 126 111 00;peut-être;non",
    )
    errors = [row.error_messages for row in imports.analyse(cpts, content).rows]
    assert errors == [
        ["Code commune INSEE : commune inconnue (code INSEE à 5 caractères)."],
        ["Code commune INSEE : cette commune n'est pas dans le territoire de la CPTS."],
        ["Courriel : indiquez un courriel ou un téléphone pour recontacter le patient."],
        ["NIR : numéro invalide (15 caractères dont la clé de contrôle).", "ALD : répondez oui ou non."],
    ]


def test_a_missing_column_is_named(cpts):
    preview = imports.analyse(cpts, "Nom;Prénom;Commune\r\nA;B;Versailles\r\n".encode())
    assert preview.file_errors == [
        "Colonne(s) obligatoire(s) absente(s) : « Date de naissance ». "
        "La première ligne du fichier doit porter les noms des colonnes (voir le modèle)."
    ]


def test_a_reimport_creates_no_duplicate(cpts, coordinator):
    imports.commit(cpts, csv_bytes(*GOOD), by=coordinator)
    preview = imports.analyse(cpts, csv_bytes(*GOOD))
    assert [row.outcome for row in preview.rows] == [imports.MERGED, imports.MERGED]

    result = imports.commit(cpts, csv_bytes(*GOOD), by=coordinator)
    assert (result.created, result.merged) == (0, 2)
    assert Patient.objects.for_cpts(cpts).count() == 2


def test_duplicates_merge_their_flags(cpts, coordinator):
    versailles = Commune.objects.get(code="78646")
    waiting = PatientFactory(
        cpts=cpts, commune=versailles, last_name="Durand", first_name="Odile", birth_date=datetime.date(1950, 3, 4)
    )
    content = csv_bytes(
        "ODILE;durand;1950-03-04;78646;;01 39 00 00 01;;non;oui",  # the registration already open
        "Jean;Martin;01/01/1970;78646;jean@example.org;;;non;non",
        "Jean;Martin;1970-01-01;78646;jean@example.org;;;oui;non",  # the line above, merged
    )
    preview = imports.analyse(cpts, content)
    assert [row.outcome for row in preview.rows] == [imports.MERGED, imports.NEW, imports.MERGED]

    result = imports.commit(cpts, content, by=coordinator)

    assert (result.created, result.merged) == (1, 2)
    waiting.refresh_from_db()
    assert waiting.c2s and not waiting.ald and waiting.channel == Channel.SELF
    jean = Patient.objects.get(cpts=cpts, last_name="Martin")
    assert jean.ald and not jean.c2s


def test_a_closed_registration_does_not_block_a_new_one(cpts, coordinator):
    PatientFactory(
        cpts=cpts,
        commune=Commune.objects.get(code="78646"),
        last_name="Durand",
        first_name="Odile",
        birth_date=datetime.date(1950, 3, 4),
        status=PatientStatus.DECLARED,
    )
    assert imports.commit(cpts, csv_bytes(GOOD[0]), by=coordinator).created == 1


def test_the_page_previews_then_confirms(cpts, coordinator):
    client = verified_client(coordinator)
    url = reverse("mt_import", args=[cpts.slug])
    assert "Importer la liste de la CPAM" in client.get(url).content.decode()

    upload = SimpleUploadedFile("liste.csv", csv_bytes(*GOOD), content_type="text/csv")
    response = client.post(url, {"action": "preview", "file": upload})
    page = response.content.decode()
    assert "nouveau" in page and "Confirmer l'import (2 inscriptions)" in page
    assert not Patient.objects.exists()

    token = response.context["token"]
    response = client.post(url, {"action": "confirm", "token": token})
    assert response.status_code == 302
    assert Patient.objects.for_cpts(cpts).count() == 2
    # The token is spent: a second confirmation writes nothing more.
    client.post(url, {"action": "confirm", "token": token})
    assert Patient.objects.for_cpts(cpts).count() == 2


def test_the_page_shows_row_errors_and_keeps_nothing(cpts, coordinator):
    client = verified_client(coordinator)
    url = reverse("mt_import", args=[cpts.slug])
    upload = SimpleUploadedFile("liste.csv", csv_bytes("A;Un;01/01/1980;99999;a@example.org;;;non;non"))
    response = client.post(url, {"action": "preview", "file": upload})
    assert "Code commune INSEE : commune inconnue" in response.content.decode()
    assert response.context["token"] is None


def test_only_the_coordinator_sees_the_page(cpts, member):
    assert verified_client(member).get(reverse("mt_import", args=[cpts.slug])).status_code == 404


def test_the_cpam_list_goes_through_the_import_kit_and_the_generic_page(cpts, coordinator):
    """Same reading (cp1252, `,`, CRLF), same column mapping, same page as the members import."""
    from maillon.core import imports as kit

    assert issubclass(imports.Preview, kit.Preview) and issubclass(imports.Row, kit.BaseRow)
    assert imports.ImportRejected is kit.ImportRejected
    text = "Prénom,NOM,Venue au monde,Code commune INSEE,courriel\r\nHélène,Durand,04/03/1950,78646,h@example.org\r\n"
    client = verified_client(coordinator)
    url = reverse("mt_import", args=[cpts.slug])
    response = client.post(url, {"action": "preview", "file": SimpleUploadedFile("liste.csv", text.encode("cp1252"))})
    assert response.templates[0].name == "www/import_preview.html"
    assert 'name="map_2"' in response.content.decode()
    mapped = client.post(url, {"action": "map", "token": response.context["mapping_token"], "map_2": "birth_date"})
    assert "Confirmer l'import (1 inscription)" in mapped.content.decode()
    client.post(url, {"action": "confirm", "token": mapped.context["token"]})
    patient = Patient.objects.for_cpts(cpts).get()
    assert (patient.first_name, patient.birth_date) == ("Hélène", datetime.date(1950, 3, 4))


def test_a_cpam_list_over_the_byte_limit_answers_413(cpts, coordinator, settings):
    settings.MAILLON_IMPORT_MAX_BYTES = 500
    upload = SimpleUploadedFile("liste.csv", csv_bytes(*GOOD * 10))
    response = verified_client(coordinator).post(reverse("mt_import", args=[cpts.slug]), {"file": upload})
    assert response.status_code == 413
    assert not Patient.objects.exists()
