"""Forecasts: the ensemble's members run forward, with or without orders, summarised.

`run_members` simulates member snapshots over a horizon, side by side in one batch of
the kernel, giving timed orders (the engine's grammar, twin time from the fork), and
samples the chosen signals every `every_s`; it is a plain module-level function so
that `medtwin.scale.run_jobs` can fan members out over processes. `Forecast` holds the
samples (members x times x signals) and gives the ensemble mean and a central band
(90 %: the 5th and 95th percentiles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from medtwin.actions import ActionBase
from medtwin.assimilation.batched import BatchedMembers
from medtwin.twin import Snapshot

FORECAST_SIGNALS = (
    "heart_rate",
    "systolic_bp",
    "diastolic_bp",
    "mean_arterial_pressure",
    "spo2",
    "respiratory_rate",
    "cardiac_output",
    "central_venous_pressure",
    "etco2",
    "core_temperature",
    "urine_output",
    "lactate",
)
BAND = (0.05, 0.95)
"""A 90 % band: the 5th to the 95th percentile of the members."""


@dataclass(frozen=True)
class MemberRun:
    """One job: members to run, their orders (offset_s, action), horizon and sampling."""

    snapshots: tuple[Snapshot, ...]
    orders: tuple[tuple[float, ActionBase], ...]
    horizon_s: float
    every_s: float
    signals: tuple[str, ...] = FORECAST_SIGNALS


def run_members(job: MemberRun) -> np.ndarray:
    """(members, times, signals) samples at every_s, 2 every_s, ..., horizon_s; the
    members run side by side in one batch (`batched`), each given the orders."""
    steps = round(job.horizon_s / job.every_s)
    members = BatchedMembers(job.snapshots)
    start = members.time_s
    for offset, action in job.orders:
        members.schedule(offset, action)
    out = np.empty((members.n, steps, len(job.signals)))
    for k in range(steps):
        members.advance(start + (k + 1) * job.every_s - members.time_s)
        out[:, k] = members.values(job.signals)
    return out


@dataclass(frozen=True)
class Forecast:
    """Ensemble samples over a horizon; times are seconds from the forecast's start."""

    times_s: np.ndarray
    signals: tuple[str, ...]
    samples: np.ndarray

    def _column(self, signal: str) -> np.ndarray:
        return self.samples[:, :, self.signals.index(signal)]

    def mean(self, signal: str) -> np.ndarray:
        return self._column(signal).mean(axis=0)

    def band(self, signal: str) -> tuple[np.ndarray, np.ndarray]:
        """The 90 % band (5th, 95th percentile) of `signal` at each time."""
        low, high = np.quantile(self._column(signal), BAND, axis=0)
        return low, high

    def fraction_of_time(
        self, signal: str, low: float = -np.inf, high: float = np.inf
    ) -> np.ndarray:
        """Per member, the fraction of sampled times with low <= signal <= high."""
        column = self._column(signal)
        return ((column >= low) & (column <= high)).mean(axis=1)

    def to_dict(self) -> dict:
        """The sample times and, per signal, the mean and the 90 % band at each (JSON)."""
        signals = {}
        for signal in self.signals:
            low, high = self.band(signal)
            signals[signal] = {"mean": self.mean(signal).tolist(), "p05": low.tolist(),
                               "p95": high.tolist()}  # fmt: skip
        return {"times_s": self.times_s.tolist(), "signals": signals}

    def to_rows(self) -> list[dict[str, float]]:
        """One row per time and signal: mean and band, for CSV and JSON."""
        rows = []
        for k, time in enumerate(self.times_s):
            for signal in self.signals:
                low, high = self.band(signal)
                rows.append(
                    {
                        "time_s": float(time),
                        "signal": signal,
                        "mean": float(self.mean(signal)[k]),
                        "p05": float(low[k]),
                        "p95": float(high[k]),
                    }
                )
        return rows


def forecast_from(
    snapshots: Sequence[Snapshot],
    orders: Sequence[tuple[float, ActionBase]],
    horizon_s: float,
    every_s: float = 60.0,
    signals: Sequence[str] = FORECAST_SIGNALS,
) -> Forecast:
    """Run every member in this process and summarise (see `run_members`)."""
    job = MemberRun(tuple(snapshots), tuple(orders), horizon_s, every_s, tuple(signals))
    samples = run_members(job)
    times = every_s * np.arange(1, samples.shape[1] + 1)
    return Forecast(times, tuple(signals), samples)
