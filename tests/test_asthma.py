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
  cut its depth (Paintal AS. Physiol Rev 1973;53:159);
- the hypoxaemia of acute asthma comes from altered ventilation-perfusion ratios, with
  hypocapnia in most and CO2 retention only at extreme obstruction (McFadden ER, Lyons HA.
  N Engl J Med 1968;278:1027); oxygen corrects it (BTS/SIGN 2019: target SpO2 94-98 %);
- awake patients keep their ventilation against a load by breathing harder (Campbell EJM
  et al. Clin Sci 1961;21:309), anaesthetised ones do not (Nunn JF, Ezi-Ashi TI.
  Anesthesiology 1961;22:174); work above the critical tension-time index tires the
  inspiratory muscles (Bellemare F, Grassino A. J Appl Physiol 1982;53:1190) and raises
  sympathetic outflow (St Croix CM et al. J Physiol 2000;529:493).
"""

from __future__ import annotations

import pytest

from medtwin import Patient, Twin
from medtwin.physiology.layout import S
from medtwin.physiology.parameters import P


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
    assert severe.history()["respiratory_rate"].iloc[-120:].mean() >= 25.0
    assert resting.vitals()["respiratory_rate"] < 16.0
    assert severe.vitals()["tidal_volume"] < 0.75 * resting.vitals()["tidal_volume"]


def test_acute_severe_asthma_is_hypoxaemic_without_co2_retention_and_oxygen_corrects_it(
    resting, severe
):
    assert severe.vitals()["pao2"] < 80.0  # McFadden & Lyons 1968: 91 of 101 hypoxaemic
    assert severe.vitals()["pao2"] < resting.vitals()["pao2"] - 15.0
    assert severe.vitals()["paco2"] <= resting.vitals()["paco2"]
    twin = severe.fork()
    twin.apply("oxygen nasal cannula 2 L/min")
    twin.advance(300)
    assert twin.vitals()["spo2"] >= 94.0  # poorly ventilated units, not a shunt


def test_life_threatening_asthma_holds_a_normal_paco2_by_breathing_much_harder(resting):
    twin = resting.fork()
    twin.apply("bronchospasm 0.75")
    twin.advance(600)
    vitals = twin.vitals()
    assert vitals["peak_flow_percent_predicted"] < 33.0
    assert 35.0 <= vitals["paco2"] <= 45.0  # BTS: a normal PaCO2 is life-threatening
    swing = vitals["intrapleural_pressure_max"] - vitals["intrapleural_pressure_min"]
    rest = resting.vitals()
    assert swing > 4.0 * (rest["intrapleural_pressure_max"] - rest["intrapleural_pressure_min"])


def test_near_fatal_asthma_tires_the_breathing_muscles_and_co2_climbs(resting):
    twin = resting.fork()
    twin.apply("bronchospasm 0.85")
    twin.advance(600)
    early = twin.vitals()
    early_sympathetic = twin._batch.state[0, S.SYMPATHETIC_MEAN]
    twin.advance(1800)
    late = twin.vitals()
    assert late["peak_flow_percent_predicted"] < 20.0
    assert late["paco2"] > 50.0 and late["paco2"] > early["paco2"] + 5.0
    assert late["spo2"] < 92.0
    assert twin._batch.state[0, S.BREATHING_FATIGUE] > 0.3
    assert twin._batch.state[0, S.SYMPATHETIC_MEAN] > 1.1 * early_sympathetic


def test_anaesthesia_takes_away_the_compensation_for_a_load(resting):
    """The same obstruction costs an anaesthetised patient a larger share of his
    ventilation than an awake one (Nunn & Ezi-Ashi 1961)."""
    sedated = resting.fork()
    sedated.apply("propofol 100 mcg/kg/min IV infusion")
    sedated.advance(600)
    loss = {}
    for name, twin in (("awake", resting.fork()), ("anaesthetised", sedated)):
        before = twin.vitals()["minute_ventilation"]
        twin.apply("airway obstruction 0.8")
        twin.advance(60)
        loss[name] = 1.0 - twin.vitals()["minute_ventilation"] / before
    assert loss["awake"] < 0.1 and loss["anaesthetised"] > 0.15, loss


@pytest.mark.parametrize(("sex", "age", "expected"), [("male", 20, 132.0), ("female", 70, 68.3)])
def test_inspiratory_strength_follows_black_and_hyatt(sex, age, expected):
    patient = Patient(name="p", sex=sex, age_years=age, height_cm=170, weight_kg=70)
    assert Twin(patient)._batch.params[0, P.PIMAX] == pytest.approx(expected)


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
