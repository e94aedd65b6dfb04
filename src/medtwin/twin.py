"""The digital twin: one virtual patient with its state, clock and recordings.

>>> twin = Twin("standard-male")          # starts at its resting steady state
>>> twin.advance(60)                      # one simulated minute
>>> round(twin.vitals()["heart_rate"])    # doctest: +SKIP
69

A `Twin` is a batch of one for the compiled engine. It records the 1 Hz vitals from
time zero and keeps the last `waveform_seconds` of waveforms. `apply()` gives an action
("propofol 2 mg/kg IV bolus") at the current time and records it in the append-only
`events` log. One scheduler holds what is due later: `run(protocol, until)` queues
timed orders and plays them, and the ends of fluids and bleeds given a duration are
queued by the orders themselves (logged with source "schedule"). `snapshot()` and
`restore()` give bit-identical continuation, queue, rhythm and settings included;
`fork()` an independent copy for what-ifs.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from medtwin import pharmacology, physiology_events
from medtwin.actions import ActionBase, ActionContext, ActionError, Event, EventLog, parse_order
from medtwin.actions import Treatments as Treatments
from medtwin.actions.kinds.rhythm import OWN_RATES
from medtwin.citations import citations_for
from medtwin.patients import Patient, load_patient
from medtwin.physiology.batch import STEP_S, Batch, Recording
from medtwin.physiology.ecg import Rhythm, rhythm, waves_mV
from medtwin.physiology.heart import Heart
from medtwin.physiology.inputs import EngineInputs
from medtwin.physiology.layout import DRUG_SLOTS, DRUG_STATES, RHYTHM_NAMES, M, S, W, span
from medtwin.physiology.parameters import P
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states
from medtwin.physiology.twelve_lead import LEADS, MONITOR_LEADS, leads_mV, monitor_channel
from medtwin.physiology.ventilation import MODE_OFF
from medtwin.scheduler import Scheduled, Scheduler

if TYPE_CHECKING:
    import pandas as pd

_SLOT_SIGNALS = {f"drug_plasma_{k}" for k in range(DRUG_SLOTS)} | {
    f"drug_effect_site_{k}" for k in range(DRUG_SLOTS)
}
SIGNAL_NAMES: tuple[str, ...] = tuple(
    m.name for m in M if m.name not in _SLOT_SIGNALS and m.name != "rhythm"
)
"""Names of the numeric vitals every twin reports (see data/signals.csv); drugs on board
add `<drug>_plasma_concentration_<unit>` and `<drug>_effect_site_concentration_<unit>`.
The rhythm, a name, is `Twin.rhythm_name` and `Twin.rhythm_history()`."""
_KEPT = np.array([M[name] for name in SIGNAL_NAMES])
_OTHER_LEADS = {monitor_channel(lead): lead for lead in MONITOR_LEADS if lead != "II"}
"""The monitor's ECG channels besides lead II (ecg_i, ecg_avr, ...), by lead."""
WAVEFORM_NAMES = ("ecg_ii", "arterial_pressure", "central_venous_pressure", "pleth", "co2",
                  "airway_flow", "airway_pressure", "lung_volume", *_OTHER_LEADS)  # fmt: skip
DEFAULT_WAVEFORM_RATE_HZ = 125.0


@dataclass(frozen=True)
class TwinSettings:
    """How a twin was made, beyond its patient: what a restored twin must keep."""

    seed: int = 0
    waveform_seconds: float = 60.0
    history_seconds: float | None = None
    drug_models: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """Everything needed to continue a twin exactly from one moment: the engine's
    arrays (the rhythm is engine state), what runs, the log, the queue and the
    settings, and the recordings."""

    patient: Patient
    settings: TwinSettings
    state: np.ndarray
    monitors: np.ndarray
    params: np.ndarray
    treatments: Treatments
    events: tuple[Event, ...]
    scheduled: tuple[Scheduled, ...]
    next_sequence: int
    history_times_s: np.ndarray
    history: np.ndarray
    wave_times_s: np.ndarray
    waves: np.ndarray

    @property
    def seed(self) -> int:
        return self.settings.seed


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
        patient = load_patient(patient)
        if not np.isfinite(waveform_seconds) or waveform_seconds < 0:
            raise ValueError(
                f"waveform_seconds = {waveform_seconds!r} must be a duration >= 0 seconds"
            )
        if history_seconds is not None and not (
            np.isfinite(history_seconds) and history_seconds > 0
        ):
            raise ValueError(f"history_seconds = {history_seconds!r} must be a duration > 0 s")
        rhythm(rhythm_name)  # refuses an unknown rhythm, naming the known ones
        models = dict(drug_models or {})
        for name, model in models.items():
            pharmacology.drug(name).model(model)  # refuses unknown drugs and models now
        settings = TwinSettings(seed, float(waveform_seconds), history_seconds, models)
        params, state, monitors = resting_states(parameters_for(patient, seed), STEP_S)
        state[:, S.RHYTHM] = RHYTHM_NAMES.index(rhythm_name)
        state[:, S.RHYTHM_RATE] = OWN_RATES.get(rhythm_name, (0.0,))[0]
        self._restore(patient, settings, Batch(params, state, monitors, STEP_S))

    def _restore(
        self,
        patient: Patient,
        settings: TwinSettings,
        batch: Batch,
        treatments: Treatments | None = None,
        events: Iterable[Event] = (),
        scheduler: Scheduler | None = None,
    ) -> None:
        self.patient = patient
        self.settings = settings
        self._batch = batch
        self.treatments = treatments or Treatments(patient, models=dict(settings.drug_models))
        self.events = EventLog(tuple(events))
        self.scheduler = scheduler or Scheduler()
        self._history_times: list[np.ndarray] = []
        self._history: list[np.ndarray] = []
        self._waves: deque[tuple[np.ndarray, np.ndarray]] = deque()
        self._note_heart()

    def _note_heart(self) -> None:
        """Take the heart's current rhythm and life as already logged."""
        state = self._batch.state[0]
        self._logged_rhythm = int(state[S.RHYTHM])
        self._logged_death = bool(state[S.IRREVERSIBLE])
        self._logged_alarms = self._alarms_now()

    def _alarms_now(self) -> int:
        """The ventilator alarms in force now (bits of `ventilator_alarms`)."""
        return int(self._batch.monitors[0, M.ventilator_alarms])

    @property
    def seed(self) -> int:
        """The seed of the patient's random variability and of every random outcome."""
        return self.settings.seed

    @property
    def waveform_seconds(self) -> float:
        return self.settings.waveform_seconds

    @property
    def history_seconds(self) -> float | None:
        return self.settings.history_seconds

    @property
    def rhythm(self) -> Rhythm:
        """The heart's current rhythm (engine state)."""
        return rhythm(self.rhythm_name)

    @property
    def rhythm_name(self) -> str:
        return RHYTHM_NAMES[int(self._batch.state[0, S.RHYTHM])]

    # --- running -----------------------------------------------------------------
    @property
    def time_s(self) -> float:
        """Simulated seconds since the twin was created at rest."""
        return self._batch.time_s

    def advance(self, seconds: float) -> None:
        """Simulate `seconds` more (in whole 5 ms steps), giving what the scheduler holds
        at its step."""
        batch = self._batch
        target = batch.steps_done + batch.steps_for(seconds)
        self._give_due()
        while batch.steps_done < target:
            due = self.scheduler.next_due_step()
            stop = target if due is None else min(target, max(due, batch.steps_done + 1))
            steps = stop - batch.steps_done
            self._keep(batch.advance(steps * batch.step_s, waveforms=self.waveform_seconds > 0))
            self._give_due()

    def apply(
        self, action: ActionBase | str, source: str = "user", note: str | None = None
    ) -> Event:
        """Give `action` (an Action or a readable order) now, and log it.

        A refused action (unknown drug, dose over the library's limit, ...) raises
        `ActionError` naming the field, the value and what is allowed, and changes
        nothing.
        """
        if isinstance(action, str):
            action = parse_order(action)
        return self._give(action, source, note)

    def schedule(
        self, at_s: float, action: ActionBase | str, source: str = "user", note: str | None = None
    ) -> Scheduled:
        """Queue `action` for twin time `at_s` (now or later); it is checked for this
        patient now and given, and logged, when the twin reaches that time."""
        if isinstance(action, str):
            action = parse_order(action)
        if not np.isfinite(at_s) or at_s < self.time_s - 0.5 * STEP_S:
            raise ActionError(
                f"at = {at_s!r} s ({action.order()}) is not allowed: must be a time from now "
                f"({self.time_s:g} s) on"
            )
        action.check(self.patient)
        due = max(round(at_s / self._batch.step_s), self._batch.steps_done)
        return self.scheduler.add(due, action, source=source, note=note)

    def run(
        self,
        protocol: Iterable[tuple[float, ActionBase | str]],
        until: float,
        source: str = "user",
        progress: Callable[[float], None] | None = None,
        chunk_s: float = 60.0,
    ) -> None:
        """Play a protocol of timed orders (`(time_s, order)`, twin time) up to `until`.

        Every order is checked first, so a refused one stops the run before it starts.
        `progress(time_s)` is called after each `chunk_s` of simulated time.
        """
        if not np.isfinite(until) or until < self.time_s:
            raise ValueError(f"until = {until!r} must be a time from now ({self.time_s:g} s) on")
        orders = [(at, parse_order(o) if isinstance(o, str) else o) for at, o in protocol]
        for at, order in orders:
            if at > until:
                raise ActionError(
                    f"order at {at:g} s ({order.order()}) is after the end of the run ({until:g} s)"
                )
        queued = self.scheduler.entries(), self.scheduler.next_sequence
        try:
            for at, order in orders:
                self.schedule(at, order, source=source)
        except ActionError:
            self.scheduler = Scheduler(*queued)  # a refused protocol queues nothing
            raise
        while self.time_s < until - 0.5 * STEP_S:
            self.advance(min(chunk_s, until - self.time_s))
            if progress:
                progress(self.time_s)

    def replay(self, events: Iterable[Event]) -> None:
        """Give again, at their times, the logged `events` that were not queued (the
        restored scheduler gives the queued ones itself) nor made by the physiology
        (which makes them again), with their sources and notes."""
        for event in events:
            if event.queued or event.source in physiology_events.SOURCES:
                continue
            if event.time_s > self.time_s:
                self.advance(event.time_s - self.time_s)
            self._give(event.action, event.source, event.note)

    def _give(
        self,
        action: ActionBase,
        source: str,
        note: str | None,
        queued: bool = False,
        cause: int | None = None,
    ) -> Event:
        """Apply `action` now, log it, and queue its follow-ups."""
        follow_ups = action.apply(self._context())
        self.scheduler.cancel_follow_ups(action.lines())
        event = self.events.record(self.time_s, action, source, note, queued=queued, cause=cause)
        self._note_heart()
        for follow_up in follow_ups:
            due = round((self.time_s + follow_up.after_s) / self._batch.step_s)
            self.scheduler.add(due, follow_up.action, cause=event.id)
        return event

    def _give_due(self) -> None:
        while entry := self.scheduler.pop_due(self._batch.steps_done):
            try:
                self._give(entry.action, entry.source, entry.note, queued=True, cause=entry.cause)
            except ActionError as error:
                raise ActionError(
                    *(f"at {self.time_s:g} s, {entry.action.order()}: {p}" for p in error.problems)
                ) from None

    def _context(self) -> ActionContext:
        """What an action applied now may touch: this twin's row of the batch."""
        drug_amounts = self._batch.state[0, span(S, "DRUG_X")].reshape(DRUG_SLOTS, DRUG_STATES)
        return ActionContext(
            patient=self.patient,
            now_s=self.time_s,
            inputs=EngineInputs(self._batch.params[0]),
            drug_amounts=drug_amounts,
            treatments=self.treatments,
            heart=Heart(self._batch.state[0]),
        )

    def _log_physiology(self, recording: Recording) -> None:
        """Log what the physiology did during `recording` (see `physiology_events`)."""
        findings = []
        times, monitors = recording.times_s, recording.history[0]
        if len(times):
            findings = physiology_events.rhythm_findings(times, monitors, self._logged_rhythm)
        # the alarms of each recorded second and of now, so none is left unlogged
        alarms = np.append(monitors[:, M.ventilator_alarms], self._alarms_now())
        alarm_times = np.append(times, self.time_s)
        findings += physiology_events.alarm_findings(alarm_times, alarms, self._logged_alarms)
        state, params = self._batch.state[0], self._batch.params[0]
        if state[S.IRREVERSIBLE] and not self._logged_death:
            findings.append(physiology_events.death_finding(self.time_s, state, params))
        for finding in sorted(findings, key=lambda f: f.time_s):
            self.events.record(finding.time_s, finding.action, finding.source, finding.note)
        self._note_heart()

    def _keep(self, recording: Recording) -> None:
        self._log_physiology(recording)
        if len(recording.times_s):
            self._history_times.append(recording.times_s)
            self._history.append(recording.history[0])
            if self.history_seconds is not None:
                oldest_kept = self.time_s - self.history_seconds
                while len(self._history_times) > 1 and self._history_times[0][-1] < oldest_kept:
                    self._history_times.pop(0)
                    self._history.pop(0)
        if len(recording.wave_times_s):
            waves = recording.waves[0]
            if self._batch.params[0, P.VENT_MODE] == MODE_OFF:  # one mode per recording
                waves[:, W.airway_pressure] = np.nan  # no ventilator or bag measures it
            self._waves.append((recording.wave_times_s, waves))
            oldest_kept = self.time_s - self.waveform_seconds
            while self._waves and self._waves[0][0][-1] < oldest_kept:
                self._waves.popleft()

    # --- reading -----------------------------------------------------------------
    def vitals(self) -> dict[str, float]:
        """The latest value of every numeric signal, by name (units as in
        data/signals.csv; NaN where the monitor cannot measure it)."""
        row = self._batch.monitors[0]
        values = dict(zip(SIGNAL_NAMES, row[_KEPT].tolist(), strict=True))
        for name, index in self._drug_columns().items():
            values[name] = float(row[index])
        return values

    def _drug_columns(self) -> dict[str, int]:
        """Monitor columns of the drugs on board, named with drug and unit."""
        columns = {}
        for name, slot in self.treatments.slots.items():
            unit = pharmacology.drug(name).concentration_unit.replace("/", "_per_")
            columns[f"{name}_plasma_concentration_{unit}"] = M[f"drug_plasma_{slot}"]
            columns[f"{name}_effect_site_concentration_{unit}"] = M[f"drug_effect_site_{slot}"]
        return columns

    def history(self) -> pd.DataFrame:
        """1 Hz vitals since time zero: `time_s`, then one column per numeric signal."""
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

    def rhythm_history(self) -> np.ndarray:
        """The heart's rhythm by name at each row of `history()`."""
        if not self._history:
            return np.empty(0, dtype=object)
        indices = np.concatenate(self._history)[:, M.rhythm].astype(int)
        return np.asarray(RHYTHM_NAMES, dtype=object)[indices]

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
        to 0-1 over the whole kept window, so it does not jump between calls. The airway
        pressure is NaN while no ventilator or bag is on. The ECG leads besides II are
        `twelve_lead`'s of the same waves (lead II stays the drawing's own sum).
        """
        kept = self._kept_waves(rate_hz, since_s)
        if kept is None:
            return np.empty(0), {name: np.empty(0) for name in WAVEFORM_NAMES}
        sample_times, times, raw = kept
        pleth_low = raw[:, W.pleth_pressure].min()
        pleth_span = max(raw[:, W.pleth_pressure].max() - pleth_low, 1e-9)

        def channel(index: int) -> np.ndarray:
            return np.interp(sample_times, times, raw[:, index])

        ecg = self._ecg_waves(sample_times, times, raw)
        leads = leads_mV(ecg)
        return sample_times, {
            "ecg_ii": ecg.sum(axis=-1),
            "arterial_pressure": channel(W.arterial_pressure),
            "central_venous_pressure": channel(W.central_venous_pressure),
            "pleth": (channel(W.pleth_pressure) - pleth_low) / pleth_span,
            "co2": channel(W.co2),
            "airway_flow": channel(W.airway_flow),
            "airway_pressure": channel(W.airway_pressure),
            "lung_volume": channel(W.lung_volume) - self._batch.params[0, P.FRC],
            **{name: leads[lead] for name, lead in _OTHER_LEADS.items()},
        }

    def twelve_lead(
        self, rate_hz: float = DEFAULT_WAVEFORM_RATE_HZ, since_s: float | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Sample times and the 12 standard leads in mV (`twelve_lead.LEADS`) of the kept
        waveforms (after `since_s`, if given), lead II being `waveform_samples`' ECG."""
        kept = self._kept_waves(rate_hz, since_s)
        if kept is None:
            return np.empty(0), {name: np.empty(0) for name in LEADS}
        sample_times, times, raw = kept
        return sample_times, leads_mV(self._ecg_waves(sample_times, times, raw))

    def _kept_waves(
        self, rate_hz: float, since_s: float | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(sample times at `rate_hz` after `since_s`, recorded times, recorded rows) of
        the kept window; None when nothing is recorded."""
        if not np.isfinite(rate_hz) or not 0 < rate_hz <= 1.0 / STEP_S:
            raise ValueError(
                f"rate_hz = {rate_hz!r} must be above 0 and at most {1.0 / STEP_S:g} Hz "
                "(the engine's step rate)"
            )
        if not self._waves:
            return None
        times = np.concatenate([t for t, _ in self._waves])
        raw = np.concatenate([w for _, w in self._waves])
        keep = times >= self.time_s - self.waveform_seconds
        times, raw = times[keep], raw[keep]
        first = times[0] if since_s is None else max(times[0], since_s + 0.5 / rate_hz)
        sample_times = np.arange(np.ceil(first * rate_hz) / rate_hz, times[-1] + 1e-9, 1 / rate_hz)
        return sample_times, times, raw

    @staticmethod
    def _ecg_waves(sample_times: np.ndarray, times: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """Lead II by wave (`ecg.waves_mV`) at `sample_times` from the recorded rows."""
        latest = np.maximum(np.searchsorted(times, sample_times, side="right") - 1, 0)
        return waves_mV(
            raw[latest, W.rhythm].astype(int),
            np.interp(sample_times, times, raw[:, W.beat_phase]),
            np.interp(sample_times, times, raw[:, W.beat_period]),
            sample_times,
            raw[latest, W.paced] > 0.0,
        )

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
        """The full references of the sources this run used: the engine's parameters and
        models, the patient's scaling and conditions, and the drugs given with the PK
        models chosen, sorted."""
        drugs = {name: self.treatments.models.get(name) for name in self.treatments.slots}
        return citations_for(self.patient, drugs)

    # --- what-ifs ----------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """A copy of the twin's full state, queue and recordings at this moment."""
        if self._waves:
            wave_times = np.concatenate([t for t, _ in self._waves])
            waves = np.concatenate([w for _, w in self._waves])
        else:
            wave_times, waves = np.empty(0), np.empty((0, len(W)))
        return Snapshot(
            patient=self.patient,
            settings=self.settings,
            state=self._batch.state[0].copy(),
            monitors=self._batch.monitors[0].copy(),
            params=self._batch.params[0].copy(),
            treatments=self.treatments.copy(),
            events=tuple(self.events),
            scheduled=self.scheduler.entries(),
            next_sequence=self.scheduler.next_sequence,
            history_times_s=np.concatenate(self._history_times) if self._history else np.empty(0),
            history=np.concatenate(self._history) if self._history else np.empty((0, len(M))),
            wave_times_s=wave_times,
            waves=waves,
        )

    def restore(self, snapshot: Snapshot) -> None:
        """Return to a snapshot; advancing then repeats the original run bit for bit."""
        self._restore(
            snapshot.patient,
            snapshot.settings,
            Batch(snapshot.params, snapshot.state, snapshot.monitors, STEP_S),
            snapshot.treatments.copy(),
            snapshot.events,
            Scheduler(snapshot.scheduled, snapshot.next_sequence),
        )
        if len(snapshot.history_times_s):
            self._history_times.append(snapshot.history_times_s.copy())
            self._history.append(snapshot.history.copy())
        if len(snapshot.wave_times_s):
            self._waves.append((snapshot.wave_times_s.copy(), snapshot.waves.copy()))

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Twin:
        """A twin that continues from `snapshot`."""
        twin = object.__new__(cls)
        twin.restore(snapshot)
        return twin

    def fork(self) -> Twin:
        """An independent twin in exactly this twin's state."""
        return Twin.from_snapshot(self.snapshot())
