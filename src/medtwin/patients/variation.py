"""How one healthy adult differs from the next beyond age, sex and size: individual factors.

A `Patient` carries an `IndividualVariation`; its defaults (offset 0, factors 1) give the
engine's published reference values, so a patient file without one, and the standard
patients, are as before. `generate_population` draws the factors from its seeded stream
with the published spreads between individuals (`population_references.csv`, source per
row):

- resting core temperature: normal, SD 0.4 degC (Mackowiak 1992);
- resting lactate: log-normal, the SD the 0.6-1.7 mmol/L reference interval implies
  (Kratz 2004), as a coefficient of variation of the engine's 1.0 mmol/L;
- urine output: log-normal, the SD the 800-2000 mL/day normal range implies (MedlinePlus),
  as a coefficient of variation of Guyton's 1.5 L/day;
- cardiovagal baroreflex gain: log-normal, the coefficient of variation of spontaneous
  baroreflex sensitivity within each age band of Kardos 2001 (SD / mean, 0.47-0.55;
  their mean is used). Its fall with age is `medtwin.patients.ageing`'s.

Draws beyond `TRUNCATION_SD` standard deviations are redrawn (and rescaled to keep the
published SD), so no cohort member is an outlier a healthy population would not hold.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator

from medtwin.patients.population_references import reference_value, references_for
from medtwin.physiology.parameters import REFERENCE, P

TRUNCATION_SD = 2.0
_TRUNCATED_SD = math.sqrt(
    1.0
    - 2.0
    * TRUNCATION_SD
    * math.exp(-(TRUNCATION_SD**2) / 2.0)
    / math.sqrt(2.0 * math.pi)
    / math.erf(TRUNCATION_SD / math.sqrt(2.0))
)
"""SD of a standard normal redrawn beyond TRUNCATION_SD (0.880): deviates are divided by
it, so the truncated draws keep the published SD."""
VARIATION_LIMITS: dict[str, tuple[float, float, str]] = {
    "core_temperature_offset_degC": (-1.5, 1.5, "degC"),
    "resting_lactate_factor": (0.2, 5.0, ""),
    "urine_output_factor": (0.2, 5.0, ""),
    "baroreflex_gain_factor": (0.2, 5.0, ""),
}


class IndividualVariation(BaseModel):
    """The patient's own departures from the engine's reference values.

    `core_temperature_offset_degC` is added to the core temperature set point; the factors
    multiply the resting lactate, the resting urine output and the cardiovagal baroreflex
    gain (the vagal heart-period gain, Ursino 1998's G_Tv).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    core_temperature_offset_degC: float = 0.0
    resting_lactate_factor: float = 1.0
    urine_output_factor: float = 1.0
    baroreflex_gain_factor: float = 1.0

    @field_validator(*VARIATION_LIMITS)
    @classmethod
    def _within_limits(cls, value: float, info: Any) -> float:
        low, high, unit = VARIATION_LIMITS[info.field_name]
        if not low <= value <= high:
            raise ValueError(f"is outside the allowed range {low:g} to {high:g} {unit}".rstrip())
        return value


def _log_normal_sigma(coefficient_of_variation: float) -> float:
    return math.sqrt(math.log1p(coefficient_of_variation**2))


def spreads() -> dict[str, tuple[str, float]]:
    """Each factor's distribution ('normal' SD or 'lognormal' sigma), from the references."""
    lactate_cv = reference_value("lactate", "sd") / REFERENCE["LACTATE_REST"].value
    urine_cv = reference_value("urine_output", "sd") / reference_value("urine_output", "mean")
    means = references_for("baroreflex_sensitivity", "mean")
    sds = references_for("baroreflex_sensitivity", "sd")
    baroreflex_cv = float(np.mean([s.reference_value / m.reference_value
                                   for m, s in zip(means, sds, strict=True)]))  # fmt: skip
    return {
        "core_temperature_offset_degC": ("normal", reference_value("core_temperature", "sd")),
        "resting_lactate_factor": ("lognormal", _log_normal_sigma(lactate_cv)),
        "urine_output_factor": ("lognormal", _log_normal_sigma(urine_cv)),
        "baroreflex_gain_factor": ("lognormal", _log_normal_sigma(baroreflex_cv)),
    }


def draw_variations(rng: np.random.Generator, n: int) -> list[IndividualVariation]:
    """`n` individuals' factors from `rng`, with the published spreads (mean factor 1)."""
    columns = {}
    for name, (kind, spread) in spreads().items():
        deviates = rng.standard_normal(n)
        outside = np.abs(deviates) > TRUNCATION_SD
        while outside.any():
            deviates[outside] = rng.standard_normal(int(outside.sum()))
            outside = np.abs(deviates) > TRUNCATION_SD
        deviates /= _TRUNCATED_SD
        if kind == "normal":
            columns[name] = spread * deviates
        else:  # log-normal with mean 1: the cohort's mean stays the reference value
            columns[name] = np.exp(spread * deviates - spread**2 / 2.0)
    return [
        IndividualVariation(**{name: float(values[i]) for name, values in columns.items()})
        for i in range(n)
    ]


def apply_variation(values: np.ndarray, variation: IndividualVariation) -> None:
    """Write the individual factors into a parameter vector (in place).

    Called after the heart-period reference is set (so a different vagal gain changes
    the reflex, not the resting heart rate) and before metabolism and fluids (so heat
    loss balances at the patient's own set point and fluid intake matches the urine).
    """
    values[P.T_CORE_SET] += variation.core_temperature_offset_degC
    values[P.LACTATE_REST] *= variation.resting_lactate_factor
    values[P.URINE_FLOW_REST] *= variation.urine_output_factor
    values[P.G_TV] *= variation.baroreflex_gain_factor
