"""Live sync: one twin's estimator fed by any number of feeds, as observations arrive.

`LiveSync` owns an `EnsembleKalmanFilter`. Feeds (the MLLP listener, the MQTT source,
a FHIR POST handler) call `submit` from any thread; `step` is called by one loop at
its own pace. A step is two parts: `collect` reads the clock and takes the arrivals off
the queue, the only things a step takes from outside, into a `StepInput` (`step_input`);
`apply` does the rest with that input alone. The same inputs applied in the same order to a sync
started the same way (same twin, members and seed) give the same ensemble bit for bit,
so a journal of the inputs rebuilds a sync after a restart (`service.tracking`).
`apply`:
- arrivals wait `hold_s` (after their measured time, by the `clock`) in a buffer, so
  that values arriving out of order within that window reach the estimator in time
  order; late ones (older than the estimator's present) go straight on, where the
  screening assimilates them with an inflated noise or refuses them as too late;
- values timed more than `future_tolerance_s` ahead of the clock, or more than the
  estimator's late window behind it, are refused: a device with a wrong clock would
  otherwise drag the ensemble into the future, or start it years in the past (a
  recorded stream is replayed with `replay`, not listened to);
- duplicates, missing, implausible and artefact values are refused by the estimator's
  screening (`screening`, and the innovation gate of `enkf`) with the reason logged;
- with nothing to assimilate, the ensemble coasts on to `now - hold_s`, so the estimate
  is always of the present, its uncertainty growing while data are missing.
Nothing an observation holds stops the loop: an unexpected failure while assimilating
is logged against the observations it concerned, and the next step goes on.
"""

from __future__ import annotations

import logging
import queue
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.assimilation.noise import OBSERVABLE
from medtwin.assimilation.screening import Decision
from medtwin.assimilation.step_input import StepInput
from medtwin.interop.measurement import Measurement

LOG_LENGTH = 10_000
logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StepReport:
    """What one `step` did: the decisions on the observations it released, and the
    estimate after it (None when the estimator has no present yet)."""

    decisions: tuple[Decision, ...]
    estimate: dict | None


class LiveSync:
    """A twin's live state estimate from streaming observations (module docstring)."""

    def __init__(
        self,
        estimator: EnsembleKalmanFilter,
        *,
        clock: Callable[[], datetime] = utc_now,
        hold_s: float = 2.0,
        future_tolerance_s: float = 5.0,
    ) -> None:
        if not hold_s >= 0:
            raise ValueError(f"hold_s = {hold_s!r}: must be 0 or more seconds")
        if not future_tolerance_s >= 0:
            raise ValueError(f"future_tolerance_s = {future_tolerance_s!r}: must be 0 or more")
        self.estimator = estimator
        self.clock = clock
        self.hold = timedelta(seconds=hold_s)
        self.future_tolerance = timedelta(seconds=future_tolerance_s)
        self.log: deque[Decision] = deque(maxlen=LOG_LENGTH)
        self.counts: Counter[str] = Counter()
        self._arrivals: queue.SimpleQueue[Measurement] = queue.SimpleQueue()
        self._buffer: list[Measurement] = []

    def submit(self, measurements: Iterable[Measurement]) -> None:
        """Hand over observations (from any thread); `step` assimilates them."""
        for measurement in measurements:
            self._arrivals.put(measurement)

    @property
    def pending(self) -> int:
        """Observations received and not yet released to the estimator."""
        return len(self._buffer) + self._arrivals.qsize()

    def step(self) -> StepReport:
        """Release what is due, assimilate it, coast to the present (module docstring)."""
        return self.apply(self.collect())

    def collect(self) -> StepInput:
        """The next step's input: the clock's present and the arrivals taken off the
        queue (all that a step reads from outside the sync)."""
        now = self.clock()
        arrivals = []
        while True:
            try:
                arrivals.append(self._arrivals.get_nowait())
            except queue.Empty:
                return StepInput(now, tuple(arrivals))

    def idle(self, step: StepInput) -> bool:
        """Whether `apply(step)` would certainly change nothing: no arrivals, none held,
        and no present to coast from (such a step need not be journaled)."""
        return not step.arrivals and not self._buffer and self.estimator.time is None

    def apply(self, step: StepInput) -> StepReport:
        """One step with `step`'s inputs and nothing else from outside: values too far
        from its time refused, the others held, those due assimilated in time order, or
        else the ensemble coasted to `step.time - hold_s` (module docstring)."""
        decisions = []
        for measurement in step.arrivals:
            reason = self.out_of_time(measurement, step.time)
            if reason:
                decisions.append(Decision(measurement, False, reason))
            else:
                self._buffer.append(measurement)
        due = step.time - self.hold
        ready = sorted((m for m in self._buffer if m.time <= due), key=lambda m: m.time)
        self._buffer = [m for m in self._buffer if m.time > due]
        if ready:
            decisions.extend(self._assimilate(ready))
        elif self.estimator.time is not None and self.estimator.time < due:
            self.estimator.predict(due, ())
        for decision in decisions:
            self.log.append(decision)
            self.counts[(decision.reason or "accepted").split(":")[0]] += 1
        return StepReport(tuple(decisions), self.estimate())

    def state(self) -> dict:
        """What changes as the sync runs, besides the members' engine rows: the values
        held, the log and counts, and the filter's own (`EnsembleKalmanFilter.state`);
        taken between steps, with nothing waiting in the queue."""
        return {"held": list(self._buffer), "log": list(self.log), "counts": dict(self.counts),
                "filter": self.estimator.state()}  # fmt: skip

    def restore_state(self, state: dict) -> None:
        """Take up `state` (`state()` of a sync started the same way, and since run on),
        with the members' engine rows already restored."""
        self._buffer = list(state["held"])
        self.log.extend(state["log"])
        self.counts.update(state["counts"])
        self.estimator.restore_state(state["filter"])

    def out_of_time(self, measurement: Measurement, now: datetime | None = None) -> str | None:
        """Why a value is too far from the clock (at `now`, by default the clock's
        present) to be live data, or None; what `step` will decide on its arrival."""
        now = self.clock() if now is None else now
        ahead_s = (measurement.time - now).total_seconds()
        if ahead_s > self.future_tolerance.total_seconds():
            return f"future: {ahead_s:.0f} s ahead of the clock"
        window_s = self.estimator.late_window_s
        if -ahead_s > window_s:
            return f"late: {-ahead_s:.0f} s before the clock (window {window_s:g} s)"
        return None

    def _assimilate(self, ready: list[Measurement]) -> list[Decision]:
        try:
            return list(self.estimator.update(ready).decisions)
        except Exception as error:  # a failure must cost these observations, not the loop
            logger.exception("live sync: assimilation failed")
            return [Decision(m, False, f"error: {type(error).__name__}: {error}") for m in ready]

    def estimate(self) -> dict | None:
        """The estimator's present: vitals and parameters with their SDs, and the counts
        of what became of the observations; None before the first observation."""
        if self.estimator.time is None:
            return None
        return {**self.estimator.estimate(), "counts": dict(self.counts), "pending": self.pending}


ESTIMATE_COLUMNS = (
    "time",
    "twin_time_s",
    *(f"{s}_{part}" for s in OBSERVABLE for part in ("mean", "sd")),
)


def estimate_row(estimate: dict) -> dict[str, object]:
    """One CSV row of an estimate: time, and the mean and SD of every observable vital."""
    row: dict[str, object] = {"time": estimate["time"], "twin_time_s": estimate["twin_time_s"]}
    for signal in OBSERVABLE:
        vital = estimate["vitals"][signal]
        row[f"{signal}_mean"] = f"{vital['mean']:.4g}"
        row[f"{signal}_sd"] = f"{vital['sd']:.3g}"
    return row
