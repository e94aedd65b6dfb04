"""Stop a drug's infusion: 'stop norepinephrine infusion'.

What is already in the body stays and washes out by the drug's kinetics. Stopping a
drug that has no infusion running is refused.
"""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.drug_fields import Drug, is_drug
from medtwin.actions.registry import register
from medtwin.actions.stop_orders import STOP_ORDER


@register
class StopDrugInfusion(ActionBase):
    """Stop the running infusion of a drug."""

    kind: Literal["stop_drug_infusion"] = "stop_drug_infusion"
    drug: Drug

    forms = ("stop <drug> infusion",)
    examples = ("stop norepinephrine infusion",)
    refusals = ("stop norepinephrine infusion",)  # none runs
    parse_priority = 12

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = STOP_ORDER.fullmatch(key)
        if match is None or not is_drug(match["what"]):
            return None
        return cls(drug=match["what"])

    def order(self) -> str:
        return f"stop {self.drug} infusion"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        slot = context.treatments.slots.get(self.drug)
        if slot is None:
            raise refuse(f"drug = {self.drug!r}: no {self.drug} infusion runs")
        context.inputs["DRUG_RATE"][slot] = 0.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({f"drug:{self.drug}"})
