"""« Créer une CPTS » and the public filing of a lettre d'intention: the 10 steps explained, the
filing form end to end (the letter, both e-mails), its errors named by field with nothing written,
the territory drawn without JavaScript (search, add, remove) or with htmx, filing throttled per
address."""

import pytest
from django.core import mail
from django.urls import reverse

from maillon.core.factories import CptsFactory
from maillon.core.models import Cpts
from maillon.creation.models import LetterOfIntent, LetterStatus, Promoter
from maillon.territories.factories import TerritoryCommuneFactory

from .letters import FINESS, RPPS, ars_officer, make_communes, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(db):
    return make_communes()


NEW = reverse("creation_letter_new")
TERRITORY = reverse("creation_letter_territory")


def letter_data(communes, **overrides):
    """The form as a browser posts it: the letter, two promoters, four blank rows, the draft."""
    data = {
        "project_name": "CPTS du Val Test",
        "legal_form": "association_1901",
        "professions": ["10", "60"],
        "needs": "Des patients sans médecin traitant.",
        "contact_name": "Dr Claire Martin",
        "contact_email": "claire.martin@exemple.fr",
        "contact_phone": "01 23 45 67 89",
        "communes": [commune.code for commune in communes],
        "q": "",
        "website": "",
        "file": "1",
    }
    for row in range(1, 7):
        data |= {f"promoter_{row}_{name}": "" for name in ("name", "profession", "rpps", "finess", "siret", "email")}
        data[f"promoter_{row}_kind"] = "professional"
    data |= {
        "promoter_1_name": "Dr Claire Martin",
        "promoter_1_profession": "10",
        "promoter_1_rpps": RPPS,
        "promoter_1_email": "claire.martin@exemple.fr",
        "promoter_2_kind": "structure",
        "promoter_2_name": "Maison de santé des Tilleuls",
        "promoter_2_finess": FINESS,
        "promoter_2_email": "msp@exemple.fr",
    }
    return data | overrides


def without_promoters(data):
    return {key: value for key, value in data.items() if not key.startswith("promoter_") or key.endswith("_kind")}


def test_the_start_page_explains_the_ten_steps_the_decided_ones_and_the_grant(client, settings, communes):
    settings.MAILLON_STARTUP_GRANT_BY_REGION = {"11": 15000}
    page = text(client.get(reverse("creation_start")))
    assert "Déposer la lettre d'intention auprès de l'ARS" in page
    assert "Négocier et signer l'ACI" in page
    assert "Cochée par l'acceptation de la lettre d'intention par l'ARS." in page
    assert "dépendent de la région" in page and "Île-de-France" in page and "15" in page
    assert NEW in page


def test_a_lettre_d_intention_is_filed_through_the_page(client, communes, django_capture_on_commit_callbacks):
    officer = ars_officer()
    assert "Porteur n° 6" in text(client.get(NEW))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, letter_data(communes[:2]))
    assert response.status_code == 302
    assert response["Location"] == f"{NEW}?envoye=1"
    letter = LetterOfIntent.objects.get()
    assert letter.status == LetterStatus.SUBMITTED and letter.region_id == "11"
    assert letter.population == 24_000 and letter.contact_phone == "01 23 45 67 89"
    assert sorted(letter.communes.values_list("commune_id", flat=True)) == ["78001", "78002"]
    assert [(p.kind, p.name) for p in letter.promoters.all()] == [
        ("professional", "Dr Claire Martin"),
        ("structure", "Maison de santé des Tilleuls"),
    ]
    assert {message.to[0] for message in mail.outbox} == {"claire.martin@exemple.fr", officer.email}
    sent = text(client.get(response["Location"]))
    assert "envoyé par courriel au contact" in sent
    assert "claire.martin@exemple.fr" not in sent


def test_no_promoter_is_refused_naming_the_promoters_and_nothing_is_written(client, communes):
    response = client.post(NEW, without_promoters(letter_data(communes[:1])))
    assert response.status_code == 400
    assert "Porteurs : indiquez au moins un porteur du projet." in text(response)
    assert not LetterOfIntent.objects.exists() and not Promoter.objects.exists()
    assert mail.outbox == []


def test_a_wrong_rpps_is_refused_on_its_row(client, communes):
    response = client.post(NEW, letter_data(communes[:1], promoter_1_rpps="12345678901"))
    assert response.status_code == 400
    assert "Porteur n° 1 — RPPS : Le numéro RPPS doit compter 11 chiffres" in text(response)
    assert not LetterOfIntent.objects.exists()


def test_a_promoter_row_half_filled_names_what_is_missing(client, communes):
    response = client.post(NEW, letter_data(communes[:1], promoter_3_name="Dr Sans Numéro"))
    page = text(response)
    assert response.status_code == 400
    assert "Porteur n° 3 — RPPS : ce champ est obligatoire." in page
    assert "Porteur n° 3 — Courriel : ce champ est obligatoire." in page
    assert not LetterOfIntent.objects.exists()


def test_a_structure_needs_its_finess_or_siret(client, communes):
    response = client.post(NEW, letter_data(communes[:1], promoter_2_finess=""))
    assert "Porteur n° 2 — FINESS ou SIRET : une structure s'identifie par l'un des deux." in text(response)
    assert not LetterOfIntent.objects.exists()


def test_a_commune_already_in_a_cpts_is_refused_naming_that_cpts(client, communes):
    TerritoryCommuneFactory(cpts=CptsFactory(name="CPTS Voisine"), commune=communes[0])
    response = client.post(NEW, letter_data(communes[:2]))
    page = text(response)
    assert response.status_code == 400
    assert "déjà dans le territoire de la CPTS « CPTS Voisine »" in page
    assert not LetterOfIntent.objects.exists()


def test_a_name_taken_by_a_cpts_is_refused_on_the_name(client, communes):
    CptsFactory(name="CPTS du Val Test")
    response = client.post(NEW, letter_data(communes[:1]))
    page = text(response)
    assert response.status_code == 400
    assert "Nom envisagé de la CPTS : une CPTS porte déjà ce nom" in page
    assert 'aria-invalid="true"' in page
    assert not LetterOfIntent.objects.exists()


def test_an_empty_territory_and_missing_fields_are_named(client):
    data = letter_data([], project_name="", professions=[], contact_email="pas-un-courriel")
    page = text(client.post(NEW, data))
    assert "Nom envisagé de la CPTS : ce champ est obligatoire." in page
    assert "Professions engagées : cochez au moins une profession." in page
    assert "Courriel du contact : saisissez une adresse électronique valide" in page
    response = client.post(NEW, letter_data([]))
    assert "Territoire envisagé : choisissez au moins une commune." in text(response)
    assert not LetterOfIntent.objects.exists()


def test_filing_is_throttled_per_address_and_writes_nothing(client, settings, communes):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 1
    assert client.post(NEW, without_promoters(letter_data(communes[:1]))).status_code == 400
    response = client.post(NEW, letter_data(communes[:1]))
    assert response.status_code == 429
    assert "Trop de lettres d'intention ont été envoyées depuis votre connexion" in text(response)
    assert not LetterOfIntent.objects.exists()


def test_drawing_the_territory_is_not_throttled(client, settings, communes):
    settings.MAILLON_PUBLIC_FORM_RATE_PER_HOUR = 1
    data = letter_data([], file="", add=communes[0].code)
    data.pop("file")
    for _ in range(3):
        assert client.post(NEW, data).status_code == 200


def test_a_robot_gets_the_answer_people_get_and_nothing_is_written(client, communes):
    response = client.post(NEW, letter_data(communes[:1], website="http://spam.example"))
    assert response.status_code == 302
    assert not LetterOfIntent.objects.exists()


def test_without_javascript_add_and_remove_rerender_the_form_as_typed_without_filing(client, communes):
    data = letter_data(communes[:1], add=communes[1].code)
    data.pop("file")
    page = text(client.post(NEW, data))
    assert '<input type="hidden" name="communes" value="78001">' in page
    assert '<input type="hidden" name="communes" value="78002">' in page
    assert "24\u00a0000" in page or "24 000" in page
    assert 'value="CPTS du Val Test"' in page and 'value="Maison de santé des Tilleuls"' in page
    assert "Le formulaire n'a pas pu être validé" not in page
    data = letter_data(communes[:2], remove=communes[0].code)
    data.pop("file")
    page = text(client.post(NEW, data))
    assert 'name="communes" value="78001"' not in page and 'name="communes" value="78002"' in page
    assert not LetterOfIntent.objects.exists()


def test_without_javascript_the_search_lists_communes_to_add(client, communes):
    data = letter_data([], q="Bourg-Aval", search="1")
    data.pop("file")
    page = text(client.post(NEW, data))
    assert 'name="add" value="78003"' in page
    assert "Bourg-Aval (78003)" in page


def test_with_htmx_the_search_answers_the_results_and_the_preview_the_draft(client, communes):
    results = text(client.get(NEW, {"q": "Bourg-Milieu"}, HTTP_HX_REQUEST="true"))
    assert 'name="add" value="78002"' in results and "<h1>" not in results
    TerritoryCommuneFactory(cpts=CptsFactory(name="CPTS Voisine"), commune=communes[1])
    partial = text(client.post(TERRITORY, {"communes": ["78001"], "add": "78002"}))
    assert "Bourg-Milieu (78002) ajoutée à la liste." in partial
    assert "Déjà dans la CPTS « CPTS Voisine »" in partial
    assert "Le dépôt sera refusé" in partial and "enregistré" not in partial
    assert client.get(TERRITORY).status_code == 405
    assert not LetterOfIntent.objects.exists()


def test_the_map_gets_the_neighbours_of_added_communes(client, communes):
    response = client.get(NEW, {"voisines": "78001"})
    assert response["Content-Type"] == "application/geo+json"
    assert '"78002"' in text(response)


def test_a_filed_letter_creates_no_cpts(client, communes):
    client.post(NEW, letter_data(communes[:1]))
    assert LetterOfIntent.objects.count() == 1 and not Cpts.objects.exists()
