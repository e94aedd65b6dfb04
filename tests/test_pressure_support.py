"""Pressure support: a set pressure on each of the patient's own breaths, none without one.

Sources: Tobin MJ. Principles and Practice of Mechanical Ventilation, 3rd ed., 2013,
ch. 8 (pressure support is triggered and ended by the patient's effort and has no rate
of its own); Brochard L et al. Am Rev Respir Dis 1989;139:513 (pressure support raises
the tidal volume and slows breathing); Fink BR. J Appl Physiol 1961;16:15 (awake
subjects made hypocapnic breathe on).
"""

from __future__ import annotations

import pytest

from medtwin import Twin


def _on(orders: list[str], minutes: float = 8.0) -> dict:
    twin = Twin("standard-male", waveform_seconds=0)
    twin.apply("intubate")
    for order in orders:
        twin.apply(order)
    twin.advance(minutes * 60.0)
    return twin.history().iloc[-120:].mean().to_dict()


@pytest.fixture(scope="module")
def cpap() -> dict:
    return _on(["ventilator CPAP 5 cmH2O"])


def test_pressure_support_adds_its_pressure_and_raises_the_tidal_volume(cpap):
    supported = _on(["ventilator PS 5 cmH2O PEEP 5"])
    assert supported["peak_inspiratory_pressure"] == pytest.approx(10.0, abs=0.5)
    assert supported["total_peep"] == pytest.approx(5.0, abs=0.5)
    assert supported["exhaled_tidal_volume"] > 1.3 * cpap["exhaled_tidal_volume"]
    assert supported["respiratory_rate"] <= cpap["respiratory_rate"]
    assert supported["paco2"] < cpap["paco2"] - 2.0


def test_an_awake_patient_made_hypocapnic_by_support_breathes_on(cpap):
    supported = _on(["ventilator PS 10 cmH2O PEEP 5"])
    assert supported["paco2"] < cpap["paco2"] - 5.0
    assert supported["respiratory_rate"] > 6.0


def test_pressure_support_gives_no_breath_to_a_patient_who_makes_none():
    paralysed = _on(["ventilator PS 10 cmH2O PEEP 5", "rocuronium 0.6 mg/kg IV bolus"], 4.0)
    assert paralysed["exhaled_minute_volume"] == pytest.approx(0.0, abs=0.05)
    assert paralysed["peak_inspiratory_pressure"] == pytest.approx(5.0, abs=0.5)
