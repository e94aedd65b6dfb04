"""What a scenario is, what it expects, and what a run of it found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from medtwin.validation import Grade, Target, grade

if TYPE_CHECKING:
    import pandas as pd

    from medtwin.twin import Twin


@dataclass(frozen=True)
class Run:
    """What a finished scenario left to read: the 1 Hz history, the rhythm at each row,
    and the twin (for its event log)."""

    history: pd.DataFrame
    rhythm: np.ndarray
    twin: Twin

    def window(self, signal: str, start_s: float, end_s: float) -> float:
        """Mean of `signal` over [start_s, end_s] of twin time (NaN if unmeasured)."""
        times = self.history["time_s"]
        rows = self.history.loc[(times >= start_s) & (times <= end_s), signal]
        return float(rows.mean()) if len(rows) else np.nan

    def at(self, signal: str, time_s: float) -> float:
        """`signal` at the last row at or before `time_s`."""
        rows = self.history.loc[self.history["time_s"] <= time_s, signal]
        return float(rows.iloc[-1]) if len(rows) else np.nan

    def first_time(self, condition: np.ndarray, after_s: float = 0.0) -> float:
        """Twin time of the first row after `after_s` where `condition` holds (NaN if
        never)."""
        times = self.history["time_s"].to_numpy()
        hits = np.flatnonzero(condition & (times >= after_s))
        return float(times[hits[0]]) if len(hits) else np.nan


@dataclass(frozen=True)
class Expectation:
    """One published expectation: `measure` reads a value from a run; it should lie in
    [low, high] (either may be None), or near `point`. `source` names the publication."""

    what: str
    unit: str
    measure: Callable[[Run], float]
    source: str
    low: float | None = None
    high: float | None = None
    point: float | None = None
    known_gap: str | None = None
    """Why the engine does not meet this yet, for an expectation it is known to miss
    (shown with its grade, never hidden)."""

    def target(self) -> Target:
        return Target(
            key=self.what, signal=self.what, statistic="scenario", quantity=self.what,
            unit=self.unit, reference_value=self.point, range_min=self.low,
            range_max=self.high, source=self.source, page="", note="", system="scenario",
            required_by="engine",
        )  # fmt: skip

    def expected_text(self) -> str:
        """The expected value or range, with its unit (none for a ratio)."""
        if self.point is not None:
            text = f"{self.point:g}"
        elif self.low is not None and self.high is not None:
            text = f"{self.low:g} to {self.high:g}"
        else:
            text = f">= {self.low:g}" if self.low is not None else f"<= {self.high:g}"
        return text if self.unit == "1" else f"{text} {self.unit}"


@dataclass(frozen=True)
class Scenario:
    """A protocol and what the literature expects of it.

    `protocol(twin)` gives the timed orders `(time_s, order)` for the twin at rest (so
    that doses and volumes can follow the patient); the run lasts `duration_s`.
    """

    name: str
    title: str
    description: str
    protocol: Callable[[Twin], list[tuple[float, str]]]
    duration_s: float
    expectations: tuple[Expectation, ...]
    patient: str = "standard-male"
    overrides: dict[str, float] = field(default_factory=dict)
    seed: int | None = None
    """The twin's seed when the scenario needs a particular one (a fibrillation that
    does not fade early); otherwise the runner's."""
    plotted: tuple[str, ...] = ("heart_rate", "mean_arterial_pressure", "spo2")


@dataclass(frozen=True)
class Row:
    """One expectation with the value the run gave and its grade."""

    expectation: Expectation
    value: float
    grade: Grade


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    rows: tuple[Row, ...]
    run: Run

    @property
    def verdict(self) -> str:
        """The worst grade of the scenario's rows."""
        verdicts = [row.grade.verdict for row in self.rows]
        for worst in ("poor", "fair"):
            if worst in verdicts:
                return worst
        return "good"


def graded(expectation: Expectation, run: Run) -> Row:
    value = float(expectation.measure(run))
    return Row(expectation, value, grade(expectation.target(), value))
