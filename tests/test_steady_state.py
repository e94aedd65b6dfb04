"""The cache of settled resting states (`physiology.steady_state`), in a private folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medtwin import load_patient
from medtwin.physiology.layout import N_MONITOR, N_STATE, S
from medtwin.physiology.parameters import P
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import cache_dir, resting_states


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache folder for this test only."""
    monkeypatch.setenv("MEDTWIN_CACHE_DIR", str(tmp_path))
    assert cache_dir().is_relative_to(tmp_path)
    return cache_dir()


@pytest.fixture(scope="module")
def params() -> np.ndarray:
    """Two parameter rows: the standard male with two variability seeds."""
    patient = load_patient("standard-male")
    return np.array([parameters_for(patient, seed=0), parameters_for(patient, seed=1)])


def _files(folder: Path) -> set[Path]:
    return set(folder.glob("*.npy"))


def test_one_file_per_new_parameter_row(cache, params):
    _, state, monitors = resting_states(params)
    assert state.shape == (2, N_STATE) and monitors.shape == (2, N_MONITOR)
    assert len(_files(cache)) == 2
    assert not list(cache.glob("*.tmp"))  # written atomically, nothing left behind


def test_second_call_reads_the_cache(cache, params):
    """Same arrays bit for bit, no new file, and the values really come from the file."""
    _, state, monitors = resting_states(params)
    written = {path: path.read_bytes() for path in _files(cache)}
    _, again_state, again_monitors = resting_states(params)
    assert np.array_equal(again_state, state)
    assert np.array_equal(again_monitors, monitors, equal_nan=True)
    assert {path: path.read_bytes() for path in _files(cache)} == written

    # A planted (valid) file is served as is: proof the second call read, not settled.
    path = next(iter(written))
    planted = np.arange(N_STATE + N_MONITOR, dtype=np.float64)
    np.save(path, planted)
    _, served_state, served_monitors = resting_states(params)
    served = np.concatenate([served_state, served_monitors], axis=1)
    assert sum(np.array_equal(row, planted) for row in served) == 1


def test_changed_parameter_gives_a_new_file(cache, params):
    resting_states(params)
    before = _files(cache)
    changed = params.copy()
    changed[0, P.SHUNT] = 0.04
    _, state, _ = resting_states(changed)
    after = _files(cache)
    assert len(after) == 3 and before < after
    _, original, _ = resting_states(params[:1])
    assert not np.array_equal(state[0], original[0])


@pytest.mark.parametrize(
    "content",
    [b"not a numpy file", None],
    ids=["garbage", "wrong-shape"],
)
def test_corrupt_cache_file_is_ignored_and_rewritten(cache, params, content):
    _, state, monitors = resting_states(params[:1])
    (path,) = _files(cache)
    if content is None:
        np.save(path, np.zeros(7))
    else:
        path.write_bytes(content)
    _, again_state, again_monitors = resting_states(params[:1])
    assert np.array_equal(again_state, state)
    assert np.array_equal(again_monitors, monitors, equal_nan=True)
    assert _files(cache) == {path}
    assert np.array_equal(np.load(path), np.concatenate([state[0], monitors[0]]), equal_nan=True)


def test_settled_state_is_time_zero(cache, params):
    """A new twin starts its clock at zero: no steps, beats or breaths counted yet."""
    _, state, _ = resting_states(params)
    for counter in (S.STEP_COUNT, S.BEAT_COUNT, S.BREATH_COUNT):
        assert np.all(state[:, counter] == 0.0), counter.name
    assert np.all(state[:, S.BEAT_PERIOD] > 0.0)
