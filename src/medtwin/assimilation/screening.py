"""Screening live observations before they reach the estimator, with the reason logged.

An observation is refused when it is missing (NaN), of a signal the twin does not
observe, implausible (outside `noise.PLAUSIBLE`), a duplicate (the same signal at the
same time already seen), or too late (older than the estimator's time by more than
its late window: the ensemble cannot go back). Late ones within the window are kept
and assimilated at the current time, their noise inflated by the lag. Nothing here
raises: a bad value is a log line, never a stopped loop.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime

from medtwin.assimilation.noise import NOISE, implausible_reason
from medtwin.interop.measurement import Measurement

DUPLICATE_MEMORY = 4096
"""How many recent (signal, time) keys are remembered to spot duplicates."""


@dataclass(frozen=True)
class Decision:
    """What became of one observation: accepted (reason None) or refused and why."""

    measurement: Measurement
    accepted: bool
    reason: str | None = None
    lag_s: float = 0.0

    def to_dict(self) -> dict:
        return {**self.measurement.to_dict(), "accepted": self.accepted, "reason": self.reason}


class Screen:
    """Remembers what it has seen, to refuse duplicates; decides on each observation."""

    def __init__(self, late_window_s: float) -> None:
        self.late_window_s = late_window_s
        self._seen: set[tuple[str, datetime]] = set()
        self._order: deque[tuple[str, datetime]] = deque()

    def decide(self, measurement: Measurement, now: datetime | None) -> Decision:
        if measurement.signal not in NOISE:
            return Decision(measurement, False, "not a signal the twin is fitted to")
        reason = implausible_reason(measurement.signal, measurement.value)
        if reason:
            return Decision(measurement, False, reason)
        key = (measurement.signal, measurement.time)
        if key in self._seen:
            return Decision(measurement, False, "duplicate: this signal at this time was seen")
        lag_s = 0.0 if now is None else (now - measurement.time).total_seconds()
        if lag_s > self.late_window_s:
            return Decision(
                measurement,
                False,
                f"late: {lag_s:.0f} s before the twin's time (window {self.late_window_s:g} s)",
            )
        self._remember(key)
        return Decision(measurement, True, None, max(lag_s, 0.0))

    def memory(self) -> list[tuple[str, datetime]]:
        """The (signal, time) keys remembered, oldest first (what a checkpoint keeps)."""
        return list(self._order)

    def recall(self, keys: list[tuple[str, datetime]]) -> None:
        """Remember `keys` (oldest first), as a checkpoint's `memory` gave them."""
        for key in keys:
            self._remember(key)

    def _remember(self, key: tuple[str, datetime]) -> None:
        self._seen.add(key)
        self._order.append(key)
        if len(self._order) > DUPLICATE_MEMORY:
            self._seen.discard(self._order.popleft())
