"""Two worker processes, one killed mid-dispatch: every alert goes out, none twice.

PostgreSQL only: the workers are separate processes on a shared database (rows claimed
with SELECT … FOR UPDATE SKIP LOCKED). The console SMS backend keeps its ledger in a file
shared by the processes: `sent` for a message sent, `repeat` for a key handed again (after
the kill), which the provider does not send.
"""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from maillon.crisis_response import dispatch
from maillon.crisis_response.factories import CrisisFactory
from maillon.crisis_response.models import AlertDelivery, DeliveryStatus
from maillon.crisis_response.sms import read_ledger

from .bulk import sms_only_members

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes need PostgreSQL (SKIP LOCKED)"),
]

COUNT = 200


def worker(ledger, *args):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MAILLON_SMS_BACKEND": "maillon.crisis_response.sms.ConsoleSmsBackend",
        "MAILLON_SMS_CONSOLE_LEDGER": str(ledger),
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
    dispatch.alert_level(crisis, 1, sms_only_members(cpts, COUNT))
    ledger = tmp_path / "sms-ledger.txt"

    doomed = worker(ledger, "--die-after", "30", "--lease-seconds", "3")
    deadline = time.monotonic() + 60
    while ledger_lines(ledger) < 5 and time.monotonic() < deadline and doomed.poll() is None:
        time.sleep(0.05)
    survivor = worker(ledger, "--wait", "--lease-seconds", "3", "--timeout", "90")
    doomed_code, doomed_errors = finish(doomed)
    survivor_code, survivor_errors = finish(survivor)
    assert doomed_code == 3, doomed_errors  # killed after its 30th send
    assert survivor_code == 0, survivor_errors

    calls = read_ledger(ledger)
    keys = set(AlertDelivery.objects.values_list("idempotency_key", flat=True))
    assert set(calls) == keys and len(keys) == COUNT  # every alert went out
    assert all(kinds.count("sent") == 1 for kinds in calls.values())  # none twice
    assert any("repeat" in kinds for kinds in calls.values())  # the dead worker's sends were taken over
    assert AlertDelivery.objects.exclude(status=DeliveryStatus.SENT).count() == 0
