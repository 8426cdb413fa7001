"""SMS providers for the tests: they record every call and, like a real provider, send a key once."""


class RecordingSms:
    calls: list[tuple[str, str]] = []  # (key, "sent" | "repeat")
    sent: dict[str, str] = {}
    failures_left = 0

    def send(self, *, to, body, idempotency_key):
        cls = type(self)
        if cls.failures_left > 0:
            cls.failures_left -= 1
            raise ConnectionError("provider down")
        if idempotency_key in cls.sent:
            cls.calls.append((idempotency_key, "repeat"))
            return cls.sent[idempotency_key]
        cls.calls.append((idempotency_key, "sent"))
        cls.sent[idempotency_key] = f"id-{len(cls.sent)}"
        return cls.sent[idempotency_key]

    @classmethod
    def reset(cls, failures=0):
        cls.calls, cls.sent, cls.failures_left = [], {}, failures


class TimeoutRecordingEmailBackend:
    """Remembers the timeout each connection was opened with; sends nothing."""

    timeouts: list = []

    def __init__(self, *args, timeout=None, **kwargs):
        type(self).timeouts.append(timeout)

    def send_messages(self, messages):
        return len(messages)
