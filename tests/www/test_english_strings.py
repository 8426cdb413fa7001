"""No page says Django's or the admin's English (tests/www/english.py): the French error pages,
a form with errors, and the admin (index, every list, add and change page) as a superuser."""

import importlib

import factory
import pytest
from django.contrib import admin
from django.test import Client, override_settings
from django.urls import reverse

from maillon.core.factories import UserFactory
from maillon.members.factories import CollegeFactory
from tests.conftest import verified_client

from .english import ENGLISH_STRINGS, english_strings_in, visible_text


def test_the_checker_reads_the_visible_text_only():
    html = (
        '<html><head><title>Maillon</title><style>.Forbidden{}</style></head><body class="Log out">'
        '<a href="/log-out/" title="View site" aria-label="Add another">Accueil</a>'
        '<script>const label = "This field is required";</script><code>Traceback</code>'
        "<p>Tout va bien</p></body></html>"
    )
    assert english_strings_in(html) == []


def test_the_checker_finds_english_in_text_titles_and_options():
    html = (
        "<title>Page not found</title><p>Welcome, <strong>admin</strong>.</p>"
        '<select><option value="">---------</option></select><th>RECORDED BY</th>'
    )
    assert {"Page not found", "Welcome,", "---------", "Recorded by"} <= set(english_strings_in(html))


def test_words_split_across_tags_do_not_make_a_phrase():
    assert english_strings_in("<span>Log</span><span>out</span>") == []
    assert "Log\nout" in visible_text("<span>Log</span><span>out</span>")


def test_the_list_has_no_duplicate():
    assert len(ENGLISH_STRINGS) == len({string.lower() for string in ENGLISH_STRINGS})


# --- The product's pages ------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_the_404_page_is_french():
    response = Client().get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page non trouvée" in html
    assert english_strings_in(html) == []


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_the_403_pages_are_french(cpts, member):
    refused = verified_client(member).post(reverse("governance_elections", args=[cpts.slug]), {"action": "create"})
    assert refused.status_code == 403
    assert english_strings_in(refused.content.decode()) == []
    csrf = Client(enforce_csrf_checks=True).post("/compte/connexion/", {"username": "x"})
    assert csrf.status_code == 403
    assert english_strings_in(csrf.content.decode()) == []


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_form_with_errors_is_french(cpts, coordinator):
    CollegeFactory(cpts=cpts, name="Médecins")
    url = reverse("governance_elections", args=[cpts.slug])
    response = verified_client(coordinator).post(url, {"action": "create", "seats": "zéro", "opens_at": "demain"})
    html = response.content.decode()
    assert "ce champ est obligatoire" in html or "indiquez" in html
    assert english_strings_in(html) == []


# --- The admin ----------------------------------------------------------------------------


def factory_of(model):
    """The project's factory of `model` (every model has one: tests/test_consistency.py)."""
    try:
        module = importlib.import_module(f"{model._meta.app_config.name}.factories")
    except ModuleNotFoundError:
        return None
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
            declared = value._meta.model
            if declared is model or declared == model._meta.label:
                return value
    return None


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True, with_totp=True)


@pytest.fixture
def superuser_client(superuser):
    return verified_client(superuser)


@pytest.mark.django_db
def test_the_admin_index_is_french(superuser_client):
    html = superuser_client.get(reverse("admin:index")).content.decode()
    assert "Administration de la plateforme" in html
    assert english_strings_in(html) == []


@pytest.mark.django_db
# django-dsfr's site configuration has URL fields: Django 5.2 warns of its 6.0 default scheme.
@pytest.mark.filterwarnings(
    "ignore:The default scheme will be changed:django.utils.deprecation.RemovedInDjango60Warning"
)
def test_every_admin_list_add_and_change_page_is_french(superuser, superuser_client, rf):
    request = rf.get("/")
    request.user = superuser
    english = {}
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if meta.app_label in {"auth"}:
            continue  # Django's own, translated by Django
        model_factory = factory_of(model)
        if model_factory is not None:
            model_factory()
        urls = [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")]
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.first()
        if first is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk]))
        for url in urls:
            response = superuser_client.get(url)
            assert response.status_code == 200, url
            found = english_strings_in(response.content.decode())
            if found:
                english[url] = found
    assert english == {}
