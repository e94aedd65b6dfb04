"""The twin's one time-ordered queue: timed orders, scheduled ends, (later) triggers.

Everything that is to happen to a twin at a later moment waits here, keyed by the
engine step it is due at, in the order it was queued. `Twin.advance` stops at each due
step and gives what is due; `Twin.run` queues a protocol of timed orders; an applied
action's follow-ups (the end of a bag of fluid) are queued with the id of the event
that caused them, and are cancelled when a later order takes over their line. The
queue is part of a twin's snapshot, so a restored or forked twin continues exactly.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

from medtwin.actions import ActionBase


@dataclass(frozen=True, order=True)
class Scheduled:
    """`action`, due at engine step `due_step`; `sequence` keeps the queue's order."""

    due_step: int
    sequence: int
    action: ActionBase = field(compare=False)
    source: str = field(compare=False, default="schedule")
    note: str | None = field(compare=False, default=None)
    cause: int | None = field(compare=False, default=None)
    """The id of the event whose follow-up this is; None for a timed order."""


class Scheduler:
    """A priority queue of `Scheduled` entries."""

    def __init__(self, entries: Iterable[Scheduled] = (), next_sequence: int = 0) -> None:
        self._heap = list(entries)
        heapq.heapify(self._heap)
        self.next_sequence = max([next_sequence, *(e.sequence + 1 for e in self._heap)])

    def add(
        self,
        due_step: int,
        action: ActionBase,
        source: str = "schedule",
        note: str | None = None,
        cause: int | None = None,
    ) -> Scheduled:
        """Queue `action` for `due_step`, after everything already due then."""
        entry = Scheduled(due_step, self.next_sequence, action, source, note, cause)
        self.next_sequence += 1
        heapq.heappush(self._heap, entry)
        return entry

    def next_due_step(self) -> int | None:
        """The step of the earliest entry, None when the queue is empty."""
        return self._heap[0].due_step if self._heap else None

    def pop_due(self, step: int) -> Scheduled | None:
        """The earliest entry due at or before `step`, removed; None if there is none."""
        if self._heap and self._heap[0].due_step <= step:
            return heapq.heappop(self._heap)
        return None

    def cancel_follow_ups(self, lines: frozenset[str]) -> None:
        """Drop the follow-ups that act on any of `lines` (a new order took them over)."""
        if not lines:
            return
        kept = [e for e in self._heap if e.cause is None or not (e.action.lines() & lines)]
        if len(kept) != len(self._heap):
            self._heap = kept
            heapq.heapify(self._heap)

    def entries(self) -> tuple[Scheduled, ...]:
        """Every queued entry, in the order they will be given."""
        return tuple(sorted(self._heap))

    def __len__(self) -> int:
        return len(self._heap)
