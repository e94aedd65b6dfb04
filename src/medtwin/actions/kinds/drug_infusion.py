"""Start an infusion or change its rate: 'norepinephrine 0.1 mcg/kg/min IV infusion'.

The twin keeps one infusion per drug: a new rate replaces the running one. The rate
must be more than 0 (stop an infusion with 'stop <drug> infusion'); the drug library's
limit is checked for the patient's weight.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import Field, field_validator

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.drug_fields import DRUG_ORDER, Drug, amount_for, checked_unit, route_of
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import number
from medtwin.actions.registry import register
from medtwin.actions.units import INFUSION_UNITS, normalise_unit
from medtwin.patients import Patient


@register
class DrugInfusion(ActionBase):
    """A continuous intravenous infusion of a drug from the library."""

    kind: Literal["drug_infusion"] = "drug_infusion"
    drug: Drug
    rate: float = Field(gt=0, description="infusion rate, in `unit`")
    unit: str = Field(description="one of " + ", ".join(INFUSION_UNITS))
    route: Literal["IV"] = "IV"

    forms = ("<drug> <rate> <unit> [IV] infusion",)
    examples = ("norepinephrine 0.1 mcg/kg/min IV infusion", "propofol 6 mg/kg/h IV infusion")
    refusals = ("norepinephrine 50 mcg/kg/min IV infusion", "propofol 0 mg/kg/h IV infusion")
    parse_priority = 80

    @field_validator("unit")
    @classmethod
    def _rate_unit(cls, unit: str, info: Any) -> str:
        return checked_unit(unit, info, INFUSION_UNITS)

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = DRUG_ORDER.fullmatch(key)
        if match is None:
            return None
        unit = normalise_unit(match["unit"])
        if (match["form"] or ("infusion" if unit in INFUSION_UNITS else "bolus")) != "infusion":
            return None
        return cls(drug=match["drug"], rate=number(match["number"]), unit=unit, **route_of(match))

    def order(self) -> str:
        return f"{self.drug} {format_number(self.rate)} {self.unit} {self.route} infusion"

    def rate_per_s(self, patient: Patient) -> float:
        """The rate for `patient`, in the drug's amount unit per second."""
        return amount_for(self.drug, "rate", self.rate, self.unit, patient, per_second=True)

    def check(self, patient: Patient) -> None:
        self.rate_per_s(patient)

    def apply(self, context: ActionContext) -> list[FollowUp]:
        rate = self.rate_per_s(context.patient)
        slot = context.treatments.drug_slot(self.drug, context.inputs, context.drug_amounts)
        context.inputs["DRUG_RATE"][slot] = rate
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({f"drug:{self.drug}"})
