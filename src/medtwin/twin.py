"""The digital twin: one virtual patient with its state, clock and recordings.

>>> twin = Twin("standard-male")          # starts at its resting steady state
>>> twin.advance(60)                      # one simulated minute
>>> round(twin.vitals()["heart_rate"])    # doctest: +SKIP
69

A `Twin` is a batch of one for the compiled engine. It records the 1 Hz vitals from
time zero and keeps the last `waveform_seconds` of waveforms. `apply()` gives an action
("propofol 2 mg/kg IV bolus") at the current time and records it in the append-only
`events` log; infusions and bleeds that were given an end stop by themselves, logged
with source "schedule". `snapshot()` and `restore()` give bit-identical continuation;
`fork()` an independent copy for what-ifs.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from medtwin import pharmacology
from medtwin.actions import Action, Event, EventLog, StopFluid, StopHaemorrhage, parse_order
from medtwin.actions import resolve as resolve_action
from medtwin.interventions import Interventions
from medtwin.patients import Patient, load_patient
from medtwin.physiology.batch import STEP_S, Batch, Recording
from medtwin.physiology.ecg import rhythm
from medtwin.physiology.layout import DRUG_SLOTS, M, S, W
from medtwin.physiology.parameters import REFERENCE, P
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states

if TYPE_CHECKING:
    import pandas as pd

_SLOT_SIGNALS = {f"drug_plasma_{k}" for k in range(DRUG_SLOTS)} | {
    f"drug_effect_site_{k}" for k in range(DRUG_SLOTS)
}
SIGNAL_NAMES: tuple[str, ...] = tuple(m.name for m in M if m.name not in _SLOT_SIGNALS)
"""Names of the vitals every twin reports (see data/signals.csv); drugs on board add
`<drug>_plasma_concentration_<unit>` and `<drug>_effect_site_concentration_<unit>`."""
_KEPT = np.array([M[name] for name in SIGNAL_NAMES])
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
    interventions: Interventions
    events: tuple[Event, ...]
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
        drug_models: Mapping[str, str] | None = None,
        history_seconds: float | None = None,
    ) -> None:
        """`drug_models` picks a published PK model per drug (e.g. {"propofol": "marsh"});
        others use their drug file's default. `history_seconds` bounds the 1 Hz history
        kept in memory (None: all of it), for long-running twins whose history is stored
        elsewhere."""
        self.patient = load_patient(patient)
        self.seed = seed
        if not np.isfinite(waveform_seconds) or waveform_seconds < 0:
            raise ValueError(
                f"waveform_seconds = {waveform_seconds!r} must be a duration >= 0 seconds"
            )
        self.waveform_seconds = float(waveform_seconds)
        if history_seconds is not None and not (
            np.isfinite(history_seconds) and history_seconds > 0
        ):
            raise ValueError(f"history_seconds = {history_seconds!r} must be a duration > 0 s")
        self.history_seconds = history_seconds
        self.rhythm = rhythm(rhythm_name)
        params, state, monitors = resting_states(parameters_for(self.patient, seed), STEP_S)
        self._batch = Batch(params, state, monitors, STEP_S)
        models = dict(drug_models or {})
        for name, model in models.items():
            pharmacology.drug(name).model(model)  # refuses unknown drugs and models now
        self.interventions = Interventions(self.patient, models=models)
        self.events = EventLog()
        self._history_times: list[np.ndarray] = []
        self._history: list[np.ndarray] = []
        self._waves: deque[tuple[np.ndarray, np.ndarray]] = deque()

    # --- running -----------------------------------------------------------------
    @property
    def time_s(self) -> float:
        """Simulated seconds since the twin was created at rest."""
        return self._batch.time_s

    def advance(self, seconds: float) -> None:
        """Simulate `seconds` more (in whole 5 ms steps), stopping scheduled ends on time."""
        batch = self._batch
        target = batch.steps_done + batch.steps_for(seconds)
        while batch.steps_done < target:
            end_s = self.interventions.next_end_s()
            stop = target
            if end_s is not None:
                stop = min(target, max(round(end_s / batch.step_s), batch.steps_done + 1))
            steps = stop - batch.steps_done
            self._keep(batch.advance(steps * batch.step_s, waveforms=self.waveform_seconds > 0))
            self._log_scheduled_ends()

    def _log_scheduled_ends(self) -> None:
        for name in self.interventions.end_due(self._batch, 0, self.time_s):
            if name.startswith("haemorrhage:"):
                action = StopHaemorrhage(site=name.split(":", 1)[1])
            else:
                action = StopFluid(fluid=name)
            self.events.record(self.time_s, action, source="schedule")

    def apply(self, action: Action | str, source: str = "user", note: str | None = None) -> Event:
        """Give `action` (an Action or a readable order) now, and log it.

        A refused action (unknown drug, dose over the library's limit, ...) raises
        `ActionError` naming the field, the value and what is allowed, and changes
        nothing.
        """
        if isinstance(action, str):
            action = parse_order(action)
        resolved = resolve_action(action, self.patient)
        self.interventions.apply(resolved, self._batch, 0, self.time_s)
        return self.events.record(self.time_s, action, source=source, note=note)

    def _keep(self, recording: Recording) -> None:
        if len(recording.times_s):
            self._history_times.append(recording.times_s)
            self._history.append(recording.history[0])
            if self.history_seconds is not None:
                oldest_kept = self.time_s - self.history_seconds
                while len(self._history_times) > 1 and self._history_times[0][-1] < oldest_kept:
                    self._history_times.pop(0)
                    self._history.pop(0)
        if len(recording.wave_times_s):
            self._waves.append((recording.wave_times_s, recording.waves[0]))
            oldest_kept = self.time_s - self.waveform_seconds
            while self._waves and self._waves[0][0][-1] < oldest_kept:
                self._waves.popleft()

    # --- reading -----------------------------------------------------------------
    def vitals(self) -> dict[str, float]:
        """The latest value of every signal, by name (units as in data/signals.csv)."""
        row = self._batch.monitors[0]
        values = dict(zip(SIGNAL_NAMES, row[_KEPT].tolist(), strict=True))
        for name, index in self._drug_columns().items():
            values[name] = float(row[index])
        return values

    def _drug_columns(self) -> dict[str, int]:
        """Monitor columns of the drugs on board, named with drug and unit."""
        columns = {}
        for name, slot in self.interventions.slots.items():
            unit = pharmacology.drug(name).concentration_unit.replace("/", "_per_")
            columns[f"{name}_plasma_concentration_{unit}"] = M[f"drug_plasma_{slot}"]
            columns[f"{name}_effect_site_concentration_{unit}"] = M[f"drug_effect_site_{slot}"]
        return columns

    def history(self) -> pd.DataFrame:
        """1 Hz vitals since time zero: `time_s`, then one column per signal."""
        import pandas as pd  # imported on use: it adds 0.15 s to every start

        if self._history:
            times = np.concatenate(self._history_times)
            values = np.concatenate(self._history)
        else:
            times = np.empty(0)
            values = np.empty((0, len(M)))
        columns = {"time_s": times}
        columns.update({name: values[:, M[name]] for name in SIGNAL_NAMES})
        columns.update({name: values[:, index] for name, index in self._drug_columns().items()})
        return pd.DataFrame(columns)

    def waveforms(
        self, rate_hz: float = DEFAULT_WAVEFORM_RATE_HZ, since_s: float | None = None
    ) -> pd.DataFrame:
        """The kept waveforms resampled at `rate_hz` (after `since_s`, if given):
        `time_s` then WAVEFORM_NAMES."""
        import pandas as pd

        times, channels = self.waveform_samples(rate_hz, since_s)
        return pd.DataFrame({"time_s": times, **channels})

    def waveform_samples(
        self, rate_hz: float = DEFAULT_WAVEFORM_RATE_HZ, since_s: float | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Sample times and the channels of `waveforms`, as arrays.

        With `since_s`, only samples after it are made: a live stream asks for the new
        samples each tick without resampling the whole window. The pleth is normalised
        to 0-1 over the whole kept window, so it does not jump between calls.
        """
        if not np.isfinite(rate_hz) or not 0 < rate_hz <= 1.0 / STEP_S:
            raise ValueError(
                f"rate_hz = {rate_hz!r} must be above 0 and at most {1.0 / STEP_S:g} Hz "
                "(the engine's step rate)"
            )
        if not self._waves:
            return np.empty(0), {name: np.empty(0) for name in WAVEFORM_NAMES}
        times = np.concatenate([t for t, _ in self._waves])
        raw = np.concatenate([w for _, w in self._waves])
        keep = times >= self.time_s - self.waveform_seconds
        times, raw = times[keep], raw[keep]
        pleth_low = raw[:, W.pleth_pressure].min()
        pleth_span = max(raw[:, W.pleth_pressure].max() - pleth_low, 1e-9)
        first = times[0] if since_s is None else max(times[0], since_s + 0.5 / rate_hz)
        sample_times = np.arange(np.ceil(first * rate_hz) / rate_hz, times[-1] + 1e-9, 1 / rate_hz)

        def channel(index: int) -> np.ndarray:
            return np.interp(sample_times, times, raw[:, index])

        phase = channel(W.beat_phase)
        return sample_times, {
            "ecg_ii": self.rhythm.lead_ii_mV(np.mod(phase, 1.0), channel(W.beat_period)),
            "arterial_pressure": channel(W.arterial_pressure),
            "central_venous_pressure": channel(W.central_venous_pressure),
            "pleth": (channel(W.pleth_pressure) - pleth_low) / pleth_span,
            "co2": channel(W.co2),
            "airway_flow": channel(W.airway_flow),
        }

    @property
    def blood_lost_mL(self) -> float:
        """Blood lost since time zero (mL)."""
        return float(self._batch.state[0, S.BLOOD_LOST])

    def fluid_balance(self) -> dict[str, float]:
        """Running totals of the body's fluid accounts since time zero (mL).

        Blood volume changes by what is infused and drunk, less what is bled, passed as
        urine, and moved into the interstitium.
        """
        state, params = self._batch.state[0], self._batch.params[0]
        return {
            "blood_volume_mL": float(self._batch.monitors[0, M.blood_volume]),
            "interstitial_fluid_volume_mL": float(state[S.V_ISF]),
            "blood_lost_mL": float(state[S.BLOOD_LOST]),
            "fluid_given_mL": float(state[S.FLUID_GIVEN]),
            "urine_passed_mL": float(state[S.URINE_PASSED]),
            "intake_mL": float(params[P.FLUID_INTAKE] * self.time_s),
        }

    def citations(self) -> list[str]:
        """The sources of the engine's parameters, one line each, sorted."""
        return sorted({parameter.source for parameter in REFERENCE.values()})

    # --- what-ifs ----------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """A copy of the twin's full state and recordings at this moment."""
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
            interventions=self.interventions.copy(),
            events=tuple(self.events),
            history_times_s=np.concatenate(self._history_times) if self._history else np.empty(0),
            history=np.concatenate(self._history) if self._history else np.empty((0, len(M))),
            wave_times_s=wave_times,
            waves=waves,
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Return to a snapshot; advancing then repeats the original run bit for bit."""
        self.patient = snapshot.patient
        self.seed = snapshot.seed
        self._batch = Batch(snapshot.params, snapshot.state, snapshot.monitors, STEP_S)
        self.interventions = snapshot.interventions.copy()
        self.events = EventLog(snapshot.events)
        self._history_times = [snapshot.history_times_s.copy()]
        self._history = [snapshot.history.copy()]
        self._waves = deque()
        if len(snapshot.wave_times_s):
            self._waves.append((snapshot.wave_times_s.copy(), snapshot.waves.copy()))

    def fork(self) -> Twin:
        """An independent twin in exactly this twin's state."""
        twin = object.__new__(Twin)
        twin.waveform_seconds = self.waveform_seconds
        twin.history_seconds = self.history_seconds
        twin.rhythm = self.rhythm
        twin.restore(self.snapshot())
        return twin
