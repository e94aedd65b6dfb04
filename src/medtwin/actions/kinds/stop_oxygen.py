"""Take the oxygen device off: 'stop oxygen'."""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.kinds.oxygen import OXYGEN_INPUTS
from medtwin.actions.registry import register


@register
class StopOxygen(ActionBase):
    """The oxygen device comes off: room air."""

    kind: Literal["stop_oxygen"] = "stop_oxygen"

    forms = ("stop oxygen",)
    examples = ("stop oxygen",)
    refusals = ("stop oxygen tent",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return cls() if key in ("stop oxygen", "stop o2") else None

    def order(self) -> str:
        return "stop oxygen"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        for name in OXYGEN_INPUTS:
            context.inputs[name] = 0.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"oxygen"})
