"""A single intravenous dose: 'propofol 2 mg/kg IV bolus'.

It adds to whatever an infusion of the same drug has given. The dose must be more than
0; the drug library's per-kg limit is checked for the patient (`check`).
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.drug_fields import (
    DRUG_ORDER,
    Drug,
    amount_for,
    checked_unit,
    route_of,
)
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import not_understood, number
from medtwin.actions.registry import register
from medtwin.actions.units import BOLUS_UNITS, INFUSION_UNITS, normalise_unit
from medtwin.patients import Patient


@register
class DrugBolus(ActionBase):
    """A single intravenous dose of a drug from the library."""

    kind: Literal["drug_bolus"] = "drug_bolus"
    drug: Drug
    dose: float = Field(gt=0, description="dose, in `unit`")
    unit: str = Field(description="one of " + ", ".join(BOLUS_UNITS))
    route: Literal["IV"] = "IV"

    forms = ("<drug> <dose> <unit> [IV] bolus",)
    examples = ("propofol 2 mg/kg IV bolus", "fentanyl 100 mcg IV bolus")
    refusals = ("fentanyl 50 g IV bolus", "propofol -2 mg/kg IV bolus", "propofol 2 mL IV bolus")
    parse_priority = 90  # the catch-all: any '<name> <number> <unit>'

    @field_validator("unit")
    @classmethod
    def _dose_unit(cls, unit: str, info: Any) -> str:
        return checked_unit(unit, info, BOLUS_UNITS)

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = DRUG_ORDER.fullmatch(key)
        if match is None:
            raise not_understood(text, "expected a drug, fluid or haemorrhage order")
        unit = normalise_unit(match["unit"])
        form = match["form"] or ("infusion" if unit in INFUSION_UNITS else "bolus")
        if form != "bolus":
            return None
        return cls(drug=match["drug"], dose=number(match["number"]), unit=unit, **route_of(match))

    def order(self) -> str:
        return f"{self.drug} {format_number(self.dose)} {self.unit} {self.route} bolus"

    def amount(self, patient: Patient) -> float:
        """The dose for `patient`, in the drug's amount unit (mg or mcg)."""
        return amount_for(self.drug, "dose", self.dose, self.unit, patient, per_second=False)

    def check(self, patient: Patient) -> None:
        self.amount(patient)

    def apply(self, context: ActionContext) -> list[FollowUp]:
        amount = self.amount(context.patient)
        slot = context.treatments.drug_slot(self.drug, context.inputs, context.drug_amounts)
        context.drug_amounts[slot, 0] += amount
        return []
