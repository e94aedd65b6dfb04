"""Take the airway device out: 'extubate'."""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register
from medtwin.physiology.ventilation import TUBE_NONE


@register
class Extubate(ActionBase):
    """The tracheal tube or supraglottic airway comes out."""

    kind: Literal["extubate"] = "extubate"

    forms = ("extubate",)
    examples = ("extubate",)
    refusals = ("extubate twice",)
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return cls() if key in ("extubate", "remove airway", "remove supraglottic airway") else None

    def order(self) -> str:
        return "extubate"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs["AIRWAY_TUBE"] = TUBE_NONE
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"airway device"})
