"""Calibration: fit a twin's free parameters so that its resting vitals match a record.

`Calibrator().fit(patient, targets)` starts from the patient's own parameters (their
demographics and conditions), then repeats: settle the twin at rest with the current
overrides, average its vitals over `average_s`, and move each free parameter by its
rule (`free_parameters`) toward its signal's target. It stops when every fitted
signal is within `tolerance` standard deviations of measurement noise of its target,
or after `max_iterations`. The report gives, per signal, the observed value, the
twin's, the residual and whether it lies within the noise, with the resources and
dates the target came from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

import numpy as np

from medtwin.assimilation.free_parameters import (
    FREE_PARAMETERS,
    FreeParameter,
    base_values,
    overrides_for,
)
from medtwin.assimilation.targets import Target
from medtwin.patients import Patient
from medtwin.twin import Twin

SHUNT_LIMITS = (0.0, 0.6)
"""A shunt is a fraction of cardiac output: at least 0; above 0.6 no breathing of room
air keeps a patient alive (Levitzky 2013, ch. 5: iso-shunt lines)."""


@dataclass(frozen=True)
class FitRow:
    """How well the twin matches one observed signal."""

    signal: str
    observed: float
    twin: float
    residual: float
    noise_sd: float
    within_noise: bool
    fitted_by: str | None
    resources: tuple[str, ...]
    times: tuple[str, ...]


@dataclass(frozen=True)
class Calibration:
    """A fitted patient, its free parameters, and the fit per signal."""

    patient: Patient
    parameters: dict[str, float]
    rows: tuple[FitRow, ...]
    iterations: int
    converged: bool

    def to_dict(self) -> dict:
        return {
            "parameters": self.parameters,
            "iterations": self.iterations,
            "converged": self.converged,
            "signals": [asdict(row) for row in self.rows],
        }


class Calibrator:
    """Fits free parameters to resting targets (see the module docstring)."""

    def __init__(
        self,
        *,
        max_iterations: int = 8,
        tolerance: float = 0.5,
        average_s: float = 120.0,
        seed: int = 0,
    ) -> None:
        self.max_iterations = max_iterations
        self.tolerance = tolerance
        self.average_s = average_s
        self.seed = seed
        self.calibration_: Calibration | None = None

    def fit(self, patient: Patient, targets: Mapping[str, Target]) -> Calibration:
        """Fit `patient`'s free parameters to `targets` (signal -> Target)."""
        targets = dict(targets)
        if "spo2" not in targets and "sao2" in targets:
            targets["spo2"] = replace(targets["sao2"], signal="spo2")
        fitted = [p for p in FREE_PARAMETERS if p.signal in targets]
        base_twin = Twin(patient, seed=self.seed, waveform_seconds=0.0)
        base = base_values(base_twin.snapshot().params)
        values = {p.name: base[p.name] for p in fitted}
        previous: dict[str, tuple[float, float]] = {}
        twin_vitals = self._resting_vitals(base_twin)
        iterations, converged = 0, self._converged(twin_vitals, targets, fitted)
        while not converged and iterations < self.max_iterations:
            for parameter in fitted:
                observed = twin_vitals[parameter.signal]
                step = _step(
                    parameter,
                    values[parameter.name],
                    observed,
                    targets[parameter.signal].value,
                    previous.get(parameter.name),
                )
                previous[parameter.name] = (values[parameter.name], observed)
                values[parameter.name] = step
            iterations += 1
            candidate = patient.model_copy(
                update={"overrides": {**patient.overrides, **overrides_for(values, base)}}
            )
            twin_vitals = self._resting_vitals(
                Twin(candidate, seed=self.seed, waveform_seconds=0.0)
            )
            converged = self._converged(twin_vitals, targets, fitted)
        fitted_patient = Patient(
            **{
                **patient.model_dump(),
                "overrides": {**patient.overrides, **overrides_for(values, base)},
            }
        )
        rows = tuple(
            _row(signal, target, twin_vitals, fitted) for signal, target in sorted(targets.items())
        )
        self.calibration_ = Calibration(fitted_patient, values, rows, iterations, converged)
        return self.calibration_

    def _resting_vitals(self, twin: Twin) -> dict[str, float]:
        twin.advance(self.average_s)
        history = twin.history()
        recent = history[history["time_s"] > twin.time_s - self.average_s]
        return {name: float(recent[name].mean()) for name in recent.columns if name != "time_s"}

    def _converged(self, vitals: dict, targets: Mapping[str, Target], fitted: list) -> bool:
        return all(
            abs(vitals[p.signal] - targets[p.signal].value)
            <= self.tolerance * targets[p.signal].noise_sd
            for p in fitted
        )


def _step(
    parameter: FreeParameter,
    value: float,
    twin: float,
    target: float,
    previous: tuple[float, float] | None,
) -> float:
    """The parameter's next value by its rule."""
    if parameter.rule == "reciprocal":
        return value * twin / target
    if parameter.rule == "additive":
        return value + (target - twin)
    if parameter.rule == "proportional":
        return value * target / twin
    if parameter.rule == "temperature":
        from medtwin.physiology.parameters import REFERENCE

        ambient = REFERENCE["T_AMBIENT"].value
        return value * (twin - ambient) / (target - ambient)
    slope = parameter.initial_slope
    if previous is not None and previous[0] != value and previous[1] != twin:
        slope = (twin - previous[1]) / (value - previous[0])
    low, high = SHUNT_LIMITS
    return float(np.clip(value + (target - twin) / slope, low, high))


def _row(signal: str, target: Target, vitals: Mapping[str, float], fitted: list) -> FitRow:
    twin = vitals.get(signal, math.nan)
    residual = target.value - twin
    by = next((p.name for p in fitted if p.signal == signal), None)
    return FitRow(
        signal,
        target.value,
        twin,
        residual,
        target.noise_sd,
        bool(abs(residual) <= target.noise_sd),
        by,
        target.resources,
        target.times,
    )
