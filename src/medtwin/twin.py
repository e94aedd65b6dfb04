"""The digital twin: one virtual patient with its state, clock and recordings.

>>> twin = Twin("standard-male")          # starts at its resting steady state
>>> twin.advance(60)                      # one simulated minute
>>> round(twin.vitals()["heart_rate"])    # doctest: +SKIP
69

A `Twin` is a batch of one for the compiled engine. It records the 1 Hz vitals from
time zero and keeps the last `waveform_seconds` of waveforms. `snapshot()` and
`restore()` give bit-identical continuation; `fork()` an independent copy for what-ifs.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from medtwin.patients import Patient, load_patient
from medtwin.physiology.batch import STEP_S, Batch, Recording
from medtwin.physiology.ecg import rhythm
from medtwin.physiology.layout import M, W
from medtwin.physiology.parameters import REFERENCE
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states

if TYPE_CHECKING:
    import pandas as pd

SIGNAL_NAMES: tuple[str, ...] = tuple(m.name for m in M)
"""Names of the vitals a twin reports, in column order (see data/signals.csv)."""
WAVEFORM_NAMES = ("ecg_ii", "arterial_pressure", "central_venous_pressure", "pleth", "co2",
                  "airway_flow")  # fmt: skip
DEFAULT_WAVEFORM_RATE_HZ = 125.0


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to continue a twin exactly from one moment."""

    patient: Patient
    seed: int
    state: np.ndarray
    monitors: np.ndarray
    params: np.ndarray
    history_times_s: np.ndarray
    history: np.ndarray
    wave_times_s: np.ndarray
    waves: np.ndarray


class Twin:
    """A virtual patient that settles at rest and advances far faster than real time."""

    def __init__(
        self,
        patient: str | os.PathLike | Patient = "standard-male",
        *,
        seed: int = 0,
        waveform_seconds: float = 60.0,
        rhythm_name: str = "sinus",
    ) -> None:
        self.patient = load_patient(patient)
        self.seed = seed
        if not np.isfinite(waveform_seconds) or waveform_seconds < 0:
            raise ValueError(
                f"waveform_seconds = {waveform_seconds!r} must be a duration >= 0 seconds"
            )
        self.waveform_seconds = float(waveform_seconds)
        self.rhythm = rhythm(rhythm_name)
        params = parameters_for(self.patient, seed)
        state, monitors = resting_states(params, STEP_S)
        self._batch = Batch(params, state, monitors, STEP_S)
        self._history_times: list[np.ndarray] = []
        self._history: list[np.ndarray] = []
        self._waves: deque[tuple[np.ndarray, np.ndarray]] = deque()

    # --- running -----------------------------------------------------------------
    @property
    def time_s(self) -> float:
        """Simulated seconds since the twin was created at rest."""
        return self._batch.time_s

    def advance(self, seconds: float) -> None:
        """Simulate `seconds` more (in whole 5 ms steps)."""
        recording = self._batch.advance(seconds, waveforms=self.waveform_seconds > 0)
        self._keep(recording)

    def _keep(self, recording: Recording) -> None:
        if len(recording.times_s):
            self._history_times.append(recording.times_s)
            self._history.append(recording.history[0])
        if len(recording.wave_times_s):
            self._waves.append((recording.wave_times_s, recording.waves[0]))
            oldest_kept = self.time_s - self.waveform_seconds
            while self._waves and self._waves[0][0][-1] < oldest_kept:
                self._waves.popleft()

    # --- reading -----------------------------------------------------------------
    def vitals(self) -> dict[str, float]:
        """The latest value of every signal, by name (units as in data/signals.csv)."""
        return dict(zip(SIGNAL_NAMES, self._batch.monitors[0].tolist(), strict=True))

    def history(self) -> pd.DataFrame:
        """1 Hz vitals since time zero: `time_s`, then one column per signal."""
        import pandas as pd  # imported on use: it adds 0.15 s to every start

        if self._history:
            times = np.concatenate(self._history_times)
            values = np.concatenate(self._history)
        else:
            times = np.empty(0)
            values = np.empty((0, len(SIGNAL_NAMES)))
        frame = pd.DataFrame(values, columns=list(SIGNAL_NAMES))
        frame.insert(0, "time_s", times)
        return frame

    def waveforms(self, rate_hz: float = DEFAULT_WAVEFORM_RATE_HZ) -> pd.DataFrame:
        """The kept waveforms resampled at `rate_hz`: `time_s` then WAVEFORM_NAMES."""
        import pandas as pd

        if not np.isfinite(rate_hz) or not 0 < rate_hz <= 1.0 / STEP_S:
            raise ValueError(
                f"rate_hz = {rate_hz!r} must be above 0 and at most {1.0 / STEP_S:g} Hz "
                "(the engine's step rate)"
            )
        columns = ["time_s", *WAVEFORM_NAMES]
        if not self._waves:
            return pd.DataFrame(columns=columns, dtype=float)
        times = np.concatenate([t for t, _ in self._waves])
        raw = np.concatenate([w for _, w in self._waves])
        keep = times >= self.time_s - self.waveform_seconds
        times, raw = times[keep], raw[keep]
        start = np.ceil(times[0] * rate_hz) / rate_hz
        sample_times = np.arange(start, times[-1] + 1e-9, 1.0 / rate_hz)

        def channel(index: int) -> np.ndarray:
            return np.interp(sample_times, times, raw[:, index])

        phase = channel(W.beat_phase)
        pleth = channel(W.pleth_pressure)
        span = max(pleth.max() - pleth.min(), 1e-9)
        return pd.DataFrame(
            {
                "time_s": sample_times,
                "ecg_ii": self.rhythm.lead_ii_mV(np.mod(phase, 1.0), channel(W.beat_period)),
                "arterial_pressure": channel(W.arterial_pressure),
                "central_venous_pressure": channel(W.central_venous_pressure),
                "pleth": (pleth - pleth.min()) / span,
                "co2": channel(W.co2),
                "airway_flow": channel(W.airway_flow),
            }
        )

    def citations(self) -> list[str]:
        """The sources of the engine's parameters, one line each, sorted."""
        return sorted({parameter.source for parameter in REFERENCE.values()})

    # --- what-ifs ----------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """A copy of the twin's full state and recordings at this moment."""
        history = self.history()
        if self._waves:
            wave_times = np.concatenate([t for t, _ in self._waves])
            waves = np.concatenate([w for _, w in self._waves])
        else:
            wave_times, waves = np.empty(0), np.empty((0, len(W)))
        return Snapshot(
            patient=self.patient,
            seed=self.seed,
            state=self._batch.state[0].copy(),
            monitors=self._batch.monitors[0].copy(),
            params=self._batch.params[0].copy(),
            history_times_s=history["time_s"].to_numpy(),
            history=history[list(SIGNAL_NAMES)].to_numpy(),
            wave_times_s=wave_times,
            waves=waves,
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Return to a snapshot; advancing then repeats the original run bit for bit."""
        self.patient = snapshot.patient
        self.seed = snapshot.seed
        self._batch = Batch(snapshot.params, snapshot.state, snapshot.monitors, STEP_S)
        self._history_times = [snapshot.history_times_s.copy()]
        self._history = [snapshot.history.copy()]
        self._waves = deque()
        if len(snapshot.wave_times_s):
            self._waves.append((snapshot.wave_times_s.copy(), snapshot.waves.copy()))

    def fork(self) -> Twin:
        """An independent twin in exactly this twin's state."""
        twin = object.__new__(Twin)
        twin.waveform_seconds = self.waveform_seconds
        twin.rhythm = self.rhythm
        twin.restore(self.snapshot())
        return twin
