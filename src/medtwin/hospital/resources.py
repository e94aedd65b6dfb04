"""A first-come first-served resource whose count can change during the run (shifts).

Built on SimPy events rather than `simpy.Resource`, because a shift must be able to
lower the count while servers are busy: a server whose shift ends finishes the patient in
hand (no pre-emption) and no new patient starts until the busy count is below the new
count.
"""

from __future__ import annotations

from collections import deque

import simpy


class ShiftResource:
    """`count` identical servers with one FIFO queue."""

    __slots__ = ("busy", "count", "env", "waiting")

    def __init__(self, env: simpy.Environment, count: float) -> None:
        self.env = env
        self.count = count
        self.busy = 0
        self.waiting: deque[simpy.Event] = deque()

    def acquire(self) -> simpy.Event | None:
        """Take a server now (None), or the event that fires when one is this patient's."""
        if self.busy < self.count and not self.waiting:
            self.busy += 1
            return None
        granted = self.env.event()
        self.waiting.append(granted)
        return granted

    def release(self) -> None:
        """Give a server back; the longest-waiting patient takes it if the count allows."""
        self.busy -= 1
        self._serve_waiting()

    def set_count(self, count: float) -> None:
        """Change the number of servers (a shift change)."""
        self.count = count
        self._serve_waiting()

    def _serve_waiting(self) -> None:
        while self.waiting and self.busy < self.count:
            self.busy += 1
            self.waiting.popleft().succeed()


def count_schedule(
    start_count: float, shift: dict[int, int], start_hour: int, length_min: float
) -> tuple[list[float], list[float]]:
    """(run minutes, count from then on) of a resource over a run, starting at minute 0.

    `shift` maps clock hours to counts, every day; the run starts at clock `start_hour`.
    """
    changes = []
    for day in range(int(length_min // (24 * 60)) + 1):
        for hour, count in shift.items():
            at_min = ((hour - start_hour) % 24) * 60.0 + day * 24 * 60.0
            if at_min < length_min:
                changes.append((at_min, float(count)))
    changes.sort()
    times, counts = [0.0], [start_count]
    for at_min, count in changes:
        if at_min == times[-1]:
            counts[-1] = count
        else:
            times.append(at_min)
            counts.append(count)
    return times, counts
