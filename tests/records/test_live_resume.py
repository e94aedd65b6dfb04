"""A live sync rebuilt from the journal of its step inputs, or from a checkpoint and the
steps after it, is the original, bit for bit.

The inputs go through strict JSON (no NaN, as PostgreSQL's JSON columns require) on the
way, as they do through the service's `twin_steps` table."""

import json
import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from medtwin import Patient
from medtwin.assimilation.checkpoint import checkpoint_bytes, restore_checkpoint
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.assimilation.live import LiveSync
from medtwin.assimilation.step_input import StepInput
from medtwin.interop import Measurement
from medtwin.snapshot_format import SnapshotFormatError

PATIENT = Patient(name="live", sex="male", age_years=50, height_cm=178, weight_kg=80)
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _sync(seed: int = 4) -> tuple[LiveSync, dict]:
    clock = {"now": T0}
    estimator = EnsembleKalmanFilter(members=4, seed=seed).fit(PATIENT)
    return LiveSync(estimator, clock=lambda: clock["now"], hold_s=2.0), clock


def _value(signal: str, value: float, seconds: float) -> Measurement:
    return Measurement(signal, value, T0 + timedelta(seconds=seconds), f"{signal}@{seconds:g}")


ARRIVALS = {  # wall second of the step: what arrived since the step before
    1: [_value("heart_rate", 72, 0.5)],
    2: [_value("respiratory_rate", 45, 1.0)],  # gated as an artefact, thrice ...
    3: [_value("heart_rate", 75, 2.5), _value("heart_rate", 73, 1.5),  # out of order
        _value("respiratory_rate", 45, 2.0)],
    4: [_value("heart_rate", 75, 2.5), _value("spo2", float("nan"), 3.0),  # twice; missing
        _value("respiratory_rate", 45, 3.0)],
    5: [_value("heart_rate", 74, 400.0), _value("mean_arterial_pressure", 88, 4.2)],  # future
    7: [_value("heart_rate", 73, 1.5)],  # again, after the checkpoint of the test below
    8: [_value("respiratory_rate", 45, 7.0)],  # ... and then taken as physiology
    9: [_value("heart_rate", 160, 8.0)],  # an artefact, gated
    12: [_value("heart_rate", 76, 5.0), _value("respiratory_rate", 15, 11.5)],  # 7 s behind; held
}  # fmt: skip


def _run(sync: LiveSync, clock: dict, journal: list, until_s: int) -> None:
    """Step `sync` once a wall second to `until_s`, as the service does: collect, keep
    the input in `journal` (as strict JSON), apply."""
    for second in range(1, until_s + 1):
        clock["now"] = T0 + timedelta(seconds=second)
        sync.submit(ARRIVALS.get(second, []))
        step = sync.collect()
        if not sync.idle(step):
            journal.append(json.dumps(step.to_dict(), allow_nan=False))
        sync.apply(step)


def _replayed(journal: list, seed: int = 4) -> LiveSync:
    sync, _ = _sync(seed)
    for line in journal:
        sync.apply(StepInput.from_dict(json.loads(line)))
    return sync


def _same_ensemble(a: LiveSync, b: LiveSync) -> bool:
    """Same parameters, engine rows and time, bit for bit (a monitor with no value is NaN
    in both)."""
    ea, eb = a.estimator.ensemble, b.estimator.ensemble
    return (
        np.array_equal(ea.theta, eb.theta)
        and all(
            np.array_equal(
                getattr(ea.members.batch, part), getattr(eb.members.batch, part), equal_nan=True
            )
            for part in ("state", "params", "monitors")
        )
        and ea.time_s == eb.time_s
    )


def _decisions(sync: LiveSync) -> list[str]:
    """The sync's log as text (a NaN value is not equal to itself, its text is)."""
    return [json.dumps({**d.to_dict(), "lag_s": d.lag_s}) for d in sync.log]


def test_a_sync_replayed_from_its_journal_is_the_original_bit_for_bit():
    original, clock = _sync()
    journal: list[str] = []
    _run(original, clock, journal, 12)
    assert original.pending == 1  # the respiratory rate of 11.5 s is still held
    reasons = {(d.reason or "accepted").split(":")[0] for d in original.log}
    assert reasons == {"accepted", "duplicate", "missing (NaN)", "future", "artefact"}

    replayed = _replayed(journal)
    assert _same_ensemble(replayed, original)
    assert replayed.estimate() == original.estimate()
    assert _decisions(replayed) == _decisions(original) and replayed.counts == original.counts

    # and both go on alike: the held value is released, the ensemble coasts
    for sync in (original, replayed):
        clock["now"] = T0 + timedelta(seconds=15)
        sync.apply(StepInput(clock["now"]))
    assert _same_ensemble(replayed, original)
    assert original.pending == replayed.pending == 0


def test_the_comparison_sees_a_missing_step_or_another_seed():
    """The checks above are sharp: without the first journal line (one value), or with
    another seed, the replay differs."""
    original, clock = _sync()
    journal: list[str] = []
    _run(original, clock, journal, 12)
    assert not _same_ensemble(_replayed(journal[1:]), original)
    assert not _same_ensemble(_replayed(journal, seed=5), original)


def test_a_checkpoint_and_the_steps_after_it_are_the_original_bit_for_bit():
    """Restored from a checkpoint taken after step 5 of the journal (values held, gate
    counts, duplicate memory and generator state in it), the rest of the journal gives
    the original; the checkpoint's `extra` comes back as it went."""
    original, clock = _sync()
    journal: list[str] = []
    _run(original, clock, journal, 12)
    partway = _replayed(journal[:5])
    assert partway.pending > 0
    blob = checkpoint_bytes(partway, {"track": [1, 2.5, None]})
    resumed, _ = _sync()
    assert restore_checkpoint(resumed, blob) == {"track": [1, 2.5, None]}
    for line in journal[5:]:
        resumed.apply(StepInput.from_dict(json.loads(line)))
    assert _same_ensemble(resumed, original)
    assert resumed.estimate() == original.estimate()
    assert _decisions(resumed) == _decisions(original) and resumed.counts == original.counts
    rng = [json.dumps(sync.estimator.state()["rng"]) for sync in (resumed, original)]
    assert rng[0] == rng[1]


def test_a_checkpoint_this_medtwin_cannot_continue_is_refused_with_the_reason():
    sync, _ = _sync()
    blob = checkpoint_bytes(sync, {})
    with pytest.raises(SnapshotFormatError, match="not a medtwin live checkpoint"):
        restore_checkpoint(sync, b"not a checkpoint")
    other = EnsembleKalmanFilter(members=3, seed=4).fit(PATIENT)
    with pytest.raises(SnapshotFormatError, match="another ensemble: members: 4 snapshots for 3"):
        restore_checkpoint(LiveSync(other), blob)


def test_idle_steps_before_the_first_observation_are_not_journaled():
    sync, clock = _sync()
    clock["now"] = T0 + timedelta(seconds=1)
    step = sync.collect()
    assert step == StepInput(clock["now"]) and sync.idle(step)
    sync.submit([_value("heart_rate", 72, 0.5)])
    assert not sync.idle(sync.collect())


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ([], "step input []: must be an object with time and arrivals"),
        ({"time": "noon", "arrivals": []}, "step input time 'noon': not an ISO 8601 time"),
        ({"time": "2024-01-01T00:00:00", "arrivals": []},
         "step input time '2024-01-01T00:00:00': has no time zone offset"),
        ({"time": "2024-01-01T00:00:00+00:00"}, "step input arrivals None: must be a list"),
        (
            {"time": "2024-01-01T00:00:00+00:00", "arrivals": [{"signal": "heart_rate"}]},
            "step input arrivals[0] {'signal': 'heart_rate'}: must have signal, value, time",
        ),
        (
            {"time": "2024-01-01T00:00:00+00:00", "arrivals": [
                {"signal": "heart_rate", "value": "fast", "time": "2024-01-01T00:00:00+00:00",
                 "source": "s"}]},
            "step input arrivals[0].value 'fast': not a number",
        ),
        (
            {"time": "2024-01-01T00:00:00+00:00", "arrivals": [
                {"signal": "pulse", "value": 70, "time": "2024-01-01T00:00:00+00:00",
                 "source": "s"}]},
            "step input arrivals[0]: s: signal 'pulse' is not in signals.csv",
        ),
    ],
)  # fmt: skip
def test_a_damaged_journal_record_is_refused_naming_the_field_and_value(record, expected):
    with pytest.raises(ValueError, match="^" + re.escape(expected)):
        StepInput.from_dict(record)
