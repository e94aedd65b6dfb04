"""The twin's free parameters: the engine parameters fitted to a patient's vitals.

Each free parameter moves one engine parameter (`physiology.parameters`, overrides of
`Patient.overrides`) and is fitted to one signal it mainly sets, by a one-line rule
from the model's own structure:
- `T_REST` (s), the heart period at the reference autonomic activity (Ursino 1998,
  heart period model): heart rate is its reciprocal, so T <- T * HR_twin / HR_observed.
- `P_N` (mmHg), the baroreflex set point (Ursino 1998, Table 2): the closed loop holds
  mean arterial pressure a fixed offset above it, so P_N <- P_N + (MAP_obs - MAP_twin).
- `E_SA` (mmHg/mL), the elastance of the systemic arteries (Ursino 1998, Table 1):
  pulse pressure is about stroke volume times arterial elastance (the windkessel), so
  E_SA <- E_SA * PP_obs / PP_twin; older, stiffer arteries give a wider pulse pressure.
- `SHUNT` (fraction), the venous admixture (Levitzky 2013 p127): sets the saturation;
  fitted by secant steps, starting from the slope of the twin's O2 content curve.
- `RR_REST` (/min), the resting breathing rate, with `PMUS_REST` scaled inversely so
  that the resting minute ventilation (and PaCO2) stays the patient's.
- `HEAT_CONDUCTANCE` (W/K), the heat loss per kelvin: at rest core temperature sits
  where heat production equals loss, T = T_ambient + production / conductance, so
  G <- G (T_twin - T_amb) / (T_obs - T_amb); `T_CORE_SET`, the starting temperature,
  follows the observed one.
Mean arterial pressure and pulse pressure are observed directly or derived from the
systolic and diastolic pressures (MAP = DBP + PP/3, Guyton & Hall 2006 ch. 15).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from medtwin.physiology.parameters import P

T_AMBIENT_NAME = "T_AMBIENT"


@dataclass(frozen=True)
class FreeParameter:
    """One fitted engine parameter, the signal it is fitted to, and its update rule."""

    name: str
    signal: str
    rule: str
    """reciprocal, additive, proportional or secant (see the module docstring)."""
    log_spread: float
    """Prior spread of the ensemble (SD of log value, or of value for `SHUNT`): how
    uncertain the fitted value is before live data arrive."""
    initial_slope: float = 0.0
    """Secant rule: the first step's d signal / d parameter."""


FREE_PARAMETERS: tuple[FreeParameter, ...] = (
    FreeParameter("T_REST", "heart_rate", "reciprocal", 0.08),
    FreeParameter("P_N", "mean_arterial_pressure", "additive", 0.08),
    FreeParameter("E_SA", "pulse_pressure", "proportional", 0.15),
    FreeParameter("SHUNT", "spo2", "secant", 0.02, initial_slope=-40.0),
    FreeParameter("RR_REST", "respiratory_rate", "proportional", 0.12),
    FreeParameter("HEAT_CONDUCTANCE", "core_temperature", "temperature", 0.0),
)
BY_NAME = {p.name: p for p in FREE_PARAMETERS}


def overrides_for(values: Mapping[str, float], base: Mapping[str, float]) -> dict[str, float]:
    """Engine overrides that set the free parameters to `values`; `base` holds the
    patient's own values (before fitting) of the parameters that follow them."""
    overrides = dict(values)
    if "RR_REST" in values:
        overrides["PMUS_REST"] = base["PMUS_REST"] * base["RR_REST"] / values["RR_REST"]
    if "HEAT_CONDUCTANCE" in values:
        production = base["HEAT_CONDUCTANCE"] * (base["T_CORE_SET"] - base[T_AMBIENT_NAME])
        overrides["T_CORE_SET"] = base[T_AMBIENT_NAME] + production / values["HEAT_CONDUCTANCE"]
    return overrides


def base_values(params_row) -> dict[str, float]:
    """The free parameters and the ones that follow them, read from a parameter row."""
    names = [p.name for p in FREE_PARAMETERS] + ["PMUS_REST", "T_CORE_SET", T_AMBIENT_NAME]
    return {name: float(params_row[P[name]]) for name in names}
