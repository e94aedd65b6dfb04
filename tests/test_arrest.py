"""Arrest and death by the physiology, and the rhythm as engine state.

Sources:
- contraction fails with myocardial O2 (Vatner SF. Circ Res 1980;47:201), so apnoea on
  room air brings hypoxic bradycardia and then arrest without a pulse; in asphyxiated
  animals the circulation stops within minutes, after the brain (Safar P. Circulation
  1986;74(suppl IV):IV138);
- consciousness is lost within about 6-10 s of the arrest of cerebral flow (Rossen R,
  Kabat H, Anderson JP. Arch Neurol Psychiatry 1943;50:510);
- after about 10 min of normothermic no-flow the brain does not recover (Safar 1986):
  the twin is then dead, and a death event is logged;
- the heart rate of fibrillation cannot be counted, and a pulse oximeter reads nothing
  without a pulse (Lawson D et al. Anesthesiology 1987;67:599).
"""

from __future__ import annotations

import numpy as np
import pytest

from medtwin import Twin
from medtwin.actions import ActionError
from medtwin.physiology.parameters import REFERENCE


@pytest.fixture(scope="module")
def hypoxic():
    """Paralysed and not ventilated, breathing room air, for 25 minutes."""
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(30)
    twin.apply("rocuronium 1.2 mg/kg IV bolus")
    twin.advance(25 * 60)
    return twin


def _physiology(twin):
    return [e for e in twin.events if e.source == "physiology"]


def test_hypoxaemia_slows_then_stops_the_heart(hypoxic):
    history = hypoxic.history()
    rhythm = hypoxic.rhythm_history()
    first_arrest = np.flatnonzero(rhythm != "sinus")[0]
    arrest_s = history["time_s"].iloc[first_arrest]
    assert 4 * 60 < arrest_s - 30 < 12 * 60, arrest_s
    before = history.iloc[: first_arrest - 60]
    resting_hr = history["heart_rate"].iloc[:30].mean()
    assert history["heart_rate"].iloc[first_arrest - 15] < 0.8 * resting_hr  # bradycardia
    assert before["spo2"].iloc[-1] < 50.0
    assert rhythm[first_arrest] in {"pea", "vf"}


def test_arrest_and_death_are_logged_by_the_physiology(hypoxic):
    events = _physiology(hypoxic)
    assert events[0].action.kind == "rhythm"
    assert events[0].note.startswith("cardiac arrest")
    death = [e for e in events if e.action.kind == "death"]
    assert len(death) == 1
    no_flow_s = REFERENCE["IRREVERSIBLE_NO_FLOW_S"].value
    assert death[0].time_s == pytest.approx(events[0].time_s + no_flow_s, abs=2.0)
    assert hypoxic.rhythm_name == "asystole"


def test_a_replayed_log_makes_the_same_physiology_events(hypoxic):
    again = Twin("standard-male", waveform_seconds=0)
    again.replay(hypoxic.events)
    again.advance(hypoxic.time_s - again.time_s)
    assert [e.model_dump() for e in again.events] == [e.model_dump() for e in hypoxic.events]


@pytest.fixture(scope="module")
def fibrillating():
    twin = Twin("standard-male", waveform_seconds=30)
    twin.advance(60)
    rest = twin.vitals()
    twin.apply("rhythm ventricular fibrillation", source="instructor")
    return rest, twin


def test_fibrillation_stops_the_circulation_and_the_brain_within_seconds(fibrillating):
    rest, twin = fibrillating
    twin.advance(20)
    vitals = twin.vitals()
    assert vitals["mean_arterial_pressure"] < 0.25 * rest["mean_arterial_pressure"]
    assert vitals["cardiac_output"] < 0.05 * rest["cardiac_output"]
    assert vitals["consciousness_index"] < 40.0  # Rossen 1943: 6-10 s
    assert np.isnan(vitals["spo2"])
    assert twin.rhythm_name in {"vf", "asystole"}
    if twin.rhythm_name == "vf":
        assert np.isnan(vitals["heart_rate"])


def test_the_ecg_shows_the_rhythm(fibrillating):
    _, twin = fibrillating
    ecg = twin.waveforms(since_s=twin.time_s - 5)["ecg_ii"]
    if twin.rhythm_name == "vf":
        assert 0.1 < ecg.abs().max() < 1.0  # coarse VF, no 1 mV R waves
    else:
        assert (ecg == 0.0).all()


def test_a_dead_twin_stays_dead():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(10)
    twin.apply("declare death", source="instructor")
    twin.advance(10)
    assert twin.rhythm_name == "asystole"
    with pytest.raises(ActionError, match="dead"):
        twin.apply("rhythm sinus")
    assert twin.vitals()["heart_rate"] == 0.0
