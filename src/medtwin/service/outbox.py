"""One client's bounded queue of outgoing frames.

Waveform frames are expendable: when the queue is full the oldest frame goes. Messages
(snapshot, vitals, events, clock, notes, errors) are not: if the queue is full of them,
the client cannot keep up and is closed (`overflowed`). Putting never waits, so a slow
client never stalls the session's tick.
"""

from __future__ import annotations

import asyncio
from collections import deque

DEFAULT_OUTBOX_SIZE = 256


class Outbox:
    """A bounded FIFO of `str` (JSON messages) and `bytes` (waveform frames)."""

    def __init__(self, max_size: int = DEFAULT_OUTBOX_SIZE) -> None:
        if max_size < 1:
            raise ValueError(f"max_size = {max_size!r} must be at least 1")
        self.max_size = max_size
        self._items: deque[str | bytes] = deque()
        self._ready = asyncio.Event()
        self.closed = False
        self.overflowed = False
        self.frames_dropped = 0

    def __len__(self) -> int:
        return len(self._items)

    def put_frame(self, frame: bytes) -> None:
        """Queue a waveform frame, dropping the oldest frame if the queue is full."""
        if self.closed:
            return
        if len(self._items) >= self.max_size and not self._drop_oldest_frame():
            self.frames_dropped += 1
            return
        self._push(frame)

    def put_message(self, message: str) -> None:
        """Queue a message; if nothing can make room, close the client as overflowed."""
        if self.closed:
            return
        if len(self._items) >= self.max_size and not self._drop_oldest_frame():
            self.overflowed = True
            self.close()
            return
        self._push(message)

    def close(self) -> None:
        self.closed = True
        self._ready.set()

    async def get(self) -> str | bytes | None:
        """The next item, waiting for one; None once the outbox is closed."""
        while not self._items:
            if self.closed:
                return None
            self._ready.clear()
            await self._ready.wait()
        if self.closed and self.overflowed:
            return None
        return self._items.popleft()

    def _push(self, item: str | bytes) -> None:
        self._items.append(item)
        self._ready.set()

    def _drop_oldest_frame(self) -> bool:
        for index, item in enumerate(self._items):
            if isinstance(item, bytes):
                del self._items[index]
                self.frames_dropped += 1
                return True
        return False
