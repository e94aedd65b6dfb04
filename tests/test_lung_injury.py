"""Acute lung injury (ARDS) by severity.

Sources of the expectations:
- the Berlin definition grades ARDS by PaO2/FiO2 on PEEP 5 cmH2O or more: mild 200-300,
  moderate 100-200, severe 100 or less (ARDS Definition Task Force. JAMA
  2012;307:2526);
- the aerated 'baby lung' left is small, so the same tidal volume needs more pressure:
  plateau pressure rises and static compliance falls with severity (Gattinoni L,
  Pesenti A. Intensive Care Med 2005;31:776);
- the shunt of severe ARDS is about 40-50 % of cardiac output (Dantzker DR et al. Am
  Rev Respir Dis 1979;120:1039);
- an injured lung makes breathing rapid and shallow through its vagal receptors
  (Paintal AS. Physiol Rev 1973;53:159): tachypnoea is a sign of ARDS.
"""

from __future__ import annotations

import pytest

from medtwin import Twin

BERLIN = {"mild": (200.0, 300.0), "moderate": (100.0, 200.0), "severe": (0.0, 100.0)}


@pytest.fixture(scope="module")
def injured() -> dict[float, dict[str, float]]:
    """Paralysed, ventilated at 450 mL and PEEP 5 on FiO2 1.0, 10 min after an injury
    of each severity."""
    vitals = {}
    for severity in (0.0, 0.4, 0.6, 0.85):
        twin = Twin("standard-male", waveform_seconds=0)
        twin.advance(30)
        twin.apply("rocuronium 1.2 mg/kg IV bolus")
        twin.apply("intubate")
        twin.apply("ventilator VC rate 14 VT 450 mL PEEP 5 FiO2 1.0")
        twin.apply(f"lung injury {severity}")
        twin.advance(600)
        vitals[severity] = twin.vitals()
    return vitals


@pytest.mark.parametrize(
    ("severity", "grade"), [(0.4, "mild"), (0.6, "moderate"), (0.85, "severe")]
)
def test_lung_injury_grades_by_the_berlin_definition(injured, severity, grade):
    low, high = BERLIN[grade]
    assert low < injured[severity]["pao2"] / 1.0 <= high  # FiO2 1.0


def test_a_smaller_aerated_lung_is_stiffer(injured):
    plateaus = [injured[s]["plateau_pressure"] for s in sorted(injured)]
    compliances = [injured[s]["static_compliance"] for s in sorted(injured)]
    assert plateaus == sorted(plateaus) and plateaus[-1] > plateaus[0] + 8.0
    assert compliances == sorted(compliances, reverse=True)
    assert compliances[-1] < 0.5 * compliances[0]


def test_severe_injury_shunts_40_to_50_percent(injured):
    assert 0.38 <= injured[0.85]["shunt_fraction"] <= 0.5  # Dantzker 1979
    assert injured[0.0]["shunt_fraction"] < 0.06


def test_a_spontaneously_breathing_patient_on_room_air_goes_into_respiratory_failure():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(60)
    resting = twin.vitals()
    twin.apply("lung injury 0.6")
    twin.advance(600)
    injured = twin.vitals()
    assert injured["spo2"] < resting["spo2"] - 5.0
    assert injured["pao2"] < 60.0  # room air: type 1 respiratory failure
    assert injured["respiratory_rate"] > 1.5 * resting["respiratory_rate"]
    assert injured["tidal_volume"] < 0.8 * resting["tidal_volume"]
