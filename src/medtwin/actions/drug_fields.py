"""What the drug kinds share: drug names, dose units, the order pattern, dose limits.

Drug names are checked against the drug library (`medtwin.pharmacology`) and stored
under their canonical name. Doses per kg become amounts for the patient's weight, and
the library's sanity limits are checked where the weight is known (`amount_for`): 50 g
of fentanyl is refused with the amount it comes to and the limit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator

from medtwin import pharmacology
from medtwin.actions.errors import ActionError
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import NUMBER
from medtwin.actions.units import BOLUS_UNITS, INFUSION_UNITS, normalise_unit

if TYPE_CHECKING:
    from medtwin.patients import Patient


def canonical_drug(name: str) -> str:
    """The library's name for `name` (any case or alias); `ValueError` if it has none."""
    try:
        return pharmacology.drug(name).name
    except pharmacology.UnknownDrugError as error:
        # The library's message starts "unknown drug 'x'"; the line already names the value.
        message = str(error).replace(f"unknown drug {name!r}", "is not in the drug library", 1)
        raise ValueError(message) from None


Drug = Annotated[str, AfterValidator(canonical_drug)]
"""A drug name, checked against the library and stored under its canonical name."""

ROUTE = r"(?: (?P<route>iv|im|sc|sq|po|pr|io|in|sl))?"
DRUG_ORDER = re.compile(
    rf"(?P<drug>.+?) (?P<number>{NUMBER})\s*(?P<unit>[^\s]+){ROUTE}(?: (?P<form>bolus|infusion))?"
)
"""'<drug> <number> <unit> [route] [bolus|infusion]', the shape of a bolus or infusion."""


def is_drug(name: str) -> bool:
    """Whether the library knows `name` (or an alias of it)."""
    try:
        pharmacology.drug(name)
    except pharmacology.UnknownDrugError:
        return False
    return True


def checked_unit(unit: str, info: Any, allowed: tuple[str, ...]) -> str:
    """`unit` in its canonical spelling if it is one of `allowed`; else a `ValueError`
    that says which kind of order the unit would fit."""
    canonical = normalise_unit(unit)
    if canonical in allowed:
        return canonical
    what = f"drug {info.data['drug']}" if "drug" in info.data else "a drug"
    hint = ""
    if canonical in INFUSION_UNITS:
        hint = " (a rate unit: order an infusion)"
    elif canonical in BOLUS_UNITS:
        hint = " (a dose unit: order a bolus)"
    raise ValueError(f"does not fit {what}{hint}; use one of: {', '.join(allowed)}")


def route_of(match: re.Match) -> dict[str, str]:
    """The route written in a drug order, as a field ({} when none is written)."""
    return {"route": match["route"].upper()} if match["route"] else {}


def amount_for(
    drug_name: str, field: str, value: float, unit: str, patient: Patient, per_second: bool
) -> float:
    """The dose (or, with `per_second`, the rate per second) for `patient` in the drug's
    amount unit; `ActionError` above the library's limit for their weight."""
    drug = pharmacology.drug(drug_name)
    weight = patient.weight_kg
    try:
        if per_second:
            size = pharmacology.to_rate_per_s(value, unit, weight, drug.amount_unit)
            drug.check_infusion(size, weight)
        else:
            size = pharmacology.to_amount(value, unit, weight, drug.amount_unit)
            drug.check_bolus(size, weight)
    except pharmacology.DoseError as error:
        given = f"{field} = {format_number(value)} {unit}"
        raise ActionError(f"{given} of {drug.name} for a {weight:g} kg patient: {error}") from None
    return size
