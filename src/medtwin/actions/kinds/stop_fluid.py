"""Stop a running fluid: 'stop normal saline'."""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.fluid_table import FLUID_NAME_KEYS, fluid
from medtwin.actions.registry import register
from medtwin.actions.stop_orders import STOP_ORDER, FluidName


@register
class StopFluid(ActionBase):
    """Stop a fluid line (nothing happens if it had already stopped)."""

    kind: Literal["stop_fluid"] = "stop_fluid"
    fluid: FluidName

    forms = ("stop <fluid>",)
    examples = ("stop normal saline",)
    refusals = ("stop lemonade",)
    parse_priority = 11

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = STOP_ORDER.fullmatch(key)
        if match is None or match["what"] not in FLUID_NAME_KEYS:
            return None
        return cls(fluid=match["what"])

    def order(self) -> str:
        return f"stop {self.fluid}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.treatments.set_fluid(fluid(self.fluid), 0.0, context.inputs)
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({f"fluid:{self.fluid}"})
