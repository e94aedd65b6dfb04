"""Replaying a PhysioNet numerics record as live data into a twin, and scoring it.

The patient is the record's (age and sex from its header; height and weight the
population means of `patients.population` for that sex, as the record has none). The
twin is calibrated to the medians of the first `fit_minutes` of plausible values, then
the whole record streams into an `EnsembleKalmanFilter`, one sample time at a time.
Per signal the replay reports:
- `tracking_mae`: mean absolute error of the ensemble mean *predicted before* each
  accepted observation was seen (a one-sample-ahead prediction; the analysis after it
  would match it by construction);
- `forecast5_mae`, `forecast15_mae`: every `forecast_every_s`, the ensemble is forked and
  run 15 minutes ahead without data; its mean at 5 and 15 minutes against the
  observations then;
- `persistence5_mae`, `persistence15_mae`: the same for the persistence baseline (the
  last accepted value carried forward), the usual reference a forecast must beat
  (Hyndman RJ, Athanasopoulos G. Forecasting: Principles and Practice, 3rd ed., 2021,
  section 5.2, the naive method).
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

import numpy as np

from medtwin.assimilation.calibration import Calibrator
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.assimilation.noise import NOISE, implausible_reason
from medtwin.assimilation.targets import Target
from medtwin.interop.measurement import InteropError, Measurement
from medtwin.interop.wfdb_read import NumericsRecord, read_numerics
from medtwin.patients import Patient
from medtwin.patients.population import BMI_MEAN, HEIGHT_MEAN_SD_CM

HORIZONS_S = (300.0, 900.0)
COLUMNS = (
    "signal",
    "tracking_mae",
    "forecast5_mae",
    "persistence5_mae",
    "forecast15_mae",
    "persistence15_mae",
)


@dataclass
class ReplayResult:
    """Scores per signal, and the traces for a plot."""

    record: str
    rows: list[dict[str, float | str]]
    counts: dict[str, int]
    traces: dict[str, list[tuple[float, float, float, float]]] = field(default_factory=dict)
    """signal -> (minutes, observed, predicted mean, predicted SD) per accepted sample."""


def patient_for(record: NumericsRecord) -> Patient:
    """The record's patient, from its header (see the module docstring)."""
    if record.age_years is None or record.sex is None:
        raise InteropError(f"{record.name}: the header has no '<age>: .. <sex>: ..' comment")
    height = HEIGHT_MEAN_SD_CM[record.sex][0]
    return Patient(
        name=record.name,
        sex=record.sex,
        age_years=record.age_years,
        height_cm=height,
        weight_kg=round(BMI_MEAN * (height / 100.0) ** 2, 1),
        source=f"PhysioNet record {record.name} (header age and sex)",
    )


def opening_targets(record: NumericsRecord, fit_minutes: float) -> dict[str, Target]:
    """Medians of the plausible values of the first `fit_minutes`, per signal."""
    end = record.start + timedelta(minutes=fit_minutes)
    found = defaultdict(list)
    for m in record.measurements:
        if m.time < end and m.signal in NOISE and implausible_reason(m.signal, m.value) is None:
            found[m.signal].append(m)
    return {
        s: Target(
            s,
            median(m.value for m in ms),
            NOISE[s].sd,
            (record.name,),
            (ms[0].time.isoformat(), ms[-1].time.isoformat()),
        )
        for s, ms in found.items()
    }


def replay(
    record_path: str | os.PathLike,
    *,
    members: int = 20,
    seed: int = 0,
    fit_minutes: float = 10.0,
    minutes: float | None = None,
    forecast_every_s: float = 900.0,
) -> ReplayResult:
    """Replay a numerics record into a twin (see the module docstring)."""
    record = read_numerics(record_path)
    targets = opening_targets(record, fit_minutes)
    if not targets:
        raise InteropError(
            f"{record.name}: no plausible values in the first {fit_minutes:g} minutes"
        )
    calibration = Calibrator(seed=seed).fit(patient_for(record), targets)
    estimator = EnsembleKalmanFilter(members=members, seed=seed).fit(
        calibration.patient, start=record.start
    )
    end = record.start + timedelta(minutes=minutes) if minutes is not None else None
    by_time: dict[datetime, list[Measurement]] = defaultdict(list)
    for m in record.measurements:
        if end is None or m.time < end:
            by_time[m.time].append(m)
    return _stream(record, estimator, by_time, forecast_every_s)


def _stream(record, estimator, by_time, forecast_every_s) -> ReplayResult:
    errors = defaultdict(list)
    observed_at: dict[tuple[str, datetime], float] = {}
    last_value: dict[str, float] = {}
    pending = []  # (due time, signal, forecast, persistence, horizon)
    traces = defaultdict(list)
    next_forecast = record.start
    signals = sorted({m.signal for ms in by_time.values() for m in ms if m.signal in NOISE})
    for when in sorted(by_time):
        prior = dict(zip(signals, estimator.predict(when, signals), strict=True))
        report = estimator.update(by_time[when])
        for decision in report.decisions:
            m = decision.measurement
            if decision.accepted:
                errors[(m.signal, "tracking")].append(abs(prior[m.signal] - m.value))
                observed_at[(m.signal, m.time)] = m.value
                last_value[m.signal] = m.value
                sd = report.estimate["vitals"][m.signal]["sd"]
                minutes = (m.time - record.start).total_seconds() / 60.0
                traces[m.signal].append((minutes, m.value, prior[m.signal], sd))
        if when >= next_forecast and last_value:
            forecast = estimator.forecast(max(HORIZONS_S), every_s=min(HORIZONS_S), signals=signals)
            for horizon in HORIZONS_S:
                k = round(horizon / min(HORIZONS_S)) - 1
                for signal in last_value:
                    pending.append(
                        (
                            when + timedelta(seconds=horizon),
                            signal,
                            float(forecast.mean(signal)[k]),
                            last_value[signal],
                            horizon,
                        )
                    )
            next_forecast = when + timedelta(seconds=forecast_every_s)
    tolerance = timedelta(seconds=record.sample_interval_s / 2)
    for due, signal, predicted, persisted, horizon in pending:
        value = _observed_near(observed_at, signal, due, tolerance)
        if value is not None:
            label = int(horizon // 60)
            errors[(signal, f"forecast{label}")].append(abs(predicted - value))
            errors[(signal, f"persistence{label}")].append(abs(persisted - value))
    rows = []
    for signal in signals:
        row: dict[str, float | str] = {"signal": signal}
        for column in COLUMNS[1:]:
            values = errors.get((signal, column.removesuffix("_mae")), [])
            row[column] = float(np.mean(values)) if values else math.nan
        rows.append(row)
    return ReplayResult(record.name, rows, dict(estimator.counts), dict(traces))


def _observed_near(observed_at, signal, due, tolerance) -> float | None:
    if (signal, due) in observed_at:
        return observed_at[(signal, due)]
    for (s, t), value in observed_at.items():
        if s == signal and abs(t - due) <= tolerance:
            return value
    return None
