"""Outcome measures of a plan: how long each member keeps its vitals in a safe range.

- MAP >= 65 mmHg: the initial target of the Surviving Sepsis Campaign (Evans L et al.
  Surviving Sepsis Campaign: international guidelines 2021. Crit Care Med
  2021;49:e1063-e1143, recommendation 8).
- SpO2 >= 92 %: below 92 % the National Early Warning Score 2 scores saturation 3, its
  highest (Royal College of Physicians. NEWS2, 2017, SpO2 scale 1).
- heart rate 41-130 /min: outside it NEWS2 scores heart rate 3 (NEWS2, 2017).
Each measure is the fraction of the horizon's samples in range, per member; a plan's
figure is the ensemble mean with its 90 % band.
"""

from __future__ import annotations

import numpy as np

from medtwin.assimilation.forecast import BAND, Forecast

OUTCOMES: dict[str, tuple[str, float, float]] = {
    "time_map_ge_65": ("mean_arterial_pressure", 65.0, np.inf),
    "time_spo2_ge_92": ("spo2", 92.0, np.inf),
    "time_hr_41_130": ("heart_rate", 41.0, 130.0),
}


def outcome_measures(forecast: Forecast) -> dict[str, dict[str, float]]:
    """Per outcome: mean fraction of time in range, and its 90 % band over members."""
    measures = {}
    for name, (signal, low, high) in OUTCOMES.items():
        fractions = forecast.fraction_of_time(signal, low, high)
        band_low, band_high = np.quantile(fractions, BAND)
        measures[name] = {
            "mean": float(fractions.mean()),
            "p05": float(band_low),
            "p95": float(band_high),
        }
    return measures
