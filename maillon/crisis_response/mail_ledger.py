"""An e-mail backend for the benchmark and the reliability test: like SMTP it sends every
message it is handed (no idempotency), and appends `sent <Message-ID>` to the ledger file
named by `MAILLON_EMAIL_LEDGER`, shared by worker processes, so duplicates can be counted."""

import fcntl
import os

from django.core.mail.backends.base import BaseEmailBackend


class LedgerEmailBackend(BaseEmailBackend):
    def __init__(self, *args, timeout=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.timeout = timeout
        self.ledger = os.environ.get("MAILLON_EMAIL_LEDGER", "")

    def send_messages(self, email_messages):
        with open(self.ledger, "a", encoding="utf-8") as ledger:
            fcntl.flock(ledger, fcntl.LOCK_EX)
            try:
                for message in email_messages:
                    ledger.write(f"sent {message.extra_headers.get('Message-ID', '-')}\n")
                ledger.flush()
            finally:
                fcntl.flock(ledger, fcntl.LOCK_UN)
        return len(email_messages)


def read_ledger(path) -> dict[str, int]:
    """{Message-ID: how many times sent}."""
    counts: dict[str, int] = {}
    if not os.path.exists(path):
        return counts
    with open(path, encoding="utf-8") as ledger:
        for line in ledger:
            _, message_id = line.split()
            counts[message_id] = counts.get(message_id, 0) + 1
    return counts
