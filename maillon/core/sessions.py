"""The session engine (SESSION_ENGINE): Django's database sessions, whose clocks start at the login.

`auth.login` gives every new login a new session key (`cycle_key`): that is when a session starts,
for core.middleware.SessionExpiryMiddleware (idle time and absolute lifetime). Stamping here, with
the login's own session save, spares the first request after a login a write of its own.
"""

import time

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

STARTED_KEY = "maillon_session_started"
ACTIVITY_KEY = "maillon_session_activity"


def start_clocks(session, now: int | None = None) -> None:
    session[STARTED_KEY] = session[ACTIVITY_KEY] = int(time.time()) if now is None else now


class SessionStore(DatabaseSessionStore):
    def cycle_key(self):
        super().cycle_key()
        start_clocks(self)
