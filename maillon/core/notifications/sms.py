"""SMS providers behind one interface (every message, crisis alerts included), chosen by the
setting `MAILLON_SMS_BACKEND`.

A provider is called with an idempotency key and must send a key at most once: a worker
that died after a send but before recording it hands the same key again, and the provider
answers with the first message's id without sending. Real SMS providers (and e-mail APIs)
take the key as an `Idempotency-Key` header (or their own client reference field) and
dedupe on their side; a backend for one of them only has to pass it on.

`ConsoleSmsBackend` (development, tests, the benchmark) writes each SMS to its stream and
remembers the keys it sent — in memory, and in a ledger file when the environment gives
`MAILLON_SMS_CONSOLE_LEDGER`, shared by every process under an exclusive file lock.
`FileSmsBackend` (`make run`) writes each SMS to a file of its own instead.
"""

import fcntl
import os
import sys
import threading
import uuid
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider refused or failed: the delivery is retried later with the same key."""


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        """Send `body` to `to` (E.164) once per key; return the provider's message id."""
        ...


class ConsoleSmsBackend:
    _sent: dict[str, str] = {}
    _lock = threading.Lock()

    def __init__(self, stream=None, ledger: str | None = None):
        self.stream = stream or sys.stdout
        self.ledger = ledger if ledger is not None else os.environ.get("MAILLON_SMS_CONSOLE_LEDGER", "")

    def send(self, *, to: str, body: str, idempotency_key: str) -> str:
        if self.ledger:
            return self._send_with_ledger(to, body, idempotency_key)
        with self._lock:
            if idempotency_key in self._sent:
                return self._sent[idempotency_key]
            message_id = self._write(to, body)
            self._sent[idempotency_key] = message_id
            return message_id

    def _write(self, to, body) -> str:
        message_id = f"console-{uuid.uuid4().hex}"
        self.stream.write(f"--- SMS {message_id} à {to}\n{body}\n")
        self.stream.flush()
        return message_id

    def _send_with_ledger(self, to, body, key) -> str:
        """One line per call: `sent <key> <id>` or `repeat <key> <id>` (a repeat is not sent)."""
        with open(self.ledger, "a+", encoding="utf-8") as ledger:
            fcntl.flock(ledger, fcntl.LOCK_EX)
            try:
                ledger.seek(0)
                for line in ledger:
                    kind, sent_key, message_id = line.split()
                    if kind == "sent" and sent_key == key:
                        ledger.write(f"repeat {key} {message_id}\n")
                        return message_id
                message_id = self._write(to, body)
                ledger.write(f"sent {key} {message_id}\n")
                ledger.flush()  # in the OS's hands: a killed process loses nothing
                return message_id
            finally:
                fcntl.flock(ledger, fcntl.LOCK_UN)

    @classmethod
    def forget(cls):
        """For tests: forget the keys sent in this process."""
        with cls._lock:
            cls._sent.clear()


class FileSmsBackend(ConsoleSmsBackend):
    """Each SMS in a file of its own under `MAILLON_SMS_FILE_PATH` (`make run`: nothing
    personal on the console), as Django's file-based e-mail backend does for e-mails."""

    def _write(self, to, body) -> str:
        message_id = f"file-{uuid.uuid4().hex}"
        folder = settings.MAILLON_SMS_FILE_PATH
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{message_id}.txt"), "w", encoding="utf-8") as handle:
            handle.write(f"À : {to}\n\n{body}\n")
        return message_id


def get_backend() -> SmsBackend:
    return import_string(settings.MAILLON_SMS_BACKEND)()


def read_ledger(path) -> dict[str, list[str]]:
    """{key: ["sent" | "repeat", …]} of a console ledger (tests and benchmark)."""
    calls: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as ledger:
        for line in ledger:
            kind, key, _ = line.split()
            calls.setdefault(key, []).append(kind)
    return calls
