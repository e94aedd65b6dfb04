"""Stop transcutaneous pacing: 'stop pacing'."""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register


@register
class StopPacing(ActionBase):
    """The pacemaker is switched off: the heart beats at its own rate again."""

    kind: Literal["stop_pacing"] = "stop_pacing"

    forms = ("stop pacing",)
    examples = ("stop pacing",)
    refusals = ("stop pacing now",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return cls() if key == "stop pacing" else None

    def order(self) -> str:
        return "stop pacing"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs["PACE_RATE"] = 0.0
        context.inputs["PACE_CURRENT"] = 0.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"pacing"})
