"""Converting measured values from the UCUM unit they arrive in to medtwin's unit.

Only the conversions the readers need are listed; anything else is refused with the
units that are allowed. Definitions from The Unified Code for Units of Measure (UCUM,
Regenstrief Institute, version 2.1, 2017): `[lb_av]` = 0.45359237 kg and `[in_i]` =
2.54 cm exactly (the 1959 international yard and pound), `mm[Hg]` = 133.322 Pa,
`[degF]` = 5/9 K from 459.67 °F below 0 °C's 32 °F. Annotations in braces (`{beats}/min`)
carry no meaning in UCUM, so they are dropped before matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from medtwin.interop.measurement import InteropError

_MMHG_PER_KPA = 1000.0 / 133.322

_TO: dict[str, dict[str, Callable[[float], float]]] = {
    "/min": {"/min": lambda v: v, "1/min": lambda v: v},
    "%": {"%": lambda v: v},
    "mm[Hg]": {"mm[Hg]": lambda v: v, "kPa": lambda v: v * _MMHG_PER_KPA},
    "Cel": {
        "Cel": lambda v: v,
        "[degF]": lambda v: (v - 32.0) * 5.0 / 9.0,
        "K": lambda v: v - 273.15,
    },
    "kg": {"kg": lambda v: v, "g": lambda v: v / 1000.0, "[lb_av]": lambda v: v * 0.45359237},
    "cm": {
        "cm": lambda v: v,
        "m": lambda v: v * 100.0,
        "mm": lambda v: v / 10.0,
        "[in_i]": lambda v: v * 2.54,
    },
    "kg/m2": {"kg/m2": lambda v: v},
    "g/dL": {"g/dL": lambda v: v, "g/L": lambda v: v / 10.0},
    "mL/min/{1.73_m2}": {"mL/min/{1.73_m2}": lambda v: v, "mL/min": lambda v: v},
}
_ANNOTATION = re.compile(r"\{[^}]*\}")


def normalise_ucum(code: str) -> str:
    """A UCUM code without its brace annotations (`{beats}/min` -> `/min`), except where
    the annotation is part of the unit medtwin uses (`mL/min/{1.73_m2}`)."""
    if code in _TO or any(code in allowed for allowed in _TO.values()):
        return code
    return _ANNOTATION.sub("", code).strip() or code


def convert(value: float, from_ucum: str, to_ucum: str, where: str) -> float:
    """`value` in `from_ucum` expressed in `to_ucum`; `InteropError` naming `where` (the
    resource or field) if the unit is not one that converts."""
    table = _TO.get(to_ucum)
    if table is None:
        raise InteropError(f"{where}: no conversions to {to_ucum!r} are known")
    unit = normalise_ucum(from_ucum)
    if unit not in table:
        raise InteropError(
            f"{where}: unit {from_ucum!r} cannot be converted to {to_ucum!r}; "
            f"allowed: {', '.join(sorted(table))}"
        )
    return table[unit](float(value))
