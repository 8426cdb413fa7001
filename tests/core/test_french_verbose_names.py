"""Every model the project declares, and every third-party model the admin shows, is named in
French: singular and plural, and each field. A field left without a name is called by Django
after its code name (`created_at` → « created at »): English, unless the word is French too."""

from django.apps import apps
from django.contrib import admin

# Code names that are French words as they are: Django's default name for them is right.
FRENCH_AS_IS = {
    "action",
    "agenda",
    "arguments",
    "code",
    "commune",
    "conclusions",
    "conditions",
    "contact",
    "contour",
    "date",
    "description",
    "document",
    "inclusion",
    "invitation",
    "latitude",
    "longitude",
    "message",
    "mission",
    "note",
    "organisation",
    "patient",
    "permissions",
    "profession",
    "programme",
    "source",
    "structure",
    "version",
}

# Django's own apps are translated by Django; fields of theirs the admin never shows.
DJANGO_APPS = {"admin", "auth", "contenttypes", "sessions"}


def models_to_name():
    shown = {model for model in admin.site._registry if model._meta.app_label not in DJANGO_APPS}
    project = {model for model in apps.get_models() if model.__module__.startswith("maillon.")}
    return sorted(project | shown, key=lambda model: model._meta.label)


def default_plural(meta):
    return f"{meta.verbose_name}s"


def test_every_project_model_declares_its_french_names():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("maillon.")
        and not {"verbose_name", "verbose_name_plural"} <= set(model._meta.original_attrs)
    ]
    assert missing == [], "Meta without verbose_name and verbose_name_plural"


def test_no_model_shows_a_plural_made_by_adding_an_s():
    # « Jeton d'APIs », « Document fondateurs », « TOTP devices »: Django's default plural.
    wrong = []
    for model in models_to_name():
        meta = model._meta
        declared = "verbose_name_plural" in meta.original_attrs
        if not declared and str(meta.verbose_name_plural) == default_plural(meta):
            wrong.append(model._meta.label)
    assert wrong == []


def test_no_field_is_named_by_its_english_code_name():
    wrong = []
    for model in models_to_name():
        for field in model._meta.get_fields():
            if not field.concrete or (field.auto_created and not field.primary_key):
                continue
            code_name = field.name.replace("_", " ")
            if str(field.verbose_name) == code_name and field.name not in FRENCH_AS_IS:
                wrong.append(f"{model._meta.label}.{field.name}")
    assert wrong == []


def test_third_party_apps_and_models_shown_in_the_admin_are_french():
    english = {"TOTP device", "TOTP devices", "Task Result", "Task Results", "Otp_Totp", "Tasks Database Backend"}
    names = set()
    for model in admin.site._registry:
        meta = model._meta
        names |= {str(meta.verbose_name), str(meta.verbose_name_plural), str(meta.app_config.verbose_name)}
    assert names & english == set()
