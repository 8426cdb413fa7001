"""Benchmark of the crisis alert outbox: 2 000 SMS alerts (plus an e-mail for one member in
four) sent by two worker processes with the console SMS backend and a ledger e-mail backend
(SMTP-like: no idempotency), then the same with one worker killed halfway through its share.

    .venv/bin/python bench/alerts.py [--alerts 2000] [--lease-seconds 10] [--database-url postgres://…/throwaway]

The run needs a database of its own, shared by worker processes: by default a fresh SQLite
file in a temporary directory (migrated here, removed at the end); `--database-url` names a
throwaway PostgreSQL database instead (migrated, written to, never cleaned: the journal is
append-only). Each run is timed from the start of the workers to the last alert recorded
sent, worker start-up included; the killed run also waits for the dead worker's lease
(`--lease-seconds`) before another worker takes its rows over.

Printed: both times, their ratio (the cost of a crash), and for each run the SMS sent and
their duplicates (keys the console provider sent more than once: must be 0) read from the
provider's ledger, and the e-mails sent and their duplicates (Message-IDs written more than
once in the e-mail ledger: must be 0). Absolute times depend on the machine; compare the ratio.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alerts", type=int, default=2000)
    parser.add_argument("--lease-seconds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ["MAILLON_TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # the workers send
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillon.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def members(count):
    """`count` active members of a bench CPTS, a mobile number each: one SMS each, and an
    e-mail for one in four."""
    from stdnum import luhn

    from maillon.core.models import Cpts
    from maillon.members.models import Membership, MembershipStatus, Professional

    cpts = Cpts.objects.create(name=f"CPTS banc d'essai {time.time_ns()}")
    base = time.time_ns() % 10**6 * 1000

    def rpps(n):
        body = f"9{(base + n) % 10**9:09d}"
        return body + luhn.calc_check_digit(body)

    professionals = Professional.objects.bulk_create(
        [
            Professional(
                first_name="Prénom",
                last_name=f"Membre {n}",
                profession="60",
                rpps=rpps(n),
                phone=f"06 {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d} 00",
                email=f"membre.{n}@banc.invalid" if n % 4 == 0 else "",
            )
            for n in range(count)
        ],
        batch_size=500,
    )
    Membership.objects.bulk_create(
        [Membership(cpts=cpts, professional=p, status=MembershipStatus.ACTIVE) for p in professionals], batch_size=500
    )
    return cpts, professionals


def new_alert(cpts, professionals):
    from django.utils import timezone

    from maillon.crisis_response import dispatch
    from maillon.crisis_response.models import Crisis, DeclaredAs

    crisis = Crisis.objects.create(
        cpts=cpts, typology="sick", zone="Banc d'essai", started_at=timezone.now(), declared_as=DeclaredAs.COORDINATOR
    )
    dispatch.alert_level(crisis, 1, professionals)
    return crisis


def worker(args, ledger, *extra):
    env = {**os.environ, "MAILLON_SMS_CONSOLE_LEDGER": str(ledger)}
    env["EMAIL_BACKEND"] = "maillon.crisis_response.mail_ledger.LedgerEmailBackend"
    env["MAILLON_EMAIL_LEDGER"] = str(ledger.with_name(ledger.stem + "-mail.txt"))
    env["MAILLON_SMS_BACKEND"] = "maillon.crisis_response.sms.ConsoleSmsBackend"
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "crisis_dispatch",
        "--batch",
        str(args.batch),
        "--lease-seconds",
        str(args.lease_seconds),
        *extra,
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603


def run(args, cpts, professionals, ledger, *, kill_halfway):
    """(seconds, SMS sent, provider SMS, SMS duplicates, repeats, exit codes, e-mails sent,
    e-mail duplicates) of one dispatch of `len(professionals)` alerts."""
    from maillon.crisis_response.mail_ledger import read_ledger as read_mail_ledger
    from maillon.crisis_response.models import AlertDelivery, Channel, DeliveryStatus
    from maillon.crisis_response.sms import read_ledger

    crisis = new_alert(cpts, professionals)
    share = len(professionals) // 2
    started = time.perf_counter()
    # Killed halfway through its share, in the middle of a batch (sent, not yet recorded).
    die_after = share // 2 + args.batch // 2
    first = worker(args, ledger, *(["--die-after", str(die_after)] if kill_halfway else []))
    second = worker(args, ledger, "--wait", "--timeout", "600")
    codes = []
    for process in (first, second):
        _, errors = process.communicate(timeout=900)
        codes.append(process.returncode)
        if process.returncode not in (0, 3):
            print(errors.decode(), file=sys.stderr)
    seconds = time.perf_counter() - started
    deliveries = AlertDelivery.objects.filter(recipient__crisis=crisis)
    sms_rows, email_rows = deliveries.filter(channel=Channel.SMS), deliveries.filter(channel=Channel.EMAIL)
    keys = set(sms_rows.values_list("idempotency_key", flat=True))
    calls = {key: kinds for key, kinds in read_ledger(ledger).items() if key in keys}
    sent = sms_rows.filter(status=DeliveryStatus.SENT).count()
    duplicates = sum(1 for kinds in calls.values() if kinds.count("sent") > 1)
    repeats = sum(kinds.count("repeat") for kinds in calls.values())
    message_ids = {f"<alert-{key}@maillon>" for key in email_rows.values_list("idempotency_key", flat=True)}
    emails = {
        mid: n for mid, n in read_mail_ledger(ledger.with_name(ledger.stem + "-mail.txt")).items() if mid in message_ids
    }
    email_duplicates = sum(1 for n in emails.values() if n > 1)
    return seconds, sent, len(calls), duplicates, repeats, codes, len(emails), email_duplicates


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        database_url = args.database_url or f"sqlite:///{Path(scratch) / 'bench-alerts.sqlite3'}"
        setup_django(database_url)
        from django.db import connection

        cpts, professionals = members(args.alerts)
        ledger = Path(scratch) / "sms-ledger.txt"
        print(
            f"{args.alerts} SMS alerts + {(args.alerts + 3) // 4} e-mails, console SMS backend, 2 workers, "
            f"batches of {args.batch}, {connection.vendor}"
        )
        clean = run(args, cpts, professionals, ledger, kill_halfway=False)
        killed = run(args, cpts, professionals, ledger, kill_halfway=True)
        for label, (seconds, sent, provider_sent, duplicates, repeats, codes, emails, email_dups) in (
            ("no crash", clean),
            ("one worker killed halfway", killed),
        ):
            print(
                f"{label:>27}: {seconds:6.2f} s — alerts sent: {sent} (provider: {provider_sent}), "
                f"duplicates: {duplicates}, keys handed again after the crash: {repeats}, worker exits: {codes}; "
                f"e-mails sent: {emails}, e-mail duplicates: {email_dups}"
            )
        print(f"ratio killed / no crash: {killed[0] / clean[0]:.2f} (includes the {args.lease_seconds} s lease)")
        expected_emails = (args.alerts + 3) // 4
        ok = all(
            run_[1] == args.alerts and run_[3] == 0 and run_[6] == expected_emails and run_[7] == 0
            for run_ in (clean, killed)
        )
        ok = ok and 3 in killed[5]
        print("OK" if ok else "FAILED: alerts lost, sent twice, or the worker did not die")
        connection.close()
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
