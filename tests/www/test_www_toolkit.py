"""The web toolkit (maillon.www.toolkit): the base form, the date field, the commune picker,
breadcrumbs and htmx, through what the pages use of them."""

import datetime

import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory

from maillon.territories.factories import CommuneFactory
from maillon.www.toolkit.communes import CommunePickForm, commune_suggestions
from maillon.www.toolkit.forms import MaillonForm, date_field, not_in_future
from maillon.www.toolkit.htmx import is_htmx, vary_on_htmx
from maillon.www.toolkit.navigation import breadcrumb


class SigningForm(MaillonForm):
    signed_on = date_field("Signée le")
    ended_on = date_field("Terminée le", required=False)
    name = forms.CharField(label="Nom", max_length=5)
    count = forms.IntegerField(label="Nombre", required=False)

    def clean_signed_on(self):
        return not_in_future(self.cleaned_data["signed_on"], "Signée le")


def test_a_date_is_typed_jj_mm_aaaa_or_picked_in_the_calendar():
    typed = SigningForm({"signed_on": "03/02/2024", "name": "a"})
    picked = SigningForm({"signed_on": "2024-02-03", "name": "a"})

    assert typed.is_valid() and picked.is_valid()
    assert typed.cleaned_data["signed_on"] == picked.cleaned_data["signed_on"] == datetime.date(2024, 2, 3)
    assert typed.cleaned_data["ended_on"] is None


def test_a_bad_or_missing_date_is_refused_in_french_naming_the_field():
    bad = SigningForm({"signed_on": "31/02/2024", "name": "a"})
    missing = SigningForm({"name": "a"})
    future = SigningForm({"signed_on": "2999-01-01", "name": "a"})

    assert bad.errors["signed_on"] == ["Signée le : saisissez une date valide, au format jj/mm/aaaa."]
    assert missing.errors["signed_on"] == ["Signée le : indiquez la date."]
    assert future.errors["signed_on"] == ["Signée le : la date ne peut pas être dans le futur."]


def test_the_base_form_names_the_field_in_django_s_default_messages():
    form = SigningForm({"signed_on": "2024-02-03", "name": "abcdefgh", "count": "x"})

    assert form.errors["name"] == ["Nom : 5 caractères au plus."]
    assert form.errors["count"] == ["Nombre : saisissez un nombre entier."]
    assert SigningForm({"signed_on": "2024-02-03"}).errors["name"] == ["Nom : ce champ est obligatoire."]


def test_the_base_form_renders_dsfr_markup_and_marks_the_required_fields():
    html = str(SigningForm())

    assert 'class="fr-input-group"' in html and 'class="fr-input"' in html
    assert 'type="date"' in html
    # The required fields carry the asterisk, the optional ones nothing (the same on every page).
    assert html.count("fr-required-marker") == 2


@pytest.fixture
def bethune_and_beuvry(db):
    return (
        CommuneFactory(code="62119", name="Béthune", population=25_000),
        CommuneFactory(code="62126", name="Beuvry", population=9_000),
    )


def test_the_picker_resolves_a_single_match_of_the_search(bethune_and_beuvry):
    bethune, _ = bethune_and_beuvry

    form = CommunePickForm({"commune_query": "bethune"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune_obj"] == bethune


def test_the_picker_resolves_the_commune_ticked_by_its_code(bethune_and_beuvry):
    _, beuvry = bethune_and_beuvry

    form = CommunePickForm({"commune_query": "be", "commune": "62126"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune_obj"] == beuvry


def test_the_picker_asks_to_choose_among_several_matches_and_says_when_none(bethune_and_beuvry):
    several = CommunePickForm({"commune_query": "be"})
    none = CommunePickForm({"commune_query": "zzz"})

    assert several.errors["commune"] == [
        "Commune : plusieurs communes correspondent, choisissez la vôtre dans la liste."
    ]
    assert [c.code for c in several.candidates] == ["62119", "62126"]
    assert none.errors["commune_query"] == ["Commune : aucune commune ne correspond à « zzz »."]


def test_the_picker_answers_htmx_with_the_matches_keeping_the_form_prefix(bethune_and_beuvry):
    request = RequestFactory().get("/page", {"form-0-commune_query": "be"}, HTTP_HX_REQUEST="true")

    response = commune_suggestions(request, search_url="/page")

    html = response.content.decode()
    assert 'name="form-0-commune"' in html and "Béthune (62119)" in html and "Beuvry (62126)" in html
    assert "HX-Request" in response["Vary"]
    assert commune_suggestions(RequestFactory().get("/page", {"commune_query": "be"}), search_url="/page") is None


def test_a_breadcrumb_lists_its_links_then_the_current_page():
    assert breadcrumb("Adhésion", ("Accueil", "/"), ("Ma CPTS", "/cpts/")) == {
        "links": [{"title": "Accueil", "url": "/"}, {"title": "Ma CPTS", "url": "/cpts/"}],
        "current": "Adhésion",
    }


def test_htmx_asks_for_a_part_but_a_history_restore_wants_the_full_page():
    factory = RequestFactory()

    assert is_htmx(factory.get("/", HTTP_HX_REQUEST="true"))
    assert not is_htmx(factory.get("/"))
    assert not is_htmx(factory.get("/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"))


def test_a_page_that_answers_htmx_varies_on_its_header():
    assert vary_on_htmx(HttpResponse())["Vary"] == "HX-Request"


def test_amount_and_number_fields_read_french_decimals_and_name_their_field():
    from decimal import Decimal

    from maillon.www.toolkit.forms import MaillonForm, amount_field, number_field

    class Form(MaillonForm):
        amount = amount_field("Montant (€)")
        value = number_field("Valeur", required=True)

    form = Form(data={"amount": "1500,50", "value": "12,5"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": Decimal("1500.50"), "value": Decimal("12.5")}

    form = Form(data={"amount": "-3", "value": "douze"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["Montant (€) : le montant doit être positif."]
    assert form.errors["value"] == ["Valeur : un nombre est attendu."]
    assert Form(data={"amount": "abc", "value": ""}).errors == {
        "amount": ["Montant (€) : saisissez un montant en euros, par exemple 20 ou 20,50."],
        "value": ["Valeur : indiquez une valeur."],
    }
