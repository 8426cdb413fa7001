"""Settings read from the environment: DEBUG off unless asked for, a local secret key under var/."""

import importlib
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

import maillon.settings as settings_module
from maillon.settings import local_secret_key


def test_the_local_secret_key_is_generated_once_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "var" / "secret-key"
    key = local_secret_key(path)
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local_secret_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret-key"]  # no draft left behind


def test_a_key_already_there_is_kept(tmp_path):
    path = tmp_path / "secret-key"
    path.write_text("k" * 60 + "\n")
    assert local_secret_key(path) == "k" * 60


def test_a_truncated_key_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "secret-key"
    path.write_text("court\n")
    with pytest.raises(ImproperlyConfigured, match="supprimez le fichier"):
        local_secret_key(path)


@pytest.fixture
def reload_settings(monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.delenv("DJANGO_SECURE_COOKIES", raising=False)
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS", raising=False)
    yield lambda: importlib.reload(settings_module)
    monkeypatch.undo()
    importlib.reload(settings_module)


def test_without_environment_debug_is_off_cookies_are_secure_and_the_key_is_the_local_one(reload_settings):
    module = reload_settings()
    assert module.DEBUG is False
    assert module.SESSION_COOKIE_SECURE is True
    assert (module.VAR_DIR / "secret-key").read_text().strip() == module.SECRET_KEY


def test_the_environment_turns_debug_on_and_gives_the_production_key(reload_settings, monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "a-production-key-" + "x" * 40)
    module = reload_settings()
    assert module.DEBUG is True
    assert module.SECRET_KEY == "a-production-key-" + "x" * 40


def test_make_run_can_serve_cookies_over_plain_http(reload_settings, monkeypatch):
    monkeypatch.setenv("DJANGO_SECURE_COOKIES", "0")
    module = reload_settings()
    assert module.DEBUG is False
    assert module.SESSION_COOKIE_SECURE is False
    assert module.CSRF_COOKIE_SECURE is False
    assert {"127.0.0.1", "localhost"} <= set(module.ALLOWED_HOSTS)


def test_a_deployment_without_its_secret_key_refuses_to_start(reload_settings, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "maillon.example.org")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY doit être défini"):
        reload_settings()
    monkeypatch.setenv("DJANGO_SECRET_KEY", "a-production-key-" + "x" * 40)
    assert reload_settings().SECRET_KEY == "a-production-key-" + "x" * 40
