"""Members side by side in one batch of the kernel give, bit for bit, what each would
as a twin of its own: advancing, parameters written in place, orders at their steps,
snapshots that continue where the batch is."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from medtwin import Patient, Twin
from medtwin.assimilation.batched import BatchedMembers
from medtwin.assimilation.forecast import FORECAST_SIGNALS, MemberRun, run_members
from medtwin.physiology.parameters import P
from medtwin.planning import parse_plan

PATIENT = Patient(name="Ms Batch", sex="female", age_years=61, height_cm=163, weight_kg=70)


@pytest.fixture(scope="module")
def snapshots():
    """Three members of one patient: own seeds, own heart periods and set points."""
    base = Twin(PATIENT, seed=3, waveform_seconds=0.0, history_seconds=2.0).snapshot()
    members = []
    for i, (period, set_point) in enumerate(((0.80, 88.0), (0.70, 95.0), (0.90, 82.0))):
        params = base.params.copy()
        params[P.SEED], params[P.T_REST], params[P.P_N] = 3000.0 + i, period, set_point
        members.append(dataclasses.replace(base, params=params))
    return members


def _alone(snapshot, orders, horizon_s: float, every_s: float) -> np.ndarray:
    """One member as a twin of its own: the samples `run_members` gives for it."""
    twin = Twin.from_snapshot(snapshot)
    start = twin.time_s
    for offset, action in orders:
        twin.schedule(start + offset, action, source="plan")
    rows = []
    for k in range(round(horizon_s / every_s)):
        twin.advance(start + (k + 1) * every_s - twin.time_s)
        vitals = twin.vitals()
        rows.append([vitals[s] for s in FORECAST_SIGNALS])
    return np.array(rows)


@pytest.mark.parametrize(
    "plan",
    ["no change", "normal saline 250 mL over 1 min",
     "90 s: norepinephrine 0.1 mcg/kg/min IV infusion; 150 s: stop norepinephrine infusion"],
)  # fmt: skip
def test_a_forecast_in_one_batch_is_each_members_own(snapshots, plan):
    """Orders, their follow-ups (the bag's end) and timed ones land at the same steps."""
    orders = parse_plan(plan, PATIENT).orders
    batched = run_members(MemberRun(tuple(snapshots), orders, 240.0, 30.0))
    alone = np.stack([_alone(s, orders, 240.0, 30.0) for s in snapshots])
    assert np.array_equal(batched, alone, equal_nan=True)
    assert not np.array_equal(batched[0], batched[1])  # the members do differ


def test_parameters_written_in_place_are_a_restored_twins(snapshots):
    members = BatchedMembers(snapshots)
    members.advance(20.0)
    members.params[1, P.T_REST] = 0.6  # what the estimator's analysis does
    members.advance(20.0)
    twin = Twin.from_snapshot(snapshots[1])
    twin.advance(20.0)
    moved = twin.snapshot()
    params = moved.params.copy()
    params[P.T_REST] = 0.6
    twin.restore(dataclasses.replace(moved, params=params))
    twin.advance(20.0)
    signals = ("heart_rate", "mean_arterial_pressure", "spo2")
    assert np.array_equal(members.values(signals)[1], [twin.vitals()[s] for s in signals])


def test_a_members_snapshot_continues_where_the_batch_is(snapshots):
    members = BatchedMembers(snapshots)
    members.schedule(5.0, parse_plan("normal saline 250 mL over 1 min", PATIENT).orders[0][1])
    members.advance(30.0)
    forked = [Twin.from_snapshot(s) for s in members.snapshots()]
    assert [t.time_s for t in forked] == [members.time_s] * 3
    assert all(len(t.scheduler.entries()) == 1 for t in forked)  # the bag's end, still due
    members.advance(45.0)
    for i, twin in enumerate(forked):
        twin.advance(45.0)
        assert np.array_equal(members.values(FORECAST_SIGNALS)[i],
                              [twin.vitals()[s] for s in FORECAST_SIGNALS])  # fmt: skip


def test_members_need_a_snapshot():
    with pytest.raises(ValueError, match="at least one snapshot"):
        BatchedMembers([])
