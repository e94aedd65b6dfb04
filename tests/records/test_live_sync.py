"""The ensemble Kalman filter: screening of bad data, tracking, forecasting, determinism."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from medtwin import Patient, Twin
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.interop import Measurement

PATIENT = Patient(name="live", sex="male", age_years=50, height_cm=178, weight_kg=80)
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _hr(value, seconds, source="test"):
    return Measurement("heart_rate", value, T0 + timedelta(seconds=seconds), source)


def test_bad_values_are_refused_with_reasons_and_the_loop_goes_on():
    estimator = EnsembleKalmanFilter(members=4, seed=3).fit(PATIENT, start=T0)
    report = estimator.update([_hr(70, 5), _hr(float("nan"), 6), _hr(0.0, 7), _hr(70, 5)])
    reasons = [d.reason for d in report.decisions]
    assert reasons.count(None) == 1
    assert "missing (NaN)" in reasons
    assert any(r and r.startswith("implausible: 0") for r in reasons)
    assert any(r and r.startswith("duplicate") for r in reasons)
    estimator.update([_hr(71, 400)])
    late = estimator.update([_hr(72, 100)])  # 300 s behind the twin, window 120 s
    assert late.decisions[0].reason.startswith("late: 300 s")
    within = estimator.update([_hr(72, 350)])  # late but within the window: used
    assert within.decisions[0].accepted
    assert estimator.counts["accepted"] == 3


def test_an_artefact_spike_is_gated_but_a_lasting_change_is_followed():
    estimator = EnsembleKalmanFilter(members=6, seed=1).fit(PATIENT, start=T0)
    resting = estimator.estimate()["vitals"]["heart_rate"]["mean"]
    spike = estimator.update([_hr(resting + 150, 10)])
    assert spike.decisions[0].reason.startswith("artefact")
    reports = [estimator.update([_hr(resting + 150, 11 + k)]) for k in range(3)]
    accepted = [report.decisions[0].accepted for report in reports]
    assert accepted == [False, False, True]  # after 3 gated in a row it is physiology


def test_the_filter_tracks_a_twin_with_a_different_heart_rate():
    truth = Twin(PATIENT.model_copy(update={"overrides": {"T_REST": 0.65}}), waveform_seconds=0.0)
    estimator = EnsembleKalmanFilter(members=8, seed=2).fit(PATIENT, start=T0)
    rng = np.random.default_rng(0)
    start_error = abs(estimator.predict(T0, ["heart_rate"])[0] - truth.vitals()["heart_rate"])
    for k in range(1, 61):
        truth.advance(1.0)
        estimator.update([_hr(truth.vitals()["heart_rate"] + rng.normal(0, 2), k)])
    truth.advance(30.0)
    final = estimator.predict(T0 + timedelta(seconds=90), ["heart_rate"])[0]
    assert start_error > 10  # T_REST 0.65 s against the patient's 0.87 s
    assert abs(final - truth.vitals()["heart_rate"]) < start_error / 3
    sd = estimator.estimate()["parameters"]["T_REST"]["sd"]
    assert sd < 0.08 * 0.87  # narrower than the prior spread


def test_same_seed_same_forecast_bit_for_bit():
    def run():
        estimator = EnsembleKalmanFilter(members=3, seed=5).fit(PATIENT, start=T0)
        estimator.update([_hr(75, 5), _hr(76, 6)])
        return estimator.forecast(120.0, every_s=60.0).samples

    assert np.array_equal(run(), run())


def test_forecast_bands_contain_the_mean():
    estimator = EnsembleKalmanFilter(members=4, seed=0).fit(PATIENT, start=T0)
    forecast = estimator.forecast(120.0, every_s=60.0)
    low, high = forecast.band("mean_arterial_pressure")
    mean = forecast.mean("mean_arterial_pressure")
    assert np.all(low <= mean) and np.all(mean <= high)
    with pytest.raises(ValueError, match="norepinephrine"):
        estimator.forecast(60.0, orders=["0 s: norepinephrine 99 mcg/kg/min IV infusion"])
