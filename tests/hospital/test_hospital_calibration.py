"""Calibration from an event log: the fitted model must give back the parameters that
made the log (the Treatment Centre's published ones, Nelson 2013 via treat-sim)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtwin.hospital import ModelError, load_model, model_from_dict, simulate
from medtwin.hospital.calibration import calibrate
from medtwin.hospital.eventlog import read_event_log, write_event_log

DAYS = 15


@pytest.fixture(scope="module")
def centre():
    return load_model("treatment-centre")


@pytest.fixture(scope="module")
def calibration(centre, tmp_path_factory):
    """Fit a log of 15 days in which every patient finishes (arrivals stop at 12 am and the
    run goes on for a day), so long services are not cut off by the end of the run."""
    data = centre.model_dump(by_alias=True)
    data["run"] = {"length_min": 18 * 60 + 24 * 60, "warm_up_min": 0}
    data["arrivals"]["after_profile"] = "none"
    draining = model_from_dict(data)
    path = tmp_path_factory.mktemp("log") / "events.csv"
    write_event_log(draining, [simulate(draining, r, seed=5) for r in range(DAYS)], path)
    return calibrate(read_event_log(path))


def test_fitted_service_means_and_variances_are_the_published_ones(centre, calibration):
    """Within 4 standard errors of the sample mean and variance (normal approximations)."""
    for name, activity in centre.activities.items():
        fit = calibration.chosen[name]
        mean, variance = activity.duration.mean, activity.duration.variance
        se_mean = math.sqrt(variance / fit.n)
        assert abs(fit.duration.mean - mean) < 4 * se_mean, name
        # var of the sample variance ~ 2 var^2 / n for near-normal, more for exponential
        assert abs(fit.duration.variance - variance) < 4 * math.sqrt(8 / fit.n) * variance, name


def test_exponential_services_are_recognised_as_exponential(calibration):
    assert calibration.chosen["triage"].duration.distribution == "exponential"
    assert calibration.chosen["trauma"].duration.distribution == "exponential"
    assert calibration.chosen["examination"].duration.distribution != "exponential"
    fits = calibration.diagnostics()
    chosen = fits[fits["chosen"]]
    assert len(chosen) == 6 and np.all(chosen["ks_p_value"] > 0.001)


def test_the_fitted_arrival_profile_is_nelsons(centre, calibration):
    assert calibration.start_hour == 6 and calibration.days == DAYS
    rates = np.array(calibration.arrivals_per_hour)
    published = np.array(centre.arrivals.rates_per_hour)
    assert rates.shape == published.shape
    assert np.all(np.abs(rates - published) < 4 * np.sqrt(published / DAYS) + 0.2)


@pytest.mark.parametrize(("text", "message"), [
    ("patient,activity,start,end\n", "missing column"),
    ("patient_id,activity,start,end\n1,triage,2024-01-01T06:00,2024-01-01T05:00\n",
     "row 2 ends"),
    ("patient_id,activity,start,end\n1,triage,yesterday,2024-01-01T05:00\n",
     "row 2 start 'yesterday' is not an ISO 8601 timestamp"),
    ("patient_id,activity,start,end\n1,,2024-01-01T06:00,2024-01-01T06:05\n",
     "row 2 has an empty activity"),
])  # fmt: skip
def test_a_bad_event_log_is_refused_naming_the_row(tmp_path, text, message):
    path = tmp_path / "log.csv"
    path.write_text(text)
    with pytest.raises(ModelError, match=message):
        read_event_log(path)


def test_an_activity_seen_once_cannot_be_fitted(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("patient_id,activity,start,end\n1,xray,2024-01-01T06:00,2024-01-01T06:05\n")
    with pytest.raises(ModelError, match="activity 'xray' has 1 finished service"):
        calibrate(read_event_log(path))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(["1", "2", ""]), st.sampled_from(["a", "arrival", "b"]),
                          st.sampled_from(["2024-01-01T06:00", "2024-01-01T06:07:30", "x", ""]),
                          st.sampled_from(["2024-01-01T06:10", "2024-01-01T05:00", "2024-13-01"])),
                max_size=8))  # fmt: skip
def test_fuzz_event_logs_calibrate_or_are_refused_cleanly(tmp_path, rows):
    path = tmp_path / "fuzz.csv"
    path.write_text("patient_id,activity,start,end\n" + "".join(",".join(r) + "\n" for r in rows))
    try:
        fitted = calibrate(read_event_log(path))
    except ModelError as error:
        assert str(error)
    else:
        assert all(rate >= 0 for rate in fitted.arrivals_per_hour)
        assert all(fit.duration.mean > 0 for fit in fitted.chosen.values())
