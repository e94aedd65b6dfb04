"""Bronchospasm (acute asthma) and its relief by salbutamol.

Sources:
- BTS/SIGN British guideline on the management of asthma, 2019: acute severe asthma is
  a peak flow of 33-50 % of predicted; life-threatening, under 33 %, SpO2 under 92 % or a
  normal or raised PaCO2;
- narrowed airways empty slowly: on a ventilator the lungs trap air (intrinsic PEEP) and
  the peak pressure rises (Tuxen DV, Lane S. Am Rev Respir Dis 1987;136:872);
- salbutamol relaxes bronchial smooth muscle within minutes (BTS/SIGN 2019);
- acute severe asthma breathes at 25/min or more (BTS/SIGN 2019), rapidly and shallowly:
  the lungs' vagal receptors, stimulated by bronchoconstriction, quicken breathing and
  cut its depth (Paintal AS. Physiol Rev 1973;53:159).
"""

from __future__ import annotations

import pytest

from medtwin import Twin


@pytest.fixture(scope="module")
def resting():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(30)
    return twin


@pytest.fixture(scope="module")
def severe(resting):
    twin = resting.fork()
    twin.apply("bronchospasm 0.6")
    twin.advance(300)
    return twin


def test_bronchospasm_takes_peak_flow_into_the_acute_severe_range(resting, severe):
    assert resting.vitals()["peak_flow_percent_predicted"] == pytest.approx(100.0)
    assert 33.0 <= severe.vitals()["peak_flow_percent_predicted"] <= 50.0
    assert (
        severe.vitals()["inspiratory_resistance"] > 4 * resting.vitals()["inspiratory_resistance"]
    )


def test_acute_severe_asthma_breathes_fast_and_shallow(resting, severe):
    assert severe.vitals()["respiratory_rate"] >= 25.0
    assert resting.vitals()["respiratory_rate"] < 16.0
    assert severe.vitals()["tidal_volume"] < 0.75 * resting.vitals()["tidal_volume"]


def test_life_threatening_bronchospasm_desaturates_and_retains_co2(resting):
    twin = resting.fork()
    twin.apply("bronchospasm 0.75")
    twin.advance(600)
    vitals = twin.vitals()
    assert vitals["peak_flow_percent_predicted"] < 33.0
    assert vitals["spo2"] < 92.0
    assert vitals["paco2"] > resting.vitals()["paco2"] + 5.0


def test_on_a_ventilator_narrowed_airways_trap_air_and_raise_the_peak_pressure():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.apply("rocuronium 1.2 mg/kg IV bolus")
    twin.apply("intubate")
    twin.apply("ventilator VC rate 16 VT 500 mL PEEP 5 FiO2 0.4")
    twin.advance(120)
    before = twin.vitals()
    twin.apply("bronchospasm 0.7")
    twin.advance(120)
    after = twin.vitals()
    assert after["total_peep"] > before["total_peep"] + 1.0  # Tuxen & Lane 1987
    assert after["peak_inspiratory_pressure"] > before["peak_inspiratory_pressure"] + 5.0


def test_salbutamol_relieves_bronchospasm_within_minutes(severe):
    twin = severe.fork()
    twin.apply("salbutamol 250 mcg IV bolus")
    twin.advance(300)
    assert (twin.vitals()["peak_flow_percent_predicted"]
            > severe.vitals()["peak_flow_percent_predicted"] + 8.0)  # fmt: skip
