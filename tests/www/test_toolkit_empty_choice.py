"""The empty choice of a select reads « — Choisir — », never Django's « --------- »: the rule
of MaillonForm for every form of the pages, and of the admin (core.admin.MaillonAdmin)."""

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse

from maillon.core.admin import FrenchChoicesMixin
from maillon.core.factories import UserFactory
from maillon.core.forms import EMPTY_CHOICE_LABEL
from maillon.core.models import Cpts
from maillon.members.factories import CollegeFactory
from maillon.territories.models import TerritoryRole
from maillon.www.toolkit.forms import MaillonForm
from tests.conftest import verified_client


class PickForm(MaillonForm):
    cpts = forms.ModelChoiceField(label="CPTS", queryset=Cpts.objects.all())
    role = forms.TypedChoiceField(label="Rôle", choices=[("", "---------"), ("a", "A")], required=False)
    kind = forms.ChoiceField(label="Type", choices=[("", "Tous les types"), ("a", "A")], required=False)
    named = forms.ModelChoiceField(label="Nommée", queryset=Cpts.objects.all(), empty_label="Aucune")
    late = forms.ChoiceField(label="Plus tard")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A subclass sets its choices after the base form's __init__.
        self.fields["late"].choices = [("", "---------"), ("x", "X")]


@pytest.mark.django_db
def test_every_select_of_a_maillon_form_says_choisir():
    html = str(PickForm())
    assert "---------" not in html
    assert html.count(EMPTY_CHOICE_LABEL) == 3  # cpts, role, late


@pytest.mark.django_db
def test_an_empty_label_the_form_chose_is_kept():
    html = str(PickForm())
    assert "Tous les types" in html and "Aucune" in html


@pytest.mark.django_db
def test_the_blank_choice_still_posts_an_empty_value():
    form = PickForm(data={"cpts": "", "role": "", "kind": "", "named": "", "late": "x"})
    assert not form.is_valid()
    assert form.errors["cpts"] == ["CPTS : ce champ est obligatoire."]
    assert "role" not in form.errors


@pytest.mark.django_db
def test_the_election_form_asks_to_choose_a_college(cpts, coordinator):
    CollegeFactory(cpts=cpts, name="Médecins")
    html = verified_client(coordinator).get(reverse("governance_elections", args=[cpts.slug])).content.decode()
    assert f'<option value="" selected>{EMPTY_CHOICE_LABEL}</option>' in html
    assert "---------" not in html


def test_every_admin_of_the_project_says_choisir():
    for model, model_admin in admin.site._registry.items():
        if model.__module__.startswith("maillon."):
            assert isinstance(model_admin, FrenchChoicesMixin), model._meta.label
            for inline in model_admin.inlines:
                assert issubclass(inline, FrenchChoicesMixin), inline


@pytest.mark.django_db
def test_an_admin_form_says_choisir(rf):
    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form = admin.site._registry[TerritoryRole].get_form(request)()
    html = str(form)
    assert EMPTY_CHOICE_LABEL in html and "---------" not in html
