"""`make run PORT=…` sets the one site URL of the links in messages (and of the demo's
credentials file) to that port."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_exports_the_site_url_of_its_port_to_every_step():
    # A probe added as a prerequisite of `run` (like `demo`, which writes var/demo-credentials.json)
    # prints what it sees, then stops make before the servers start; `setup` is not remade.
    probe = subprocess.run(
        [
            "make",
            "PORT=8811",
            "-o",
            "setup",
            "--eval",
            "run: probe",
            "--eval",
            "probe: ; @echo SITE=$$MAILLON_SITE_URL; exit 3",
            "run",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "SITE=http://127.0.0.1:8811" in probe.stdout


def test_links_in_messages_use_the_site_url(settings):
    from maillon.core.notifications.sending import absolute

    settings.SITE_URL = "http://127.0.0.1:8811/"
    assert absolute("/compte/") == "http://127.0.0.1:8811/compte/"
