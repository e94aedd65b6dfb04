"""The worker threads of the live sessions, by job, apart from asyncio's shared pool.

`asyncio.to_thread` runs everything on one pool of min(32, cores + 4) threads, 6 on a
two-core machine. There, a burst of slow jobs (password hashes, new twins, the first
dose of a drug in 20 sessions at once) took every thread, and the checkpoint writes
that every session waits for before running on queued behind them: all sessions and
streams paused at once (benchmarks/service_load.py, docs/security.md). So the writes the
sessions' clocks wait on have threads of their own, and the slow preparation of orders
(`preparation`) one thread, so that its jobs run one at a time (each then finds the
others' results cached) instead of crowding the cores together.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

SESSION_WRITES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="medtwin-writes")
"""Live sessions' database writes: events, checkpoints, clock changes, notes, and the
tracked twins' journal steps (SQLite takes one writer at a time; a second thread keeps
one slow write from holding up all)."""
PREPARATION = ThreadPoolExecutor(max_workers=1, thread_name_prefix="medtwin-prepare")
"""What an order needs computed before the twin takes it (`preparation`)."""


async def run_in(executor: ThreadPoolExecutor, function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in one of `executor`'s threads, awaited."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, functools.partial(function, *args))
