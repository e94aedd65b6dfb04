"""Resting steady states: computed once per patient definition, then read from a cache.

A patient starts from the first guess of `initial.initial_state` and is simulated at
rest for 30 minutes and two passes of 15, long enough for the reflexes, the chemoreflex loop and
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

from medtwin.compiled import precompile
from medtwin.compiled.cache import engine_fingerprint, versioned_cache_dir
from medtwin.physiology.batch import STEP_S, Batch, available_cores
from medtwin.physiology.fluids import fluid_references
from medtwin.physiology.initial import initial_state
from medtwin.physiology.layout import N_MONITOR, N_STATE, M, S, span
from medtwin.physiology.parameters import P

SETTLE_PASSES_S = (1800.0, 900.0, 900.0)
"""Simulated seconds of rest, between which the resting references are renewed."""
_COUNTERS = (
    S.STEP_COUNT, S.BEAT_COUNT, S.BREATH_COUNT,
    S.RHYTHM_TIME, S.RHYTHM_CHANGES, S.NO_FLOW_TIME, S.O2_DEBT,
)  # fmt: skip
"""Clocks and running totals that start at zero in a new twin."""


def cache_dir() -> Path:
    """Where settled states are kept (one folder per engine version)."""
    return versioned_cache_dir("steady-state")


def _key(params_row: np.ndarray, step_s: float) -> str:
    digest = hashlib.sha256(engine_fingerprint().encode())
    digest.update(np.float64(step_s).tobytes())
    digest.update(np.ascontiguousarray(params_row, dtype=np.float64).tobytes())
    return digest.hexdigest()[:32]


def resting_states(
    params: np.ndarray, step_s: float = STEP_S
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Settled (params, state, monitors) for each parameter row, from cache or computed.

    The returned parameters are the given ones with the resting references that the
    settled state defines (`reference_to_rest`).
    """
    params = np.atleast_2d(params)
    state = np.empty((len(params), N_STATE))
    monitors = np.empty((len(params), N_MONITOR))
    directory = cache_dir()
    missing = []
    for i, row in enumerate(params):
        cached = _read(directory / f"{_key(row, step_s)}.npy")
        if cached is None:
            missing.append(i)
        else:
            state[i], monitors[i] = cached[:N_STATE], cached[N_STATE:]
    if missing:
        settled = _settle(params[missing], step_s)
        state[missing], monitors[missing] = settled.state, settled.monitors
        for i in missing:
            _write(directory / f"{_key(params[i], step_s)}.npy", state[i], monitors[i])
    referenced = params.copy()
    for row, settled_state, settled_monitors in zip(referenced, state, monitors, strict=True):
        reference_to_rest(row, settled_state, settled_monitors)
    return referenced, state, monitors


def reference_to_rest(
    params_row: np.ndarray, state_row: np.ndarray, monitors_row: np.ndarray
) -> None:
    """Make a settled state the reference of the slow balances (in place).

    Fluid balance (filtration = lymph, intake = urine), the right atrium's resting filling
    (for the cardiopulmonary reflex), each tissue's resting O2 content and the peripheral
    pulse (for the pulse oximeter's signal) and the cardiac output (for the lung zones
    that capnography sees) are referenced to the settled state, so a patient at rest
    stays there.
    """
    fluid_references(params_row, state_row, monitors_row)
    params_row[P.RA_FILLING_REST] = state_row[S.RA_FILLING_SLOW]
    tissue = state_row[span(S, "T_O2")]
    capacity = params_row[span(P, "CAP_O2")]
    params_row[span(P, "TISSUE_O2_REST")] = tissue / capacity
    params_row[P.PLETH_PULSE_REST] = state_row[S.PLETH_PULSE]
    params_row[P.CARDIAC_OUTPUT_REST] = monitors_row[M.cardiac_output]
    params_row[P.SYMPATHETIC_REST] = state_row[S.SYMPATHETIC_MEAN]


def _settle(params: np.ndarray, step_s: float) -> Batch:
    """Simulate rest with the fluid balance held, from the first guess.

    The resting references feed back on the state they are taken from (a reflex
    referenced to a resting value moves the rest a little), so settling alternates
    simulation and referencing until they agree.
    """
    precompile.start(available_cores())  # the kernel will be needed: start compiling
    held = params.copy()
    for name in ("FILTRATION_COEFFICIENT", "LYMPH_GAIN", "URINE_FLOW_REST", "FLUID_INTAKE"):
        held[:, P[name]] = 0.0
    # the first guess is not rest: the heart must not arrest, nor shock set in, on the
    # way there
    held[:, P.MYOCARDIAL_ARREST_FRACTION] = -1.0
    held[:, P.LETHAL_O2_DEBT] = np.inf
    # nor the adrenal medulla make lactate while the reflexes find their rest
    held[:, P.LACTATE_ADRENERGIC_MAX] = 0.0
    start = np.array([initial_state(row) for row in held])
    batch = Batch(held, start, np.zeros((len(params), N_MONITOR)), step_s)
    for seconds in SETTLE_PASSES_S:
        batch.advance(seconds)
        for row, state, monitors in zip(batch.params, batch.state, batch.monitors, strict=True):
            reference_to_rest(row, state, monitors)
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
