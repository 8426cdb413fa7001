"""Two worker processes, one killed mid-dispatch: every alert goes out, none twice.

PostgreSQL only: the workers are separate processes on a shared database (rows claimed
with SELECT … FOR UPDATE SKIP LOCKED). The console SMS backend keeps its ledger in a file
shared by the processes: `sent` for a message sent, `repeat` for a key handed again, which
the provider does not send. E-mails go to a ledger too, like SMTP without idempotency: a
Message-ID written twice is an e-mail sent twice.
"""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from maillon.core.notifications.models import Channel
from maillon.crisis_response import dispatch
from maillon.crisis_response.factories import CrisisFactory
from maillon.crisis_response.mail_ledger import read_ledger as read_mail_ledger
from maillon.crisis_response.models import AlertDelivery, DeliveryStatus
from maillon.crisis_response.sms import read_ledger

from .bulk import sms_only_members

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes need PostgreSQL (SKIP LOCKED)"),
]

COUNT = 200
WITH_EMAIL = 60


def worker(ledger, mail_ledger, *args):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MAILLON_SMS_BACKEND": "maillon.crisis_response.sms.ConsoleSmsBackend",
        "MAILLON_SMS_CONSOLE_LEDGER": str(ledger),
        "EMAIL_BACKEND": "maillon.crisis_response.mail_ledger.LedgerEmailBackend",
        "MAILLON_EMAIL_LEDGER": str(mail_ledger),
    }
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "crisis_dispatch", "--batch", "20", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process) -> tuple[int, str]:
    _, errors = process.communicate(timeout=120)
    return process.returncode, errors.decode()


def ledger_lines(ledger):
    return sum(len(calls) for calls in read_ledger(ledger).values()) if ledger.exists() else 0


def test_a_worker_killed_mid_dispatch_loses_no_alert_and_none_is_sent_twice(settings, tmp_path, cpts):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # the workers send
    crisis = CrisisFactory(cpts=cpts)
    # The e-mails first: the worker dies in a batch holding some.
    professionals = sms_only_members(cpts, WITH_EMAIL, start=600_000, with_email=True)
    professionals += sms_only_members(cpts, COUNT - WITH_EMAIL)
    dispatch.alert_level(crisis, 1, professionals)
    ledger, mail_ledger = tmp_path / "sms-ledger.txt", tmp_path / "mail-ledger.txt"

    doomed = worker(ledger, mail_ledger, "--die-after", "30", "--lease-seconds", "3")
    deadline = time.monotonic() + 60
    while ledger_lines(ledger) < 5 and time.monotonic() < deadline and doomed.poll() is None:
        time.sleep(0.05)
    survivor = worker(ledger, mail_ledger, "--wait", "--lease-seconds", "3", "--timeout", "90")
    doomed_code, doomed_errors = finish(doomed)
    survivor_code, survivor_errors = finish(survivor)
    assert doomed_code == 3, doomed_errors  # killed after its 30th send
    assert survivor_code == 0, survivor_errors

    calls = read_ledger(ledger)
    keys = set(AlertDelivery.objects.filter(channel=Channel.SMS).values_list("idempotency_key", flat=True))
    assert set(calls) == keys and len(keys) == COUNT  # every SMS went out
    assert all(kinds.count("sent") == 1 for kinds in calls.values())  # none twice
    emails = read_mail_ledger(mail_ledger)
    assert len(emails) == WITH_EMAIL  # every e-mail went out
    assert all(times == 1 for times in emails.values())  # none twice, though SMTP would send a repeat
    assert AlertDelivery.objects.exclude(status=DeliveryStatus.SENT).count() == 0
