"""Resting steady states: computed once per patient definition, then read from a cache.

A patient starts from the first guess of `initial.initial_state` and is simulated at
rest for `SETTLE_S` seconds, long enough for the reflexes, the chemoreflex loop and
the tissue CO2 stores to settle (the slowest store, skeletal muscle, has a time
constant of about 6 minutes). At several thousand times real time that costs a
fraction of a second, and a whole cohort settles in one parallel kernel call.

The settled state is stored under a key made of the parameter vector, the step and
the engine's source code, so a changed model never serves a stale state. The cache
lives in the user's cache directory, or in `$MEDTWIN_CACHE_DIR` if that is set, in a
folder per engine version.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from medtwin.physiology import engine_fingerprint, versioned_cache_dir
from medtwin.physiology.batch import STEP_S, Batch
from medtwin.physiology.initial import initial_state
from medtwin.physiology.layout import N_MONITOR, N_STATE, S

SETTLE_S = 1800.0
"""Simulated seconds of rest before a state counts as steady."""
_COUNTERS = (S.STEP_COUNT, S.BEAT_COUNT, S.BREATH_COUNT)


def cache_dir() -> Path:
    """Where settled states are kept (one folder per engine version)."""
    return versioned_cache_dir("steady-state")


def _key(params_row: np.ndarray, step_s: float) -> str:
    digest = hashlib.sha256(engine_fingerprint().encode())
    digest.update(np.float64(step_s).tobytes())
    digest.update(np.ascontiguousarray(params_row, dtype=np.float64).tobytes())
    return digest.hexdigest()[:32]


def resting_states(params: np.ndarray, step_s: float = STEP_S) -> tuple[np.ndarray, np.ndarray]:
    """Settled (state, monitors) arrays for each parameter row, from cache or computed."""
    params = np.atleast_2d(params)
    state = np.empty((len(params), N_STATE))
    monitors = np.empty((len(params), N_MONITOR))
    directory = cache_dir()
    missing = []
    for i, row in enumerate(params):
        path = directory / f"{_key(row, step_s)}.npy"
        cached = _read(path)
        if cached is None:
            missing.append(i)
        else:
            state[i], monitors[i] = cached[:N_STATE], cached[N_STATE:]
    if missing:
        settled = _settle(params[missing], step_s)
        state[missing], monitors[missing] = settled.state, settled.monitors
        for i in missing:
            _write(directory / f"{_key(params[i], step_s)}.npy", state[i], monitors[i])
    return state, monitors


def _settle(params: np.ndarray, step_s: float) -> Batch:
    start = np.array([initial_state(row) for row in params])
    batch = Batch(params, start, np.zeros((len(params), N_MONITOR)), step_s)
    batch.advance(SETTLE_S)
    batch.state[:, _COUNTERS] = 0.0  # the settled state is time zero of the new twin
    return batch


def _read(path: Path) -> np.ndarray | None:
    try:
        values = np.load(path)
    except (OSError, ValueError):
        return None
    return values if values.shape == (N_STATE + N_MONITOR,) else None


def _write(path: Path, state: np.ndarray, monitors: np.ndarray) -> None:
    """Write atomically, so a concurrent reader never sees half a file.

    The cache only saves time: if it cannot be written the state is settled again
    next time, so a failure here is not an error for the user.
    """
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            np.save(handle, np.concatenate([state, monitors]))
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
