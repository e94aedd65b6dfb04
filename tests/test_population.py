"""A generated cohort of 100 adults at rest: finite, physiological, and steady.

The cohort (ages 18-90, BMI 17-40) runs as one `Batch` of 200 rows, simulated for
30 minutes after its cached resting steady state:

- rows 0-99 are the patients as a twin would run them, each with its own variability
  seed, for the limits at every 1 Hz value;
- rows 100-199 are the same patients with the random beat-to-beat and breath-to-breath
  variability switched off (HEART_PERIOD_CV = BREATH_PERIOD_CV = 0), for the drift check.
  With the variability on, two 5-minute means of one patient's respiratory rate differ by
  up to ~5 % from sampling alone (BREATH_PERIOD_CV 0.1, Tobin 1983, and only 50-90 breaths
  per window), which would hide or fake a drift of 2 %; without it a difference between
  the windows can only come from the model not being at rest.
"""

from __future__ import annotations

import numpy as np
import pytest

import medtwin
from medtwin.patients import Patient
from medtwin.physiology.batch import Batch
from medtwin.physiology.layout import DEVICE_SIGNALS, M
from medtwin.physiology.parameters import P
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states

N_PATIENTS = 100
POPULATION_SEED = 2024
AGE_RANGE = (18, 90)
BMI_RANGE = (17, 40)
RUN_S = 1800.0
WINDOW_S = 300
MAX_DRIFT = 0.02

# Broad limits for a healthy adult lying at rest, wide enough for the spread of body
# sizes and ages and the beat-to-beat and breath-to-breath variability, narrow enough
# that a value outside is clearly not a resting healthy adult (a model fault).
LIMITS: dict[str, tuple[float, float, str]] = {
    "heart_rate": (40.0, 140.0, "/min: athlete's resting bradycardia to marked tachycardia"),
    "systolic_bp": (80.0, 200.0, "mmHg: below is hypotension, above a hypertensive crisis"),
    "diastolic_bp": (40.0, 120.0, "mmHg: below is hypotension, above a hypertensive crisis"),
    "mean_arterial_pressure": (60.0, 140.0, "mmHg: 60 is the floor of organ perfusion"),
    "spo2": (90.0, 100.0, "%: below 90 is hypoxaemia on room air"),
    "respiratory_rate": (6.0, 30.0, "/min, per breath: bradypnoea to tachypnoea"),
    "etco2": (30.0, 50.0, "mmHg: 35-45 normal (Levitzky p74) with 5 mmHg margin"),
    "paco2": (30.0, 50.0, "mmHg: 40 normal (Guyton p504); beyond is clear hypo/hypercapnia"),
    "pao2": (60.0, 120.0, "mmHg: 95 normal (Guyton p503); < 60 is respiratory failure"),
    "ph_arterial": (7.30, 7.50, "7.35-7.45 normal (Guyton p384) with 0.05 margin"),
    "core_temperature": (36.0, 38.0, "degC: 37 (Herman 2007); beyond is hypothermia or fever"),
    "cardiac_output": (2.0, 12.0, "L/min: BSA 1.4-2.6 m2 at an index of 1.4-4.6 L/min/m2"),
    "central_venous_pressure": (-2.0, 12.0, "mmHg: 2-6 normal (Leeuwen p93) plus breathing"),
}
VITALS = tuple(LIMITS)


@pytest.fixture(scope="module")
def cohort() -> list[Patient]:
    return medtwin.generate_population(
        N_PATIENTS, seed=POPULATION_SEED, age_range=AGE_RANGE, bmi_range=BMI_RANGE
    )


@pytest.fixture(scope="module")
def histories(cohort) -> tuple[np.ndarray, np.ndarray]:
    """1 Hz histories (n, k, N_MONITOR): with variability, and without it."""
    varying = np.array([parameters_for(p, seed=i) for i, p in enumerate(cohort)])
    quiet = varying.copy()
    quiet[:, P.HEART_PERIOD_CV] = 0.0
    quiet[:, P.BREATH_PERIOD_CV] = 0.0
    params = np.vstack([varying, quiet])
    settled, state, monitors = resting_states(params)
    recording = Batch(settled, state, monitors).advance(RUN_S)
    assert recording.history.shape == (2 * N_PATIENTS, int(RUN_S), len(M))
    return recording.history[:N_PATIENTS], recording.history[N_PATIENTS:]


def _who(patient: Patient) -> str:
    return (
        f"{patient.name} ({patient.sex}, {patient.age_years:.0f} y, {patient.height_cm:.0f} cm, "
        f"{patient.weight_kg:.0f} kg, BMI {patient.bmi:.1f})"
    )


def test_cohort_spans_the_requested_demographics(cohort):
    """The cohort covers what the other tests claim: both sexes, old and young, thin and obese."""
    ages = np.array([p.age_years for p in cohort])
    bmis = np.array([p.bmi for p in cohort])
    assert {p.sex for p in cohort} == {"male", "female"}
    assert AGE_RANGE[0] <= ages.min() < 30 and 80 < ages.max() <= AGE_RANGE[1]
    assert BMI_RANGE[0] <= bmis.min() < 20 and 35 < bmis.max() <= BMI_RANGE[1]


def test_every_value_is_finite(histories):
    """No NaN or infinity in any signal of any patient at any second (but what only a
    ventilator measures, missing without one)."""
    measured = [m for m in M if m.name not in DEVICE_SIGNALS]
    for label, history in zip(("with", "without"), histories, strict=True):
        bad = np.zeros(history.shape, dtype=bool)
        bad[:, :, measured] = ~np.isfinite(history[:, :, measured])
        if bad.any():
            patient, second, column = np.argwhere(bad)[0]
            pytest.fail(
                f"{label} variability: {M(column).name} is {history[patient, second, column]} "
                f"for patient {patient} at {second + 1} s ({bad.sum()} bad values)"
            )


@pytest.mark.parametrize("vital", VITALS)
def test_every_second_is_within_physiological_limits(histories, cohort, vital):
    """Every 1 Hz value of every patient lies within broad limits for a resting adult.

    Limits and their reasons are in LIMITS; the normal values they bracket are those of
    shared/reference/physiology_targets.csv (sources named there).
    """
    low, high, why = LIMITS[vital]
    failures = []
    for label, history in zip(("with", "without"), histories, strict=True):
        values = history[:, :, M[vital]]
        for i in np.flatnonzero((values.min(axis=1) < low) | (values.max(axis=1) > high)):
            failures.append(
                f"{_who(cohort[i])}, {label} variability: {vital} "
                f"{values[i].min():.3g}-{values[i].max():.3g}"
            )
    assert not failures, f"outside {low}-{high} ({why}):\n" + "\n".join(failures)


@pytest.mark.parametrize("vital", VITALS)
def test_no_drift_over_half_an_hour(histories, cohort, vital):
    """Mean of the last 5 min within 2 % of the mean of the first 5 min, every patient.

    The run starts at the settled resting state, so both windows are after settling;
    variability is off (see the module docstring) so a difference is a model drift.
    """
    values = histories[1][:, :, M[vital]]
    first = values[:, :WINDOW_S].mean(axis=1)
    last = values[:, -WINDOW_S:].mean(axis=1)
    drift = np.abs(last - first) / np.abs(first)
    failures = [
        f"{_who(cohort[i])}: {vital} {first[i]:.4g} -> {last[i]:.4g} ({100 * drift[i]:.2f} %)"
        for i in np.flatnonzero(drift > MAX_DRIFT)
    ]
    assert not failures, "\n".join(failures)
