"""`manage.py check --deploy` is clean with the production settings of docs/operations.md
(issue 19): run in a fresh process, as a production server would start, warnings fail."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def production_environment() -> dict[str, str]:
    """The environment of a production server, as docs/operations.md gives it (« En-têtes HTTP
    et sessions »: the block that `check --deploy` must pass), with a real random secret key."""
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = operations.split("### En-têtes HTTP et sessions", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    environment = {}
    for line in block.splitlines():
        name, _, value = line.split("#", 1)[0].strip().partition("=")
        if name:
            environment[name] = value
    assert environment.pop("DJANGO_SECRET_KEY").startswith("<50 caractères")
    return {**environment, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}


PRODUCTION = production_environment()


def check_deploy(tmp_path, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "MAILLON_", "DATABASE_URL", "PYTEST", "COV_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        **environment,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_pass_check_deploy_without_a_warning(tmp_path):
    done = check_deploy(tmp_path, **PRODUCTION)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_check_fails_on_a_weak_configuration(tmp_path):
    """The same check with HSTS off and no redirect: it must fail, or the test above proves nothing."""
    weak = {**PRODUCTION, "DJANGO_SECURE_HSTS_SECONDS": "0", "DJANGO_SECURE_SSL_REDIRECT": "false"}
    done = check_deploy(tmp_path, **weak)

    assert done.returncode != 0
    assert "security.W004" in done.stderr + done.stdout  # no HSTS
    assert "security.W008" in done.stderr + done.stdout  # no HTTPS redirect


def test_the_documented_production_environment_sets_what_the_check_needs():
    assert len(PRODUCTION["DJANGO_SECRET_KEY"]) >= 50
    assert PRODUCTION["DJANGO_ALLOWED_HOSTS"] and PRODUCTION["DJANGO_CSRF_TRUSTED_ORIGINS"].startswith("https://")
    assert PRODUCTION["DJANGO_SECURE_COOKIES"] == PRODUCTION["DJANGO_SECURE_SSL_REDIRECT"] == "true"
