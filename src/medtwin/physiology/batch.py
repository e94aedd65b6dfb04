"""A batch of patients advanced together by the compiled kernel.

`Batch` owns the three arrays the kernel works on, one row per patient: parameters,
state and the latest monitor values. It knows nothing about who the patients are; the
`Twin` (one patient) and cohort code (many) sit on top of it.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from medtwin.compiled.precompile import ensure_compiled
from medtwin.physiology.kernel import advance_batch
from medtwin.physiology.layout import M_RECORD, N_MONITOR, N_STATE, N_WAVE, S_RECORD, S
from medtwin.physiology.parameters import N_PARAM, P_RECORD

STEP_S = 0.005
"""Production step (s). RK4 at 5 ms keeps systolic/diastolic pressure and cardiac
output within 0.5 % of a ten-times finer step (tests/test_numerics.py)."""
RECORD_INTERVAL_S = 1.0
"""Interval of the vitals history (1 Hz)."""
MIN_PATIENTS_PER_THREAD = 2


def available_cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


@dataclass
class Recording:
    """What one `Batch.advance` produced.

    `times_s` (k,) and `history` (n, k, N_MONITOR) hold the 1 Hz vitals; `wave_times_s`
    (steps,) and `waves` (n, steps, N_WAVE) the per-step waveforms, if asked for.
    """

    times_s: np.ndarray
    history: np.ndarray
    wave_times_s: np.ndarray
    waves: np.ndarray


def _owned_rows(values: np.ndarray, width: int) -> np.ndarray:
    """A C-contiguous float64 copy of `values` as rows of `width` columns."""
    return np.array(values, dtype=np.float64, order="C", copy=True).reshape(-1, width)


def _records(rows: np.ndarray, record: np.dtype) -> np.ndarray:
    """Rows of a float64 array as a 1-D array of the layout's records, sharing memory
    (what the kernel reads and writes)."""
    return rows.view(record)[:, 0]


class Batch:
    """Parameters, state and monitors of n patients, advanced in steps of `step_s`.

    The batch works on its own copies of the arrays it is given; callers change them in
    place (actions write parameters), never replace them, since the kernel reads them
    through record views made once. `threads` caps the threads a large batch is split
    over (default: every core).
    """

    def __init__(
        self,
        params: np.ndarray,
        state: np.ndarray,
        monitors: np.ndarray,
        step_s: float = STEP_S,
        threads: int | None = None,
    ) -> None:
        self._params = _owned_rows(params, N_PARAM)
        self._state = _owned_rows(state, N_STATE)
        self._monitors = _owned_rows(monitors, N_MONITOR)
        if not (len(self._params) == len(self._state) == len(self._monitors)):
            raise ValueError("params, state and monitors must have one row per patient")
        self._records = (
            _records(self._state, S_RECORD),
            _records(self._params, P_RECORD),
            _records(self._monitors, M_RECORD),
        )
        self.step_s = float(step_s)
        self.threads = threads
        self.record_every = round(RECORD_INTERVAL_S / self.step_s)

    @property
    def params(self) -> np.ndarray:
        """Parameter rows `(n, N_PARAM)`."""
        return self._params

    @property
    def state(self) -> np.ndarray:
        """State rows `(n, N_STATE)`."""
        return self._state

    @property
    def monitors(self) -> np.ndarray:
        """Latest monitor values `(n, N_MONITOR)`."""
        return self._monitors

    @property
    def n(self) -> int:
        return len(self.state)

    @property
    def steps_done(self) -> int:
        """Steps taken since time zero (the same for every patient of the batch)."""
        return int(self.state[0, S.STEP_COUNT])

    @property
    def time_s(self) -> float:
        return self.steps_done * self.step_s

    def steps_for(self, seconds: float) -> int:
        """Whole steps in `seconds`; refuses negative or non-finite durations."""
        if not np.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds = {seconds!r} must be a finite duration >= 0")
        return round(seconds / self.step_s)

    def advance(self, seconds: float, *, waveforms: bool = False) -> Recording:
        """Advance every patient by `seconds` (rounded to whole steps)."""
        n_steps = self.steps_for(seconds)
        start = self.steps_done
        record_steps = np.arange(
            (start // self.record_every + 1) * self.record_every,
            start + n_steps + 1,
            self.record_every,
        )
        history = np.empty((self.n, len(record_steps), N_MONITOR))
        waves = np.empty((self.n, n_steps if waveforms else 0, N_WAVE))
        if n_steps:
            self._run(n_steps, history, waves)
        wave_steps = np.arange(start + 1, start + n_steps + 1) if waveforms else np.empty(0)
        return Recording(
            times_s=record_steps * self.step_s,
            history=history,
            wave_times_s=wave_steps * self.step_s,
            waves=waves,
        )

    def _run(self, n_steps: int, history: np.ndarray, waves: np.ndarray) -> None:
        """Run the kernel, on several threads when the batch is large enough.

        Patients are independent and the kernel releases the GIL, so slices of the
        batch run in parallel with results identical to a single-thread run.
        """
        cores = available_cores()
        ensure_compiled(cores)
        threads = min(self.threads or cores, self.n // MIN_PATIENTS_PER_THREAD) or 1
        bounds = np.linspace(0, self.n, threads + 1).astype(int)

        states, params, monitors = self._records

        def run_slice(a: int, b: int) -> None:
            advance_batch(
                states[a:b], params[a:b], monitors[a:b], n_steps,
                self.step_s, self.record_every, history[a:b], waves[a:b],
            )  # fmt: skip

        if threads == 1:
            run_slice(0, self.n)
            return
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(run_slice, a, b) for a, b in itertools.pairwise(bounds)]:
                future.result()
