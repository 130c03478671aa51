"""A stopped clock for tests of what happens after a while: `timezone.now()` and the fixed windows of the limits
(kit.pdf, kit.counters.Limit, which read `time.time()`) read it, and the test moves it on."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

# The modules whose fixed windows follow the clock.
WINDOWED = ("childnrm.kit.pdf", "childnrm.kit.counters")  # Limit, the windows of feedback and accounts


@dataclass
class Clock:
    seconds: float

    def time(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.seconds, tz=UTC)

    def travel(self, seconds: float) -> None:
        self.seconds += seconds


def stopped_clock(monkeypatch: pytest.MonkeyPatch, *, window: int) -> Clock:
    """Stopped one second into the next fixed window of `window` seconds, so a test's tries share one window."""
    clock = Clock((int(time.time() // window) + 1) * window + 1)
    monkeypatch.setattr(timezone, "now", clock.now)
    for module in WINDOWED:
        monkeypatch.setattr(f"{module}.time", SimpleNamespace(time=clock.time))
    return clock
