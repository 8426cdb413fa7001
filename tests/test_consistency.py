"""Project-wide rules: every model has a factory, every template is used."""

import importlib
import re
from pathlib import Path

import factory
from django.apps import apps
from django.conf import settings

# Internal rows that only exist inside one function (see JournalEntry.purge_older_than).
NO_FACTORY_NEEDED = {"core.JournalPurgePermit"}


def project_models():
    return [model for model in apps.get_models() if model.__module__.startswith("maillon.")]


def factory_models():
    models = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("maillon."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.factories")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory):
                model = value._meta.model
                if isinstance(model, str):
                    model = apps.get_model(model)
                if model is not None:
                    models.add(model._meta.label)
    return models


def test_every_model_has_a_factory():
    missing = {m._meta.label for m in project_models()} - factory_models() - NO_FACTORY_NEEDED
    assert not missing, f"Models without a factory: {sorted(missing)}"


def test_every_template_of_the_project_is_used():
    root = Path(settings.BASE_DIR) / "maillon"
    files = [path for pattern in ("**/*.py", "**/*.html", "**/*.txt") for path in root.glob(pattern)]
    sources = "\n".join(path.read_text(encoding="utf-8") for path in files)
    unused = []
    for template_dir in root.glob("*/templates"):
        for template in template_dir.rglob("*.html"):
            name = template.relative_to(template_dir).as_posix()
            if name == "base.html" or re.fullmatch(r"\d{3}\.html", name):
                continue  # used by Django itself (base of every page, error pages)
            if not re.search(re.escape(name), sources) and not re.search(re.escape(Path(name).name), sources):
                unused.append(name)
    assert not unused, f"Templates used nowhere: {sorted(unused)}"
