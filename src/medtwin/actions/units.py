"""The units an order may use, and their canonical spelling.

Drug amounts are masses (g, mg, mcg), optionally per kg of body weight; drug rates are
masses per minute or hour, optionally per kg. Spellings ('ug', 'µg', 'hr', ...) and
conversion for a patient belong to `medtwin.pharmacology.units`; fluids and blood are
measured in mL and mL/h.
"""

from medtwin.pharmacology.units import DoseError, split_unit

BOLUS_UNITS: tuple[str, ...] = ("g", "mg", "mcg", "mg/kg", "mcg/kg")
"""Units of a drug bolus dose, canonical spelling."""

INFUSION_UNITS: tuple[str, ...] = (
    "mg/h", "mg/min", "mcg/min", "mcg/h", "mg/kg/h", "mg/kg/min", "mcg/kg/min", "mcg/kg/h",
)  # fmt: skip
"""Units of a drug infusion rate, canonical spelling."""

_VOLUME_UNITS: dict[str, str] = {"ml": "mL", "ml/h": "mL/h", "ml/hr": "mL/h", "ml/min": "mL/min"}


def normalise_unit(text: str) -> str:
    """The canonical spelling of a unit: 'ug/kg/hr' → 'mcg/kg/h', 'ml/hr' → 'mL/h'.

    A unit that is neither a drug dose nor a volume comes back as written (stripped), for
    the caller to refuse with the list of units it allows.
    """
    text = text.strip()
    if text.casefold() in _VOLUME_UNITS:
        return _VOLUME_UNITS[text.casefold()]
    try:
        parts = split_unit(text)
    except DoseError:
        return text
    return parts.mass + ("/kg" if parts.per_kg else "") + (f"/{parts.time}" if parts.time else "")
