import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() frozen at `clock.now`, moved with `clock.advance(seconds=…)`: the throttles'
    windows and delays are tested without sleeping."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen
