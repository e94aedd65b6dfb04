"""Live state estimation: an ensemble Kalman filter over the twin's slowly varying parameters.

The filter is the stochastic EnKF with perturbed observations (Evensen G. The Ensemble
Kalman Filter: theoretical formulation and practical implementation. Ocean Dyn
2003;53:343-367; Burgers G, van Leeuwen PJ, Evensen G. Mon Weather Rev
1998;126:1719-1724), with the state augmented by parameters (Evensen G. The ensemble
Kalman filter for combined state and parameter estimation. IEEE Control Syst Mag
2009;29(3):83-104). The members' physiological state (volumes, pressures, gases,
reflex states) is carried by the model itself and never edited, so every member keeps
its blood volume and gas mass balance; the analysis moves the free parameters
(`free_parameters`), whose effect on the vitals is immediate (set point, heart period,
arterial elastance, shunt, breathing rate). Parameters drift as a random walk between
analyses (`drift_per_sqrt_h`, the usual way to let an EnKF track slowly varying
parameters: Evensen 2009, section "parameter estimation"), which also keeps the
ensemble from collapsing.

Observations are screened first (`screening`); an innovation gate then refuses values
more than `gate_sd` standard deviations of (ensemble + noise) from the prediction as
artefacts (chi-square gating: Bar-Shalom Y, Li XR, Kirubarajan T. Estimation with
Applications to Tracking and Navigation. Wiley 2001, section 7.4), unless a signal has
been gated `accept_after_gated` times in a row: a change that persists is physiology.

The verbs are those of every medtwin estimator: `fit` to a record (a twin file, a
Patient or a Twin), `update` with observations, `forecast`.
"""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from medtwin.actions import ActionBase, parse_timed_order
from medtwin.assimilation.ensemble import Ensemble
from medtwin.assimilation.forecast import FORECAST_SIGNALS, Forecast, forecast_from
from medtwin.assimilation.free_parameters import FREE_PARAMETERS
from medtwin.assimilation.noise import NOISE, OBSERVABLE
from medtwin.assimilation.screening import Decision, Screen
from medtwin.interop.measurement import Measurement
from medtwin.patients import Patient
from medtwin.twin import Twin

LOG_LENGTH = 10_000
"""Decisions kept in `log` (older ones are dropped; counts keep every one)."""


@dataclass(frozen=True)
class UpdateReport:
    """What one `update` did: every decision, and the estimate after it."""

    decisions: tuple[Decision, ...]
    estimate: dict

    @property
    def accepted(self) -> int:
        return sum(d.accepted for d in self.decisions)


@dataclass
class EnsembleKalmanFilter:
    """An EnKF of `members` twins over `parameters` (see the module docstring)."""

    members: int = 50
    seed: int = 0
    parameters: Sequence[str] = tuple(p.name for p in FREE_PARAMETERS)
    late_window_s: float = 120.0
    gate_sd: float = 5.0
    accept_after_gated: int = 3
    drift_per_sqrt_h: float = 0.05
    log: deque = field(default_factory=lambda: deque(maxlen=LOG_LENGTH))
    counts: Counter = field(default_factory=Counter)

    def fit(
        self, source: Twin | Patient | str | os.PathLike, start: datetime | None = None
    ) -> EnsembleKalmanFilter:
        """Start the ensemble from a record's calibrated twin (a twin file path, a Patient
        or a Twin, at rest); `start` is the wall time of the twin's present (default:
        the first observation's)."""
        twin = (
            source
            if isinstance(source, Twin)
            else Twin(source, seed=self.seed, waveform_seconds=0.0)
        )
        self._rng = np.random.default_rng(self.seed)
        self.ensemble = Ensemble(twin, self.parameters, self.members, self._rng)
        self._origin = None if start is None else start - _seconds(twin.time_s)
        self._screen = Screen(self.late_window_s)
        self._gated = Counter()
        self._last_analysis_s = twin.time_s
        return self

    def state(self) -> dict:
        """What changes as the filter runs, besides the members' engine rows: parameters,
        the generator's state, the time origin, the screen's memory, the gate's counts,
        the last analysis, the log and counts (a checkpoint's; `restore_state`)."""
        return {
            "theta": self.ensemble.theta.copy(),
            "rng": self._rng.bit_generator.state,
            "origin": self._origin,
            "memory": self._screen.memory(),
            "gated": dict(self._gated),
            "last_analysis_s": self._last_analysis_s,
            "log": list(self.log),
            "counts": dict(self.counts),
        }

    def restore_state(self, state: dict) -> None:
        """Take up `state` (`state()` of a filter fitted the same way, and since run on),
        with the members' engine rows already restored."""
        self.ensemble.theta = np.array(state["theta"], dtype=float)
        self._rng.bit_generator.state = state["rng"]
        self._origin = state["origin"]
        self._screen.recall(state["memory"])
        self._gated = Counter(state["gated"])
        self._last_analysis_s = state["last_analysis_s"]
        self.log.extend(state["log"])
        self.counts.update(state["counts"])

    @property
    def time(self) -> datetime | None:
        """Wall time of the ensemble's present (None before the first observation)."""
        return None if self._origin is None else self._origin + _seconds(self.ensemble.time_s)

    def predict(self, when: datetime, signals: Sequence[str]) -> np.ndarray:
        """Advance the ensemble to `when` (if later) and return its mean of `signals`: the
        prediction made before the observations of that time are seen."""
        if self._origin is None:
            self._origin = when - _seconds(self.ensemble.time_s)
        seconds = (when - self.time).total_seconds()
        if seconds > 0:
            self.ensemble.advance(seconds)
        return self.ensemble.predicted(signals).mean(axis=0)

    def update(self, measurements: Iterable[Measurement]) -> UpdateReport:
        """Assimilate `measurements` (any order); refused ones are logged with a reason."""
        decisions = []
        accepted = []
        for measurement in sorted(measurements, key=lambda m: m.time):
            if self._origin is None:
                self._origin = measurement.time - _seconds(self.ensemble.time_s)
            decision = self._screen.decide(measurement, self.time)
            decisions.append(decision)
            if decision.accepted:
                accepted.append(decision)
        by_time: dict[datetime, list[Decision]] = {}
        for decision in accepted:
            when = max(decision.measurement.time, self.time)
            by_time.setdefault(when, []).append(decision)
        for when in sorted(by_time):
            seconds = (when - self.time).total_seconds()
            if seconds > 0:
                self.ensemble.advance(seconds)
            decisions = self._analyse(by_time[when], decisions)
        for decision in decisions:
            self.log.append(decision)
            self.counts[(decision.reason or "accepted").split(":")[0]] += 1
        return UpdateReport(tuple(decisions), self.estimate())

    def _analyse(self, group: list[Decision], decisions: list[Decision]) -> list[Decision]:
        """One analysis with the observations of one time; returns `decisions` with the
        gated ones changed to refusals."""
        self._drift()
        signals = [d.measurement.signal for d in group]
        predicted = self.ensemble.predicted(signals)
        observed = np.array([d.measurement.value for d in group])
        noise_var = np.array(
            [
                NOISE[s].sd ** 2 * (1.0 + d.lag_s / self.late_window_s)
                for s, d in zip(signals, group, strict=True)
            ]
        )
        spread_var = predicted.var(axis=0, ddof=1)
        innovation = observed - predicted.mean(axis=0)
        keep = []
        for j, decision in enumerate(group):
            sd = np.sqrt(spread_var[j] + noise_var[j])
            signal = signals[j]
            if (
                abs(innovation[j]) > self.gate_sd * sd
                and self._gated[signal] < self.accept_after_gated
            ):
                self._gated[signal] += 1
                refused = Decision(
                    decision.measurement,
                    False,
                    f"artefact: {abs(innovation[j]) / sd:.1f} SD from the twin's prediction",
                )
                decisions = [refused if d is decision else d for d in decisions]
            else:
                self._gated[signal] = 0
                keep.append(j)
        if keep:
            self._kalman_step(predicted[:, keep], observed[keep], noise_var[keep])
        return decisions

    def _kalman_step(
        self, predicted: np.ndarray, observed: np.ndarray, noise_var: np.ndarray
    ) -> None:
        theta = self.ensemble.theta
        n = len(theta)
        theta_anomaly = theta - theta.mean(axis=0)
        predicted_anomaly = predicted - predicted.mean(axis=0)
        cross = theta_anomaly.T @ predicted_anomaly / (n - 1)
        innovation_cov = predicted_anomaly.T @ predicted_anomaly / (n - 1) + np.diag(noise_var)
        gain = np.linalg.solve(innovation_cov, cross.T).T
        perturbed = observed + self._rng.standard_normal(predicted.shape) * np.sqrt(noise_var)
        self.ensemble.theta = theta + (perturbed - predicted) @ gain.T
        self.ensemble.apply_parameters()

    def _drift(self) -> None:
        """Random-walk the parameters for the time since the last analysis."""
        elapsed_h = (self.ensemble.time_s - self._last_analysis_s) / 3600.0
        self._last_analysis_s = self.ensemble.time_s
        if elapsed_h > 0:
            step_sd = self.drift_per_sqrt_h * np.sqrt(elapsed_h)
            self.ensemble.theta += self._rng.standard_normal(self.ensemble.theta.shape) * step_sd

    def estimate(self) -> dict:
        """Ensemble mean and SD of the observable vitals and of the free parameters."""
        predicted = self.ensemble.predicted(OBSERVABLE)
        values = self.ensemble.values()
        return {
            "time": None if self.time is None else self.time.isoformat(),
            "twin_time_s": self.ensemble.time_s,
            "vitals": {
                s: {"mean": float(predicted[:, j].mean()), "sd": float(predicted[:, j].std(ddof=1))}
                for j, s in enumerate(OBSERVABLE)
            },
            "parameters": {
                n: {
                    "mean": float(np.mean([v[n] for v in values])),
                    "sd": float(np.std([v[n] for v in values], ddof=1)),
                }
                for n in self.ensemble.names
            },
        }

    def forecast(
        self,
        horizon_s: float,
        every_s: float = 60.0,
        orders: Sequence[str | tuple[float, ActionBase]] = (),
        signals: Sequence[str] = FORECAST_SIGNALS,
    ) -> Forecast:
        """Fork every member and run it `horizon_s` ahead under `orders` ("10 min: ...")."""
        timed = [parse_timed_order(o) if isinstance(o, str) else o for o in orders]
        return forecast_from(self.ensemble.snapshots(), timed, horizon_s, every_s, signals)


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)
