"""Logging filters (settings.LOGGING): one short line per request and per task, nothing personal.

`RequestLineFilter` (runserver's `django.server` access line): the query string is cut (it
may carry a name, an e-mail address, a search), the tokens of private links (password reset,
invitation, unsubscribe, patient status, acknowledgement, calendar feed) are masked, and a
static file served without error is not logged (a page would otherwise cost a dozen lines).

`TaskFinishedOnlyFilter` (`django_tasks`, the worker's lines): a task run is logged once, when
it ends, with its state (django_tasks also logs its start); the task's arguments never are.
"""

import logging
import re

from django.conf import settings

MASK = "…"
# A path segment that is a secret rather than a name: a signed value (with ':'), or a long
# run of letters and digits mixed (a slug such as « plaine-de-versailles » has no digit).
SIGNED = re.compile(r"[:]")
LONG_MIXED = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_=.-]{16,}$")


def clean_path(path: str) -> str:
    """The path without its query string and with the tokens of private links masked: a segment
    is judged whole (the patient's link « 42.nonce:ts:sig » holds a dot); a calendar feed keeps
    its extension (« ….ics »)."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    return "/".join(masked(segment) for segment in path.split("/"))


def masked(segment: str) -> str:
    if SIGNED.search(segment):
        return MASK
    name, dot, extension = segment.rpartition(".")
    if dot and LONG_MIXED.match(name) and extension.isalpha() and len(extension) <= 5:
        return f"{MASK}.{extension}"
    return MASK if LONG_MIXED.match(segment) else segment


def clean_request_line(line: str) -> str:
    """« GET /path?q=… HTTP/1.1 » → « GET /path HTTP/1.1 »."""
    parts = line.split(" ")
    if len(parts) == 3:
        parts[1] = clean_path(parts[1])
        return " ".join(parts)
    return clean_path(line)


def is_static(line: str) -> bool:
    parts = line.split(" ")
    path = parts[1] if len(parts) == 3 else line
    return path.startswith("/" + settings.STATIC_URL.lstrip("/"))


class RequestLineFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple) or len(args) != 3 or not isinstance(args[0], str):
            return True  # not an access line (e.g. « you're accessing the server over HTTPS »)
        line, status = args[0], str(args[1])
        if is_static(line) and (status.startswith("2") or status == "304"):
            return False
        record.args = (clean_request_line(line), *args[1:])
        return True


class TaskFinishedOnlyFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.funcName != "log_task_started"


class ErrorPathFilter(logging.Filter):
    """`django.request`'s « Internal Server Error: /path »: the path's tokens masked too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                clean_path(arg) if isinstance(arg, str) and arg.startswith("/") else arg for arg in record.args
            )
        return True
