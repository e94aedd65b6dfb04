"""Doses as clinicians write them: parse "2 mg/kg" or "10 mg/kg/h for 60 min", convert units.

A dose text is ``<number> <unit>`` optionally followed by ``for <number> <time unit>``
(how long an infusion runs) and ``at <number> <time unit>`` (when it starts). Amount
units are a mass (g, mg, mcg — also written ug or µg — or ng), optionally per kg of body
weight; rate units add a time (/s, /min, /h). `to_amount` and `to_rate_per_s` convert to
the unit a drug's amounts are counted in. Every error names the value and the units
allowed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MASS_UNITS_MG: dict[str, float] = {"g": 1e3, "mg": 1.0, "mcg": 1e-3, "ng": 1e-6}
"""Mass units and their size in mg; ug, µg and μg are read as mcg."""
TIME_UNITS_S: dict[str, float] = {"s": 1.0, "min": 60.0, "h": 3600.0}
"""Time units and their length in seconds."""
VOLUME_UNITS_L: dict[str, float] = {"L": 1.0, "dL": 0.1, "mL": 1e-3}

_SPELLINGS = {
    "ug": "mcg", "µg": "mcg", "μg": "mcg", "microgram": "mcg", "micrograms": "mcg",
    "milligram": "mg", "milligrams": "mg", "gram": "g", "grams": "g", "nanogram": "ng",
    "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "mins": "min", "minute": "min", "minutes": "min",
    "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
}  # fmt: skip
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_DOSE = re.compile(
    rf"^\s*(?P<value>{_NUMBER})\s*(?P<unit>[^\s]+?)"
    rf"(?:\s+for\s+(?P<for_value>{_NUMBER})\s*(?P<for_unit>[a-zA-Z]+))?"
    rf"(?:\s+at\s+(?P<at_value>{_NUMBER})\s*(?P<at_unit>[a-zA-Z]+))?\s*$"
)


class DoseError(ValueError):
    """A dose that cannot be read, has a unit of the wrong kind, or exceeds a limit."""


def allowed_amount_units() -> list[str]:
    """Every amount unit `to_amount` accepts."""
    return [*MASS_UNITS_MG, *(f"{mass}/kg" for mass in MASS_UNITS_MG)]


def allowed_rate_units() -> list[str]:
    """Every rate unit `to_rate_per_s` accepts."""
    return [
        f"{mass}{per_kg}/{time}"
        for per_kg in ("", "/kg")
        for mass in MASS_UNITS_MG
        for time in TIME_UNITS_S
    ]


@dataclass(frozen=True)
class UnitParts:
    """A dose unit split into mass, per-kg and per-time parts."""

    mass: str
    per_kg: bool
    time: str | None

    @property
    def is_rate(self) -> bool:
        return self.time is not None


def split_unit(unit: str) -> UnitParts:
    """Split e.g. "mcg/kg/min" into (mcg, per kg, per min); refuse unknown units."""
    parts = [_SPELLINGS.get(p.strip().lower(), p.strip().lower()) for p in unit.split("/")]
    mass, rest = parts[0], parts[1:]
    per_kg = bool(rest) and rest[0] == "kg"
    if per_kg:
        rest = rest[1:]
    time = rest[0] if len(rest) == 1 else None
    valid = mass in MASS_UNITS_MG and len(rest) <= 1 and (time is None or time in TIME_UNITS_S)
    if not valid:
        raise DoseError(
            f"unit {unit!r} is not a dose unit (amounts: {', '.join(allowed_amount_units())}; "
            f"rates: mass[/kg]/time with time in {', '.join(TIME_UNITS_S)})"
        )
    return UnitParts(mass, per_kg, time)


def _check_number(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DoseError(f"{what} {value!r} is not a finite number")
    if value < 0:
        raise DoseError(f"{what} {value!r} is negative")
    return float(value)


def _per_kg_factor(parts: UnitParts, weight_kg: float | None, value: float, unit: str) -> float:
    if not parts.per_kg:
        return 1.0
    if weight_kg is None or not (math.isfinite(weight_kg) and weight_kg > 0):
        raise DoseError(f"{value:g} {unit} is per kg: it needs the patient's weight")
    return float(weight_kg)


def _check_amount_unit(amount_unit: str) -> None:
    if amount_unit not in ("mg", "mcg"):
        raise DoseError(f"amount unit {amount_unit!r} is not one of: mg, mcg")


def to_amount(value: float, unit: str, weight_kg: float | None, amount_unit: str) -> float:
    """`value` `unit` (e.g. 2 mg/kg) as an amount in `amount_unit` ("mg" or "mcg")."""
    _check_amount_unit(amount_unit)
    _check_number(value, "dose")
    parts = split_unit(unit)
    if parts.is_rate:
        allowed = ", ".join(allowed_amount_units())
        raise DoseError(f"{value:g} {unit} is a rate, not an amount (allowed: {allowed})")
    scale = MASS_UNITS_MG[parts.mass] / MASS_UNITS_MG[amount_unit]
    return value * scale * _per_kg_factor(parts, weight_kg, value, unit)


def to_rate_per_s(value: float, unit: str, weight_kg: float | None, amount_unit: str) -> float:
    """`value` `unit` (e.g. 10 mg/kg/h) as a rate in `amount_unit` per second."""
    _check_amount_unit(amount_unit)
    _check_number(value, "rate")
    parts = split_unit(unit)
    if not parts.is_rate:
        raise DoseError(
            f"{value:g} {unit} is an amount, not a rate (allowed: mass[/kg]/time, e.g. "
            "mg/h, mcg/kg/min)"
        )
    scale = MASS_UNITS_MG[parts.mass] / MASS_UNITS_MG[amount_unit]
    per_s = 1.0 / TIME_UNITS_S[parts.time]  # type: ignore[index]
    return value * scale * per_s * _per_kg_factor(parts, weight_kg, value, unit)


def to_seconds(value: float, unit: str) -> float:
    """A duration `value` `unit` (s, min, h and their spellings) in seconds."""
    _check_number(value, "duration")
    key = _SPELLINGS.get(unit.lower(), unit.lower())
    if key not in TIME_UNITS_S:
        raise DoseError(f"time unit {unit!r} is not one of: {', '.join(TIME_UNITS_S)}")
    return value * TIME_UNITS_S[key]


@dataclass(frozen=True)
class Dose:
    """A parsed dose text: the number and unit as written, and optional timing."""

    value: float
    unit: str
    duration_s: float | None = None
    start_s: float = 0.0

    @property
    def is_rate(self) -> bool:
        return split_unit(self.unit).is_rate


def parse_dose(text: str) -> Dose:
    """Parse "2 mg/kg", "100 mcg at 5 min" or "10 mg/kg/h for 60 min [at 5 min]".

    Only a rate may have a duration ("for"). The unit is checked, not converted.
    """
    match = _DOSE.match(text or "")
    if not match:
        raise DoseError(
            f"dose {text!r} is not '<number> <unit> [for <number> <time unit>] "
            "[at <number> <time unit>]', e.g. '2 mg/kg' or '10 mg/kg/h for 60 min'"
        )
    value = _check_number(float(match["value"]), f"dose {text!r}:")
    unit = match["unit"]
    parts = split_unit(unit)
    duration_s = None
    if match["for_value"] is not None:
        if not parts.is_rate:
            raise DoseError(f"dose {text!r}: only an infusion rate can run 'for' a time")
        duration_s = to_seconds(float(match["for_value"]), match["for_unit"])
    start_s = 0.0
    if match["at_value"] is not None:
        start_s = to_seconds(float(match["at_value"]), match["at_unit"])
    return Dose(value=value, unit=unit, duration_s=duration_s, start_s=start_s)


def concentration_factor(amount_unit: str, concentration_unit: str) -> float:
    """Concentration units per (amount unit / L): mg/L → ug/mL is 1, mg/L → ng/mL 1000."""
    _check_amount_unit(amount_unit)
    try:
        mass, volume = concentration_unit.split("/")
        mass = _SPELLINGS.get(mass.lower(), mass.lower())
        grams_per_unit = MASS_UNITS_MG[mass] / VOLUME_UNITS_L[volume]
    except (ValueError, KeyError):
        raise DoseError(
            f"concentration unit {concentration_unit!r} is not mass/volume "
            f"(mass in {', '.join(MASS_UNITS_MG)}, volume in {', '.join(VOLUME_UNITS_L)})"
        ) from None
    return MASS_UNITS_MG[amount_unit] / grams_per_unit


def unit_slug(unit: str) -> str:
    """A unit as a column-name suffix: "ug/mL" → "ug_per_mL"."""
    return unit.replace("µ", "u").replace("μ", "u").replace("/", "_per_")
