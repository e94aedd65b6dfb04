"""The wall clock that live sessions tick by, and a manual one for tests.

A live session asks its clock for the time and to sleep until the next tick. The
service uses `WallClock` (the event loop's monotonic time); tests use `ManualClock`,
which moves only when told (`advance`), so that a test of "speed 10 runs ten times
faster than the wall" is exact and waits for nothing.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from typing import Protocol


class Clock(Protocol):
    """What a live session needs of a clock."""

    def now(self) -> float:
        """Seconds on a monotonic scale."""

    async def sleep(self, seconds: float) -> None:
        """Return once `seconds` have passed on this clock."""


class WallClock:
    """Real time: the running event loop's monotonic clock."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """A clock that stands still until `advance` moves it (from any thread).

    `advance(seconds)` wakes every sleeper whose time has come, in time order, and
    returns once each woken task is asleep again (or done), so that what the session
    did in those seconds is all done when it returns.
    """

    def __init__(self) -> None:
        self._now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future, asyncio.Task]] = []
        self._order = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        self._loop = asyncio.get_running_loop()
        changed = self._changed_event()
        task = asyncio.current_task()
        wake = self._loop.create_future()
        heapq.heappush(self._sleepers, (self._now + seconds, next(self._order), wake, task))
        task.add_done_callback(lambda _: changed.set())
        changed.set()
        await wake

    def _changed_event(self) -> asyncio.Event:
        if self._changed is None:
            self._changed = asyncio.Event()
        return self._changed

    def advance(self, seconds: float, timeout_s: float = 60.0) -> None:
        """Move the clock on by `seconds`, from a thread other than the loop's."""
        if self._loop is None:  # nothing has slept yet: nothing to wake
            self._now += seconds
            return
        future = asyncio.run_coroutine_threadsafe(self._advance(seconds), self._loop)
        future.result(timeout_s)

    async def _advance(self, seconds: float) -> None:
        target = self._now + seconds
        changed = self._changed_event()
        while self._sleepers and self._sleepers[0][0] <= target:
            self._now = self._sleepers[0][0]
            woken = []
            while self._sleepers and self._sleepers[0][0] <= self._now:
                _, _, wake, task = heapq.heappop(self._sleepers)
                if not wake.done():
                    wake.set_result(None)
                    woken.append(task)
            while True:
                changed.clear()  # before looking, so that no change is missed
                if all(task.done() or self._sleeping_again(task) for task in woken):
                    break
                await changed.wait()
        self._now = target

    def _sleeping_again(self, task: asyncio.Task) -> bool:
        return any(sleeper[3] is task and not sleeper[2].done() for sleeper in self._sleepers)
