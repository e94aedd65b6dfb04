"""Tension pneumothorax: the published sequence, and its release.

Sources: in ventilated swine, a tension pneumothorax brings hypoxaemia first, then a
rising central venous pressure (7.6 to 15.2 mmHg) with falling cardiac output (down 67 %
at a pleural 10 mmHg) and arterial pressure, and pulseless electrical activity at about
20 mmHg (Barton ED et al. J Emerg Med 1997;15:147; Nelson D et al. J Surg Res 2013, pii
S0022-4804(13)00505-2). In breathing patients the tension grows only while inspiration
draws air through the tear: respiratory distress and hypoxaemia come first and nearly
always, hypotension is uncommon and late (Leigh-Smith S, Harris T. Emerg Med J
2005;22:8). Needle decompression relieves the tension and a chest drain re-expands the
lung (ATLS 10th ed., 2018, ch. 4).
"""

from __future__ import annotations

import numpy as np
import pytest

from medtwin import Twin
from medtwin.physiology.layout import S

SIGNALS = ("pao2", "mean_arterial_pressure", "central_venous_pressure", "cardiac_output",
           "heart_rate", "respiratory_rate", "pleural_pressure_left",
           "peak_inspiratory_pressure")  # fmt: skip
VENTILATED = ("midazolam 3 mg IV bolus", "fentanyl 100 mcg IV bolus",
              "rocuronium 0.6 mg/kg IV bolus", "intubate",
              "ventilator VC rate 14 VT 500 mL PEEP 5 FiO2 0.4")  # fmt: skip


def _now(twin: Twin) -> dict[str, float]:
    history = twin.history().iloc[-20:]
    return {name: float(history[name].mean()) for name in SIGNALS}


def _course(twin: Twin, steps) -> dict[str, dict[str, float]]:
    """The readings at rest and after each (order or None, seconds, stage name) step."""
    stages = {"rest": _now(twin)}
    for order, seconds, stage in steps:
        if order is not None:
            twin.apply(order)
        twin.advance(seconds)
        stages[stage] = _now(twin)
    return stages


@pytest.fixture(scope="module")
def breathing():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(60)
    return _course(twin, [
        ("tension pneumothorax left 0.6", 180, "3 min"), (None, 540, "12 min"),
        ("needle decompression left", 120, "needle"), ("chest drain left", 300, "drain"),
    ])  # fmt: skip


def _ventilated_twin() -> Twin:
    twin = Twin("standard-male", waveform_seconds=0)
    for order in VENTILATED:
        twin.apply(order)
    twin.advance(300)
    return twin


@pytest.fixture(scope="module")
def ventilated():
    return _course(_ventilated_twin(), [
        ("tension pneumothorax left 1", 180, "3 min"), (None, 420, "10 min"),
        ("needle decompression left", 120, "needle"),
    ])  # fmt: skip


def test_breathing_hypoxaemia_and_distress_come_first(breathing):
    rest, early, late = breathing["rest"], breathing["3 min"], breathing["12 min"]
    assert early["pao2"] < 0.8 * rest["pao2"]
    assert early["mean_arterial_pressure"] > 0.95 * rest["mean_arterial_pressure"]
    assert late["respiratory_rate"] > rest["respiratory_rate"] + 3.0


def test_breathing_the_tension_is_bounded_and_the_heart_quickens_to_hold_pressure(breathing):
    """The raised pleural pressure raises the measured CVP but squeezes the heart: its
    receptors are unloaded, and the reflexes quicken it and hold the pressure
    (tachycardia common, hypotension uncommon and late: Leigh-Smith & Harris 2005)."""
    rest, late = breathing["rest"], breathing["12 min"]
    assert 0.0 < late["pleural_pressure_left"] < 10.0  # cmH2O: positive, effort-bound
    assert late["central_venous_pressure"] > rest["central_venous_pressure"]
    assert late["heart_rate"] > 1.1 * rest["heart_rate"]
    assert 0.85 < late["mean_arterial_pressure"] / rest["mean_arterial_pressure"] < 1.15


def test_a_needle_relieves_the_tension_and_a_drain_the_lung(breathing):
    rest, needle, drain = breathing["rest"], breathing["needle"], breathing["drain"]
    assert needle["mean_arterial_pressure"] > 0.9 * rest["mean_arterial_pressure"]
    assert needle["pao2"] < 0.8 * rest["pao2"]  # the lung is still down
    assert drain["pao2"] > 0.9 * rest["pao2"]


def test_on_a_ventilator_the_tension_raises_airway_and_venous_pressure_and_drops_output(
    ventilated,
):
    rest, early, late = ventilated["rest"], ventilated["3 min"], ventilated["10 min"]
    assert early["pao2"] < 0.8 * rest["pao2"]
    assert late["pleural_pressure_left"] > 10.0  # cmH2O, well above a breathing patient's
    assert late["peak_inspiratory_pressure"] > rest["peak_inspiratory_pressure"] + 5.0
    assert late["central_venous_pressure"] > rest["central_venous_pressure"] + 5.0
    assert late["cardiac_output"] < 0.6 * rest["cardiac_output"]
    assert late["mean_arterial_pressure"] < 0.75 * rest["mean_arterial_pressure"]


def test_on_a_ventilator_a_needle_restores_the_circulation(ventilated):
    rest, needle = ventilated["rest"], ventilated["needle"]
    assert needle["mean_arterial_pressure"] > 0.9 * rest["mean_arterial_pressure"]
    assert needle["peak_inspiratory_pressure"] < rest["peak_inspiratory_pressure"] + 5.0


def test_untreated_on_a_ventilator_the_heart_stops_and_the_engine_holds():
    twin = _ventilated_twin()
    twin.apply("tension pneumothorax left 1")
    twin.advance(1800)
    history, rhythm = twin.history(), twin.rhythm_history()
    first = np.flatnonzero(rhythm != "sinus")[0]
    assert rhythm[first] in {"pea", "asystole", "vf"}
    assert 15.0 < history["pleural_pressure_left"].iloc[first] < 35.0  # cmH2O; Nelson: ~27
    state = np.ravel(twin.snapshot().state)
    assert np.isfinite(state).all()
    assert np.isfinite(history["mean_arterial_pressure"]).all()
    assert (history["central_venous_pressure"] < 40.0).all()  # never physically impossible
    chambers = [state[S[name]] for name in ("V_LA", "V_LV", "V_RA", "V_RV")]
    assert min(chambers) > -5.0  # mL: no chamber is drained below empty


def test_untreated_while_breathing_the_engine_holds_for_an_hour():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.apply("tension pneumothorax right 1")
    twin.advance(3600)
    assert np.isfinite(np.ravel(twin.snapshot().state)).all()
    # cmH2O: bound by the effort that draws air through the tear (an awake patient's
    # harder breaths against the collapsed lung build a little more)
    assert twin.history()["pleural_pressure_right"].max() < 20.0
