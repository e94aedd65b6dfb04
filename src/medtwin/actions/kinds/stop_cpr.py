"""Stop chest compressions: 'stop CPR'."""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register


@register
class StopCPR(ActionBase):
    """Hands off the chest: compressions stop."""

    kind: Literal["stop_cpr"] = "stop_cpr"

    forms = ("stop CPR",)
    examples = ("stop CPR",)
    refusals = ("stop CPR please",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return cls() if key in ("stop cpr", "stop chest compressions") else None

    def order(self) -> str:
        return "stop CPR"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        for name in ("CPR_RATE", "CPR_DEPTH", "CPR_FRACTION", "CPR_LEANING"):
            context.inputs[name] = 0.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"cpr"})
