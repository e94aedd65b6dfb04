"""Hypoxaemia quickens the heart and leaves the pressure where it was.

Breathing 12 % O2 takes a healthy adult's saturation to about 80 %. The carotid bodies
raise sympathetic outflow, the limb vessels dilate against it (Weisbrod CJ et al. J
Physiol 2001;537:613), so mean pressure holds and the baroreflex does not brake the heart:
heart rate rises 0.98 (0.62-1.46) beats/min per 1 % fall of saturation (Slutsky AS,
Rebuck AS. Am J Physiol 1978;234:H129, isocapnic; here the breathing is free, so PaCO2
falls a little, as it does at altitude).
"""

from __future__ import annotations

import pytest

from medtwin import Twin
from medtwin.patients import load_patient

HYPOXIC_FIO2 = 0.12


def _settled_means(name: str, fio2: float) -> dict[str, float]:
    patient = load_patient(name)
    twin = Twin(patient.model_copy(update={"overrides": {"FIO2": fio2}}), waveform_seconds=0)
    twin.advance(600)
    last = twin.history().iloc[-300:]
    return {k: float(last[k].mean()) for k in ("heart_rate", "mean_arterial_pressure", "spo2")}


@pytest.fixture(scope="module", params=["standard-male", "standard-female"])
def air_and_hypoxia(request):
    return _settled_means(request.param, 0.21), _settled_means(request.param, HYPOXIC_FIO2)


def test_saturation_falls_to_about_80_percent(air_and_hypoxia):
    air, hypoxia = air_and_hypoxia
    assert air["spo2"] > 95.0
    assert 75.0 < hypoxia["spo2"] < 86.0


def test_the_heart_quickens_as_slutsky_and_rebuck_measured(air_and_hypoxia):
    air, hypoxia = air_and_hypoxia
    per_percent = (hypoxia["heart_rate"] - air["heart_rate"]) / (air["spo2"] - hypoxia["spo2"])
    assert 0.62 <= per_percent <= 1.46, f"{per_percent:.2f} beats/min per % saturation"


def test_mean_pressure_holds(air_and_hypoxia):
    air, hypoxia = air_and_hypoxia
    ratio = hypoxia["mean_arterial_pressure"] / air["mean_arterial_pressure"]
    assert ratio == pytest.approx(1.0, abs=0.05)
