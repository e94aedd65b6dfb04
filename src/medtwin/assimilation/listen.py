"""Running live sync: the MLLP listener and the MQTT source feeding one `LiveSync`.

`listen` starts the feeds that are asked for, then steps the estimator every
`every_s` until `stop` is set (SIGINT or SIGTERM set it too), `stop_after`
observations have been decided, or `duration_s` has passed; the feeds are closed on
the way out whatever happens. The estimator's steps run in a worker thread, so that
the MLLP server keeps answering while the ensemble advances.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

from medtwin.assimilation.live import LiveSync, StepReport
from medtwin.interop.mllp import MllpListener
from medtwin.interop.mqtt_feed import MqttObservationSource


@dataclass
class Feeds:
    """The feeds that ran, for their counts after the run."""

    mllp: MllpListener | None = None
    mqtt: MqttObservationSource | None = None
    addresses: list[str] = field(default_factory=list)


async def listen(
    sync: LiveSync,
    *,
    mllp: tuple[str, int] | None,
    mqtt: tuple[str, int] | None,
    twin_id: str,
    every_s: float = 1.0,
    stop_after: int | None = None,
    duration_s: float | None = None,
    on_ready: Callable[[Feeds], None] = lambda feeds: None,
    on_step: Callable[[StepReport], None] = lambda report: None,
    stop: asyncio.Event | None = None,
) -> Feeds:
    """Run the feeds into `sync` (see the module docstring); returns the feeds."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    feeds = Feeds()
    try:
        if mllp is not None:
            feeds.mllp = MllpListener(lambda message: sync.submit(message.measurements))
            host, port = await feeds.mllp.start(*mllp)
            feeds.addresses.append(f"MLLP {host}:{port}")
        if mqtt is not None:
            feeds.mqtt = MqttObservationSource(twin_id, sync.submit)
            await asyncio.to_thread(feeds.mqtt.start, *mqtt)
            feeds.addresses.append(f"MQTT {feeds.mqtt.topic} at {mqtt[0]}:{mqtt[1]}")
        on_ready(feeds)
        decided = 0
        deadline = None if duration_s is None else loop.time() + duration_s
        while not stop.is_set():
            report = await asyncio.to_thread(sync.step)
            on_step(report)
            decided += len(report.decisions)
            if stop_after is not None and decided >= stop_after:
                break
            if deadline is not None and loop.time() >= deadline:
                break
            with contextlib.suppress(TimeoutError):  # the pause between steps
                await asyncio.wait_for(stop.wait(), every_s)
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)
        if feeds.mllp is not None:
            await feeds.mllp.close()
        if feeds.mqtt is not None:
            feeds.mqtt.stop()
    return feeds
