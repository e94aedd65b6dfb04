"""Patients' twins kept in step with live observations: the estimator loop of each.

A `TrackedTwin` owns one `LiveSync` (an ensemble Kalman filter started from the twin
file's patient) and one asyncio task that steps it every `step_s`, in a worker thread
so that the service keeps answering. Observations reach it by `submit`, the same door
the MLLP and MQTT feeds use (`assimilation.listen`). After every step it keeps the
estimate (mean and SD of each observable vital) and the decisions on the observations
released, each numbered, so that a client asks for what is new since the number it
last saw. Plan comparisons fork the members' current state, taken between steps.

Every step that can change the estimate is journaled before it is applied (write-ahead,
in the live sessions' writer threads, each write on a connection of its own that no
await holds): its `StepInput`, the clock's time and the observations that arrived.
`TwinManager` owns the tracked twins; on start-up it fits every twin of the store again
with its seed and replays its journal through the same `LiveSync.apply`, so that the
estimate, its uncertainty, the decisions and their numbers are those before the stop,
bit for bit. Every `checkpoint_steps` the estimator and the track are stored
(`assimilation.checkpoint`) and the steps before dropped, so that a replay starts from
the newest checkpoint. Values handed over in the last step interval before a stop are
not yet journaled and are lost (docs/records.md, "Restarts").
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import sessionmaker

from medtwin.assimilation.checkpoint import checkpoint_bytes, restore_checkpoint
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.assimilation.live import LiveSync, StepReport, utc_now
from medtwin.assimilation.step_input import StepInput
from medtwin.interop.measurement import Measurement
from medtwin.patients import patient_from_dict
from medtwin.planning import PlanResult, compare_plans, parse_plan
from medtwin.service import store
from medtwin.service.clock import Clock, WallClock
from medtwin.service.db import TwinRow
from medtwin.service.errors import ConflictError
from medtwin.service.executors import SESSION_WRITES, run_in

log = logging.getLogger("medtwin.service")


@dataclass(frozen=True)
class TrackingSettings:
    """How often a twin's estimator steps, how long values wait, what is kept."""

    step_s: float = 1.0
    """Between estimator steps: the monitors' 1 Hz numerics are assimilated as they come."""
    hold_s: float = 2.0
    """How long a value waits so that values arriving out of order are put in order
    (`LiveSync`)."""
    track_length: int = 1800
    """Estimates kept: 30 minutes at one a second, the clinician page's window."""
    decisions_kept: int = 5000
    """Decisions kept: 30 minutes of 1 Hz numerics of two or three signals."""
    checkpoint_steps: int = 600
    """Journaled steps between checkpoints of the estimator (10 minutes at one a second):
    a restart replays at most that many steps after the newest checkpoint."""
    clock: Clock = field(default_factory=WallClock)
    """What the loop sleeps by between steps."""
    wall: Callable[[], datetime] = utc_now
    """The wall time observations are judged by (`LiveSync.clock`); tests give one that
    follows a manual `clock`."""


class TrackedTwin:
    """One patient's twin and its estimator loop (module docstring)."""

    def __init__(
        self, row: TwinRow, sync: LiveSync, settings: TrackingSettings, make_db: sessionmaker
    ) -> None:
        self.id, self.title, self.owner = row.id, row.title, row.owner
        self.document, self.members, self.seed = row.document, row.members, row.seed
        self.sync = sync
        self.settings = settings
        self._make_db = make_db
        self.journaled = 0
        """The number of the newest journaled step (0 before any)."""
        self.checkpointed = 0
        """The journal step of the newest checkpoint (0 before any)."""
        self.track: deque[dict[str, Any]] = deque(maxlen=settings.track_length)
        self.decisions: deque[dict[str, Any]] = deque(maxlen=settings.decisions_kept)
        self.planning = False
        self.estimate: dict[str, Any] | None = None
        """The estimate after the latest step (vitals and parameters, mean and SD)."""
        self.latest = 0
        """The number of the newest estimate or decision (0 before any)."""
        self._numbers = itertools.count(1)
        self._lock = asyncio.Lock()  # a step and a fork of the members never overlap
        self._task: asyncio.Task | None = None
        self._in_flight: asyncio.Future | None = None

    @property
    def patient_resource(self) -> str | None:
        """The record's `Patient/<id>`, or None for a twin of a library patient."""
        return (self.document.get("record") or {}).get("patient_resource")

    def submit(self, measurements: Iterable[Measurement]) -> None:
        self.sync.submit(measurements)

    def since(self, after: int) -> dict[str, Any]:
        """The estimates and decisions numbered after `after`, and the latest estimate."""
        return {
            "estimates": [e for e in self.track if e["n"] > after],
            "decisions": [d for d in self.decisions if d["n"] > after],
            "estimate": self.estimate,
            "latest": self.latest,
        }

    # --- the loop --------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"medtwin twin {self.id}")

    async def stop(self) -> None:
        """Stop the loop, and wait for a step it was in to be written and applied (so
        that no journal write comes after the twin is deleted)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._in_flight is not None:
            with contextlib.suppress(Exception):
                await self._in_flight
        self._task = None

    async def _run(self) -> None:
        while True:
            await self.settings.clock.sleep(self.settings.step_s)
            try:
                await self.step()
            except Exception:  # LiveSync catches the observations' faults; this is a bug
                log.exception("twin %s: estimator step failed; the next step goes on", self.id)

    async def step(self) -> StepReport:
        """One estimator step, shielded from the loop's cancellation (`_step`)."""
        async with self._lock:
            self._in_flight = asyncio.ensure_future(self._step(self.sync.collect()))
            return await asyncio.shield(self._in_flight)

    async def _step(self, step: StepInput) -> StepReport:
        """Write `step` to the journal (unless it can change nothing) in a writer thread,
        apply it in a worker thread, keep it in the track, and checkpoint when due. A
        step that could not be written is not applied, so that the journal always
        replays to the estimate; its values wait for the next."""
        if not self.sync.idle(step):
            try:
                await run_in(SESSION_WRITES, self._journal, step)
            except Exception:
                self.sync.submit(step.arrivals)
                raise
        report = await asyncio.to_thread(self.sync.apply, step)
        self._keep(report)
        if self.journaled - self.checkpointed >= self.settings.checkpoint_steps:
            await self._checkpoint()
        return report

    def _journal(self, step: StepInput) -> None:
        with self._make_db() as db:
            store.add_twin_step(db, self.id, self.journaled + 1, step)
        self.journaled += 1

    async def _checkpoint(self) -> None:
        """Store the estimator and the track as they stand (`assimilation.checkpoint`);
        one that fails costs only replay time, and is tried again `checkpoint_steps` on."""
        number = self.journaled
        try:
            blob = await asyncio.to_thread(checkpoint_bytes, self.sync, self._kept())
            await run_in(SESSION_WRITES, self._write_checkpoint, number, blob)
        except Exception:
            log.exception("twin %s: checkpoint at step %d not written", self.id, number)
        self.checkpointed = number

    def _write_checkpoint(self, number: int, blob: bytes) -> None:
        with self._make_db() as db:
            store.save_twin_checkpoint(db, self.id, number, blob)

    def _kept(self) -> dict[str, Any]:
        """What `since` answers from, for a checkpoint."""
        return {"track": list(self.track), "decisions": list(self.decisions),
                "latest": self.latest, "estimate": self.estimate}  # fmt: skip

    def resume(self, kept: dict[str, Any], number: int) -> None:
        """Take up a checkpoint's track (`_kept`), taken after journal step `number`."""
        self.track.extend(kept["track"])
        self.decisions.extend(kept["decisions"])
        self.latest, self.estimate = kept["latest"], kept["estimate"]
        self._numbers = itertools.count(self.latest + 1)
        self.journaled = self.checkpointed = number

    def replay(self, steps: Sequence[StepInput]) -> None:
        """Apply the journal's `steps` (in a worker thread, before the loop starts), each
        kept in the track as the live loop kept it."""
        for step in steps:
            self._keep(self.sync.apply(step))
        self.journaled += len(steps)

    def _keep(self, report: StepReport) -> None:
        """Number the step's decisions and estimate and keep them for `since`."""
        for decision in report.decisions:
            self.latest = next(self._numbers)
            self.decisions.append({"n": self.latest, **decision.to_dict()})
        if report.estimate is not None:
            self.estimate = report.estimate
            self.latest = next(self._numbers)
            self.track.append({"n": self.latest, "time": report.estimate["time"],
                               "vitals": report.estimate["vitals"]})  # fmt: skip

    async def compare(
        self, plans: Sequence[str], horizon_s: float, every_s: float
    ) -> list[PlanResult]:
        """Each plan run from the members' present state (PlanError for a refused one)."""
        if self.planning:
            raise ConflictError(f"twin {self.id}: a plan comparison is running; wait for it")
        ensemble = self.sync.estimator.ensemble
        parsed = [parse_plan(text, ensemble.patient) for text in plans]
        self.planning = True
        try:
            async with self._lock:
                snapshots = await asyncio.to_thread(ensemble.snapshots)
            return await asyncio.to_thread(compare_plans, snapshots, parsed, horizon_s,
                                           every_s=every_s)  # fmt: skip
        finally:
            self.planning = False


@dataclass
class TwinManager:
    """Every tracked twin of the service, by id."""

    make_db: sessionmaker
    settings: TrackingSettings = field(default_factory=TrackingSettings)
    twins: dict[int, TrackedTwin] = field(default_factory=dict)

    def get(self, twin_id: int) -> TrackedTwin | None:
        return self.twins.get(twin_id)

    def new_sync(self, document: dict, members: int, seed: int) -> LiveSync:
        """A live estimator of the twin file's patient at rest (slow: a worker thread)."""
        patient = patient_from_dict(document["patient"])
        estimator = EnsembleKalmanFilter(members=members, seed=seed).fit(patient)
        return LiveSync(estimator, clock=self.settings.wall, hold_s=self.settings.hold_s)

    def launch(self, row: TwinRow, sync: LiveSync) -> TrackedTwin:
        """Track `row`'s twin with `sync` (fitted, its journal empty) from now."""
        return self._start(TrackedTwin(row, sync, self.settings, self.make_db))

    def _start(self, tracked: TrackedTwin) -> TrackedTwin:
        self.twins[tracked.id] = tracked
        tracked.start()
        return tracked

    async def remove(self, twin_id: int) -> None:
        tracked = self.twins.pop(twin_id, None)
        if tracked is not None:
            await tracked.stop()

    async def start(self) -> None:
        """Track every twin of the store again: fitted with its seed, its journal
        replayed (module docstring)."""
        with self.make_db() as db:
            rows = list(store.all_twins(db))
        for row in rows:
            try:
                tracked = await asyncio.to_thread(self._restore, row)
            except Exception:
                log.exception("twin %s: could not be restored; it is not tracked", row.id)
                continue
            self._start(tracked)
            log.info("twin %s tracked again: %d journaled steps replayed after step %d (its "
                     "checkpoint, or 0: none)", row.id, tracked.journaled - tracked.checkpointed,
                     tracked.checkpointed)  # fmt: skip

    def _restore(self, row: TwinRow) -> TrackedTwin:
        """`row`'s twin as it was: fitted again, its newest checkpoint restored and the
        journal after it replayed (a worker thread)."""
        sync = self.new_sync(row.document, row.members, row.seed)
        tracked = TrackedTwin(row, sync, self.settings, self.make_db)
        with self.make_db() as db:
            checkpoint = store.twin_checkpoint(db, row.id)
            after = 0 if checkpoint is None else checkpoint.number
            steps = store.twin_steps_of(db, row.id, after)
        if checkpoint is not None:
            tracked.resume(restore_checkpoint(sync, checkpoint.blob), checkpoint.number)
        tracked.replay(steps)
        return tracked

    async def stop(self) -> None:
        for twin_id in list(self.twins):
            await self.remove(twin_id)
