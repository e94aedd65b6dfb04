"""Tension pneumothorax: the published sequence, and its release.

Sources: in swine, a tension pneumothorax brings hypoxaemia first, then a rising
central venous pressure with falling cardiac output and arterial pressure, towards
pulseless electrical activity (Barton ED et al. J Emerg Med 1997;15:147; Nelson D et al.
J Trauma Acute Care Surg 2013;74:1106); needle decompression relieves the tension and a
chest drain re-expands the lung (ATLS 10th ed., 2018, ch. 4).
"""

from __future__ import annotations

import pytest

from medtwin import Twin

SIGNALS = ("pao2", "mean_arterial_pressure", "central_venous_pressure", "cardiac_output",
           "heart_rate", "pleural_pressure_left")  # fmt: skip


def _now(twin: Twin) -> dict[str, float]:
    history = twin.history().iloc[-20:]
    return {name: float(history[name].mean()) for name in SIGNALS}


@pytest.fixture(scope="module")
def course():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(60)
    stages = {"rest": _now(twin)}
    twin.apply("tension pneumothorax left 0.6")
    twin.advance(180)
    stages["3 min"] = _now(twin)
    twin.advance(540)
    stages["12 min"] = _now(twin)
    twin.apply("needle decompression left")
    twin.advance(120)
    stages["needle"] = _now(twin)
    twin.apply("chest drain left")
    twin.advance(300)
    stages["drain"] = _now(twin)
    return stages


def test_hypoxaemia_comes_first(course):
    rest, early = course["rest"], course["3 min"]
    assert early["pao2"] < 0.8 * rest["pao2"]
    assert early["mean_arterial_pressure"] > 0.95 * rest["mean_arterial_pressure"]


def test_then_the_tension_raises_venous_pressure_and_drops_output_and_pressure(course):
    rest, late = course["rest"], course["12 min"]
    assert late["pleural_pressure_left"] > 20.0  # cmH2O, under tension
    assert late["central_venous_pressure"] > rest["central_venous_pressure"] + 5.0
    assert late["cardiac_output"] < 0.75 * rest["cardiac_output"]
    assert late["mean_arterial_pressure"] < 0.75 * rest["mean_arterial_pressure"]
    assert late["heart_rate"] > rest["heart_rate"]


def test_a_needle_relieves_the_tension_and_a_drain_the_lung(course):
    rest, needle, drain = course["rest"], course["needle"], course["drain"]
    assert needle["mean_arterial_pressure"] > 0.9 * rest["mean_arterial_pressure"]
    assert needle["pao2"] < 0.8 * rest["pao2"]  # the lung is still down
    assert drain["pao2"] > 0.9 * rest["pao2"]
