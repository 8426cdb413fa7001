"""The SMS providers moved to `maillon.core.notifications.sms` (every channel of every message
lives there); kept here so that older settings and imports still work."""

from maillon.core.notifications.sms import ConsoleSmsBackend, SmsBackend, SmsError, get_backend, read_ledger

__all__ = ["ConsoleSmsBackend", "SmsBackend", "SmsError", "get_backend", "read_ledger"]
