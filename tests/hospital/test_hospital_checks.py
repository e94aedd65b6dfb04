"""Checks the simulation must pass whatever its parameters: extremes, queueing theory,
Little's law, shifts, common random numbers and bit-identical repeats."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from medtwin.hospital import apply_scenario, load_model, model_from_dict, run_replications
from medtwin.hospital import simulate as simulate_replication
from medtwin.hospital.kpis import summarise

DATA = Path(__file__).parents[1] / "data" / "hospital"


def variant(model, **sections):
    """`model` with some sections replaced (through the validating constructor)."""
    data = model.model_dump(by_alias=True)
    for section, value in sections.items():
        data[section] = value
    return model_from_dict(data)


@pytest.fixture(scope="module")
def centre():
    return load_model("treatment-centre")


@pytest.fixture(scope="module")
def clinic():
    return load_model(DATA / "clinic.yaml")


def test_no_arrivals_means_no_waiting_and_idle_resources(centre):
    quiet = apply_scenario(centre, "arrivals*0")
    summary = summarise(quiet, simulate_replication(quiet, 0))
    kpis = summary.kpis
    assert kpis["arrivals"] == 0 and kpis["throughput"] == 0
    assert all(math.isnan(kpis[k]) for k in kpis if k.endswith("_wait") or "total_time" in k)
    assert all(kpis[k] == 0 for k in kpis if k.endswith("_util"))
    assert all(np.all(q == 0) for q in summary.hourly.queue_length.values())


def test_unlimited_resources_mean_nobody_waits(centre):
    unlimited = apply_scenario(centre, ",".join(f"{r}=unlimited" for r in centre.resources))
    table = run_replications(unlimited, 3, cluster="serial").table
    waits = table[[k for k in table.columns if "wait" in k]].to_numpy()
    assert np.all(waits == 0.0)
    # with no queueing a trauma patient's stay is the sum of the three mean service times
    # (3 + 90 + 30 min, treat-sim defaults) up to sampling noise and end-of-run censoring
    assert table["total_time_trauma"].mean() == pytest.approx(123, rel=0.25)


def test_utilisation_never_passes_one_even_far_overloaded(centre):
    overloaded = apply_scenario(centre, "arrivals*3")
    model = variant(overloaded, kpis={
        r: {"measure": "utilisation", "resource": r} for r in centre.resources
    })  # fmt: skip
    for replication in range(3):
        summary = summarise(model, simulate_replication(model, replication))
        assert all(0 <= u <= 1 for u in summary.kpis.values())
        assert all(np.all(u <= 1) for u in summary.hourly.utilisation.values())
        # saturated hours count as fully busy, not more
        assert summary.hourly.utilisation["registration"].max() == pytest.approx(1.0, abs=1e-12)


def test_treat_sims_started_work_fraction_can_pass_one_where_busy_time_cannot(centre):
    """treat-sim counts a stabilisation begun before the end in full (its trauma "util")."""
    model = variant(centre, kpis={
        "started": {"measure": "started_work_fraction", "resource": "trauma"},
        "busy": {"measure": "utilisation", "resource": "trauma"},
    })  # fmt: skip
    results = run_replications(model, 20, cluster="serial").table
    assert np.all(results["busy"] <= 1)
    assert np.all(results["started"] >= results["busy"] - 1e-12)
    assert (results["started"] > 1).any()


@pytest.fixture(scope="module")
def long_mm1(clinic):
    """The clinic (M/M/1, lambda 0.5/min, mean service 1.5 min) over 200 h per replication."""
    model = variant(clinic, run={"length_min": 12_000.0, "warm_up_min": 500.0}, kpis={
        "arrivals": {"measure": "arrivals"},
        "wait": {"measure": "mean_wait", "activity": "consultation"},
        "queue": {"measure": "mean_queue_length", "activity": "consultation"},
        "util": {"measure": "utilisation", "resource": "nurse"},
    })  # fmt: skip
    return run_replications(model, 4, cluster="serial").table


def test_mm1_wait_and_utilisation_match_queueing_theory(long_mm1):
    """Gross et al. (2008) sec. 2.2: rho = 0.75, Wq = rho / (mu - lambda) = 4.5 min."""
    assert long_mm1["util"].mean() == pytest.approx(0.75, abs=0.015)
    assert long_mm1["wait"].mean() == pytest.approx(4.5, rel=0.12)


def test_littles_law_holds_on_the_outputs(long_mm1):
    """Lq = lambda Wq (Little 1961), with lambda the observed arrivals per minute."""
    arrival_rate_per_min = long_mm1["arrivals"] / (12_000.0 - 500.0)
    little = arrival_rate_per_min * long_mm1["wait"]
    np.testing.assert_allclose(long_mm1["queue"], little, rtol=0.02)


def test_a_lunchtime_shift_adds_a_server_and_a_closed_hour_starts_nobody(clinic):
    staffed = variant(clinic, shifts={"nurse": {12: 2, 14: 1}})
    closing = variant(clinic, shifts={"nurse": {12: 0, 13: 1}})
    base_wait = run_replications(clinic, 5, cluster="serial").table["consultation_wait"]
    staffed_wait = run_replications(staffed, 5, cluster="serial").table["consultation_wait"]
    assert np.all(staffed_wait < base_wait)
    record = simulate_replication(closing, 0)
    starts = record.service_start_min[np.isfinite(record.service_start_min)]
    lunch = (starts > 4 * 60 + 2.0) & (starts < 5 * 60)  # 12:00-13:00; 2 min for the one in hand
    assert not lunch.any()
    hourly = summarise(closing, record).hourly
    assert hourly.queue_length["consultation"][4] > hourly.queue_length["consultation"][3]
    assert np.all(hourly.utilisation["nurse"] <= 1)


def test_same_seed_same_results_bit_for_bit_and_another_seed_differs(centre):
    first = run_replications(centre, 3, seed=11, cluster="serial").table
    again = run_replications(centre, 3, seed=11, cluster="serial").table
    other = run_replications(centre, 3, seed=12, cluster="serial").table
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert not first.equals(other)


def test_two_dask_workers_give_the_serial_results_exactly(centre):
    serial = run_replications(centre, 4, seed=3, cluster="serial").table
    on_dask = run_replications(centre, 4, seed=3, cluster="local", workers=2).table
    pd.testing.assert_frame_equal(serial, on_dask, check_exact=True)


def test_common_random_numbers_leave_what_a_scenario_cannot_touch_unchanged(centre):
    """More examination rooms change nothing upstream: same arrivals, same triage waits."""
    base = run_replications(centre, 5, cluster="serial").table
    more_rooms = run_replications(apply_scenario(centre, "exam=4"), 5, cluster="serial").table
    for kpi in ("arrivals", "triage_wait", "registration_wait", "trauma_wait"):
        np.testing.assert_array_equal(base[kpi], more_rooms[kpi])
    assert np.all(more_rooms["examination_wait"] < base["examination_wait"])


def test_hourly_queue_lengths_add_up_to_the_run_average(centre):
    """The hourly series and the KPI integrate the same queue (19 whole hours, no warm-up)."""
    model = variant(centre, kpis={
        a: {"measure": "mean_queue_length", "activity": a} for a in centre.activities
    })  # fmt: skip
    summary = summarise(model, simulate_replication(model, 2))
    for activity, hourly in summary.hourly.queue_length.items():
        assert hourly.mean() == pytest.approx(summary.kpis[activity], rel=1e-9, abs=1e-12)
    assert summary.kpis["registration"] > 1  # a real queue, not a trivial zero
