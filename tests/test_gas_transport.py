"""Gas transport where a compartment passes several times its volume in a slow step.

An elderly, small woman's stiff aortic root holds about 7 mL at rest and less after an
induction dose of propofol, while each beat sends some 50 mL through it: in one 50 ms
slow step several times its volume. The explicit upwind scheme the engine once used
amplified any difference of content there each step, and during the apnoea after
propofol her arterial gases jumped from PaO2 53 to 0.02 mmHg and PaCO2 12,800 mmHg
within 10 s (found by the trials' control arm, medtwin issue 16). During apnoea the
arterial PO2 falls and the PCO2 rises steadily (Eger EI, Severinghaus JW.
Anesthesiology 1961;22:419-425, apnoeic PaCO2 rise of a few mmHg a minute).
"""

from __future__ import annotations

import numpy as np
import pytest

from medtwin import Twin
from medtwin.patients.population import generate_population
from medtwin.physiology.layout import S

RUN_S = 180.0


@pytest.fixture(scope="module")
def apnoea() -> tuple[Twin, dict[str, np.ndarray], float]:
    """The woman of the report, her aortic root's volume at rest, and 3 min after
    propofol 2 mg/kg (breathing stops within the first minute, for about two)."""
    patient = generate_population(1000, seed=1)[30]
    twin = Twin(patient, seed=5, waveform_seconds=0)
    aortic_root_mL = float(twin.snapshot().state[S.V_SA])
    twin.apply("propofol 2 mg/kg IV bolus")
    twin.advance(RUN_S)
    history = {k: np.asarray(v) for k, v in twin.history().items()}
    return twin, history, aortic_root_mL


def test_her_aortic_root_passes_several_times_its_volume_each_slow_step(apnoea):
    _, history, aortic_root_mL = apnoea
    stroke_mL = float(np.median(history["stroke_volume"]))
    assert aortic_root_mL < 10.0
    # About half a stroke volume leaves in the 50 ms slow step of peak ejection.
    assert stroke_mL / 2 > 3 * aortic_root_mL
    assert (history["respiratory_rate"] == 0).sum() > 60, "apnoeic for over a minute"


def test_arterial_gases_change_smoothly_in_apnoea(apnoea):
    _, history, _ = apnoea
    pao2, paco2 = history["pao2"], history["paco2"]
    assert np.abs(np.diff(pao2)).max() < 2.0  # mmHg per second
    assert np.abs(np.diff(paco2)).max() < 1.0
    assert 30.0 < pao2.min() and pao2.max() < 110.0
    assert 35.0 < paco2.min() and paco2.max() < 60.0


def test_apnoea_lowers_pao2_and_raises_paco2(apnoea):
    _, history, _ = apnoea
    apnoeic = history["respiratory_rate"] == 0
    first = int(np.argmax(apnoeic))
    assert history["pao2"][-1] < history["pao2"][first] - 10.0
    assert history["paco2"][-1] > history["paco2"][first]
