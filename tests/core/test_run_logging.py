"""What `make run` writes on the console: one line per request and per task, nothing personal."""

import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.mail import send_mail
from django_tasks import task

from maillon.core.notifications.sms import FileSmsBackend

ROOT = Path(__file__).resolve().parents[2]


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def server_lines():
    logger = logging.getLogger("django.server")
    handler = Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def access(line, status="200", size="512"):
    """What runserver's request handler logs for one request."""
    level = logging.WARNING if status.startswith("4") else logging.INFO
    logging.getLogger("django.server").log(level, '"%s" %s %s', line, status, size)


def test_the_access_line_keeps_no_query_string(server_lines):
    access("GET /annuaire/?q=martin&email=alice.martin%40example.org HTTP/1.1")
    assert server_lines == ['"GET /annuaire/ HTTP/1.1" 200 512']


def test_the_tokens_of_private_links_are_masked(server_lines):
    access("GET /compte/mot-de-passe/MQ/cgbx3k-5e8a2c1f0b9d7e6a4c3b2a/ HTTP/1.1", "302")
    access("GET /medecin-traitant/suivi/eyJpZCI6MTJ9:1vNx2Q:abcDEF123/ HTTP/1.1")
    access("GET /cpts/plaine-de-versailles/snp/flux/k8Jd93hdL0sPq2xZ7wY1.ics HTTP/1.1")
    assert server_lines == [
        '"GET /compte/mot-de-passe/MQ/…/ HTTP/1.1" 302 512',
        '"GET /medecin-traitant/suivi/…/ HTTP/1.1" 200 512',
        '"GET /cpts/plaine-de-versailles/snp/flux/….ics HTTP/1.1" 200 512',
    ]


def test_the_patients_own_link_is_masked_whole(server_lines, db):
    """Its token starts with the patient's id and a dot: the whole segment goes."""
    from maillon.mt.factories import PatientFactory
    from maillon.mt.services import private_link_token

    token = private_link_token(PatientFactory())
    access(f"GET /medecin-traitant/suivi/{token}/ HTTP/1.1")
    access(f"GET /medecin-traitant/suivi/{token}/mes-donnees.json HTTP/1.1")
    assert server_lines == [
        '"GET /medecin-traitant/suivi/…/ HTTP/1.1" 200 512',
        '"GET /medecin-traitant/suivi/…/mes-donnees.json HTTP/1.1" 200 512',
    ]


def test_static_files_are_logged_only_when_they_fail(server_lines):
    access("GET /static/dsfr/dist/dsfr.min.css HTTP/1.1")
    access("GET /static/vendor/leaflet/dist/leaflet.css HTTP/1.1", "304")
    access("GET /static/absent.css HTTP/1.1", "404")
    assert server_lines == ['"GET /static/absent.css HTTP/1.1" 404 512']


def test_a_missing_page_is_one_line_not_two(client, caplog, db):
    with caplog.at_level(logging.INFO):
        assert client.get("/cette-page-n-existe-pas/?email=alice@example.org").status_code == 404
    assert [r for r in caplog.records if r.name == "django.request"] == []


@task()
def quiet_task():
    return None


def test_a_task_run_is_one_line_saying_how_it_ended(caplog):
    with caplog.at_level(logging.INFO, logger="django_tasks"):
        quiet_task.enqueue()
    lines = [record.getMessage() for record in caplog.records if record.name == "django_tasks"]
    assert len(lines) == 1
    assert "test_run_logging.quiet_task" in lines[0]
    assert "SUCCESSFUL" in lines[0]


def test_in_run_mode_an_email_goes_to_a_file_not_to_the_console(settings, tmp_path, capfd):
    """`make run` sets EMAIL_BACKEND to the file-based backend, EMAIL_FILE_PATH under var/."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mails"
    send_mail("Votre invitation", "Bonjour Alice, voici votre lien.", None, ["alice.martin@example.org"])
    out, err = capfd.readouterr()
    assert "alice.martin@example.org" not in out + err
    assert "Bonjour Alice" not in out + err
    [mail] = (tmp_path / "mails").iterdir()
    assert "Bonjour Alice" in mail.read_text()


def test_in_run_mode_an_sms_goes_to_a_file_not_to_the_console(settings, tmp_path, capfd):
    settings.MAILLON_SMS_FILE_PATH = tmp_path / "sms"
    FileSmsBackend.forget()
    message_id = FileSmsBackend().send(to="+33612345678", body="Alerte : crue", idempotency_key="k1")
    assert FileSmsBackend().send(to="+33612345678", body="Alerte : crue", idempotency_key="k1") == message_id
    out, err = capfd.readouterr()
    assert "+33612345678" not in out + err
    [sms] = (tmp_path / "sms").iterdir()
    assert "Alerte : crue" in sms.read_text()
    FileSmsBackend.forget()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_sends_emails_and_sms_to_files_and_serves_over_plain_http():
    # A probe added as a prerequisite of `run` prints what it sees, then stops make before the
    # servers start (as in tests/notifications/test_site_url_follows_the_port.py).
    names = ["EMAIL_BACKEND", "EMAIL_FILE_PATH", "MAILLON_SMS_BACKEND", "DJANGO_SECURE_COOKIES", "DJANGO_DEBUG"]
    environment = {name: value for name, value in os.environ.items() if name not in names}
    probe = subprocess.run(
        ["make", "-o", "setup", "--eval", "run: probe", "--eval", "probe: ; @env; exit 3", "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
    )
    seen = dict(line.split("=", 1) for line in probe.stdout.splitlines() if "=" in line)
    assert seen["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert seen["EMAIL_FILE_PATH"] == str(ROOT / "var" / "mails")
    assert seen["MAILLON_SMS_BACKEND"] == "maillon.core.notifications.sms.FileSmsBackend"
    assert seen["DJANGO_SECURE_COOKIES"] == "0"
    assert "DJANGO_DEBUG" not in seen  # off, as in production


def test_a_server_error_logs_its_path_without_the_token(caplog):
    from maillon.core.logs import ErrorPathFilter

    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        ("/crise/accuse/ab12:cd34:ef56/",),
        None,
    )
    assert ErrorPathFilter().filter(record)
    assert record.getMessage() == "Internal Server Error: /crise/accuse/…/"
