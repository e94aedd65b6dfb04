"""The CGM sensor: what a continuous glucose monitor reads from interstitial glucose.

reading(t) = clip(a(t)·IG(t) + b(t) + ε(t), low, high), sampled every `sample_min`
minutes and held until the next sample, where:

- IG is the model's subcutaneous glucose G_s/Vg (its plasma-to-interstitium lag is the
  model's ksc; Dalla Man et al. J Diabetes Sci Technol 2007;1:323–330);
- ε is the sensor noise of Breton M, Kovatchev B. Analysis, modeling, and simulation of
  the accuracy of continuous glucose sensors. J Diabetes Sci Technol 2008;2:853–862
  (eq. 7 and its table): a Gaussian AR(1) series at 15-minute steps, e_1 = v_1,
  e_n = 0.7·(e_{n−1} + v_n), v_n ~ N(0, 1), mapped through the Johnson SU system
  ε = ξ + λ·sinh((e − γ)/δ) with ξ = −5.47, λ = 15.9574 mg/dL, δ = 1.6898, γ = −0.5444,
  and interpolated to the sensor's samples by a cubic spline;
- a(t) = a0 + a1·t + a2·t², b(t) = b0 + b1·t + b2·t² (t in days since calibration) is the
  calibration error of Facchinetti A, Del Favero S, Sparacino G, et al. Modeling the
  glucose sensor error. IEEE Trans Biomed Eng 2014;61:620–629 (eqs. 5–6, Dexcom SEVEN
  Plus). The coefficients a0 = 1.1, a1 = 2e-4 /day, b0 = −14.8 mg/dL, b1 = 0.04 mg/dL/day
  are that paper's Table 1 as tabulated by LoopInsighT1 (lt1.org, sensor
  "Facchinetti2014"); they were not checked against the paper itself here. Only that
  paper's calibration error is used, not its AR noise model (the noise is Breton's).
- low–high is the reporting range, 40–400 mg/dL for a Dexcom G6 (Dexcom G6 CGM System
  User Guide, 2020: readings below 40 show "LOW", above 400 "HIGH").

The "ideal" sensor reads IG every minute without noise, calibration error or clipping.
Noise comes from one seeded Generator per patient, so a patient's readings do not
depend on which other patients share its batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medtwin.glucose.parameters import GlucosePatientError

NOISE_STEP_MIN = 15
MIN_PER_DAY = 1440.0


@dataclass(frozen=True)
class Sensor:
    """A CGM's noise, calibration error, sampling and reporting range."""

    name: str
    sample_min: int = 5
    noisy: bool = True
    autocorrelation: float = 0.7
    johnson_xi: float = -5.47
    johnson_lambda_mg_per_dL: float = 15.9574
    johnson_delta: float = 1.6898
    johnson_gamma: float = -0.5444
    gain_polynomial: tuple[float, float, float] = (1.1, 2e-4, 0.0)
    offset_polynomial_mg_per_dL: tuple[float, float, float] = (-14.8, 0.04, 0.0)
    low_mg_per_dL: float = 40.0
    high_mg_per_dL: float = 400.0
    sources: tuple[str, ...] = ("breton2008sensor", "facchinetti2014", "dexcomg6guide")
    """Bibliography keys of the figures above."""


SENSORS = {
    "cgm": Sensor("cgm"),
    "ideal": Sensor(
        "ideal", sample_min=1, noisy=False, gain_polynomial=(1.0, 0.0, 0.0),
        offset_polynomial_mg_per_dL=(0.0, 0.0, 0.0), low_mg_per_dL=-np.inf,
        high_mg_per_dL=np.inf, sources=(),
    ),
}  # fmt: skip


def sensor(name: str) -> Sensor:
    """The sensor called `name` (see `SENSORS`)."""
    if name not in SENSORS:
        raise GlucosePatientError(f"sensor {name!r} is not known: allowed are {sorted(SENSORS)}")
    return SENSORS[name]


def sensor_noise(spec: Sensor, rngs: list[np.random.Generator], n_minutes: int) -> np.ndarray:
    """ε for every patient and minute (n_patients, n_minutes), held between samples."""
    from scipy.interpolate import CubicSpline  # 0.2 s to import: on use

    noise = np.zeros((len(rngs), n_minutes))
    if not spec.noisy:
        return noise
    knots = n_minutes // NOISE_STEP_MIN + 2
    knot_min = np.arange(knots) * NOISE_STEP_MIN
    sample_min = (np.arange(n_minutes) // spec.sample_min) * spec.sample_min
    for row, rng in enumerate(rngs):
        shocks = rng.standard_normal(knots)
        series = np.empty(knots)
        series[0] = shocks[0]
        for k in range(1, knots):
            series[k] = spec.autocorrelation * (series[k - 1] + shocks[k])
        johnson = spec.johnson_xi + spec.johnson_lambda_mg_per_dL * np.sinh(
            (series - spec.johnson_gamma) / spec.johnson_delta
        )
        noise[row] = CubicSpline(knot_min, johnson)(sample_min)
    return noise


def read(
    spec: Sensor, interstitial_mg_per_dL: np.ndarray, noise_mg_per_dL: np.ndarray,
    minute: int,
) -> np.ndarray:  # fmt: skip
    """The readings at `minute` of the glucose last sampled, for a batch of patients.

    `interstitial_mg_per_dL` is the interstitial glucose at the last sample time.
    """
    days = (minute - minute % spec.sample_min) / MIN_PER_DAY
    gain = np.polyval(spec.gain_polynomial[::-1], days)
    offset = np.polyval(spec.offset_polynomial_mg_per_dL[::-1], days)
    value = gain * interstitial_mg_per_dL + offset + noise_mg_per_dL
    return np.clip(value, spec.low_mg_per_dL, spec.high_mg_per_dL)
