"""Gas mass balance at rest: what the lungs take up is what the tissues use.

At a steady state every mL of O2 the tissues consume must cross the alveolar membrane,
and every mL of CO2 they produce must leave by it (DESIGN.md: conservation is checked,
not hoped for). The tissue rates are the model's inputs (Mifflin-St Jeor resting energy
split between organs after Elia 1992, CO2 at the respiratory quotient of 0.85,
gropper2013nutrition p291); the lung rates are measured at the alveoli.
"""

import numpy as np
import pytest

from medtwin import Twin
from medtwin.physiology.parameters import P

TOLERANCE = 0.02


@pytest.fixture(scope="module", params=["standard-male", "standard-female"])
def measured(request):
    twin = Twin(request.param, waveform_seconds=0)
    twin.advance(600)
    history = twin.history()
    params = twin.snapshot().params
    tissue_o2 = params[P.VO2_BRAIN : P.VO2_BRAIN + 6].sum() * 60.0  # mL/min STPD
    return history, tissue_o2, params[P.RQ]


def test_lung_o2_uptake_equals_tissue_consumption(measured):
    history, tissue_o2, _ = measured
    uptake = history["oxygen_consumption"].mean()
    assert uptake == pytest.approx(tissue_o2, rel=TOLERANCE)


def test_lung_co2_output_equals_tissue_production(measured):
    history, tissue_o2, rq = measured
    output = history["co2_production"].mean()
    assert output == pytest.approx(rq * tissue_o2, rel=TOLERANCE)


def test_exchange_ratio_is_the_respiratory_quotient(measured):
    history, _, rq = measured
    assert np.mean(history["respiratory_exchange_ratio"]) == pytest.approx(rq, rel=TOLERANCE)
