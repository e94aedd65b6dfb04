"""Drug actions: a bolus, starting or changing an infusion, stopping an infusion.

The twin keeps one infusion per drug: a new `DrugInfusion` replaces that drug's running
rate, and a bolus adds to whatever the infusion has given. Drug names are checked
against the drug library (`medtwin.pharmacology`) and stored under their canonical
name; limits that need the patient's weight are checked by `resolve`.
"""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, field_validator

from medtwin import pharmacology
from medtwin.actions.base import ActionBase
from medtwin.actions.formatter import format_number
from medtwin.actions.units import BOLUS_UNITS, INFUSION_UNITS, normalise_unit


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


def _checked_unit(unit: str, info: Any, allowed: tuple[str, ...]) -> str:
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


class DrugBolus(ActionBase):
    """A single intravenous dose: 'propofol 2 mg/kg IV bolus'."""

    kind: Literal["drug_bolus"] = "drug_bolus"
    drug: Drug
    dose: float
    unit: str
    route: Literal["IV"] = "IV"

    @field_validator("unit")
    @classmethod
    def _dose_unit(cls, unit: str, info: Any) -> str:
        return _checked_unit(unit, info, BOLUS_UNITS)

    def order(self) -> str:
        """'propofol 2 mg/kg IV bolus'."""
        return f"{self.drug} {format_number(self.dose)} {self.unit} {self.route} bolus"


class DrugInfusion(ActionBase):
    """Start an infusion, or change its rate: 'norepinephrine 0.1 mcg/kg/min IV infusion'."""

    kind: Literal["drug_infusion"] = "drug_infusion"
    drug: Drug
    rate: float
    unit: str
    route: Literal["IV"] = "IV"

    @field_validator("unit")
    @classmethod
    def _rate_unit(cls, unit: str, info: Any) -> str:
        return _checked_unit(unit, info, INFUSION_UNITS)

    def order(self) -> str:
        """'norepinephrine 0.1 mcg/kg/min IV infusion'."""
        return f"{self.drug} {format_number(self.rate)} {self.unit} {self.route} infusion"


class StopDrugInfusion(ActionBase):
    """Stop a drug's infusion: 'stop norepinephrine infusion'."""

    kind: Literal["stop_drug_infusion"] = "stop_drug_infusion"
    drug: Drug

    def order(self) -> str:
        """'stop norepinephrine infusion'."""
        return f"stop {self.drug} infusion"
