"""An obstructed airway: 'airway obstruction 0.8' (0 clears it, 1 is complete).

The instructor's insult: a foreign body, laryngospasm, swelling. The share of the
airway's cross-section lost sets its resistance (`physiology.ventilation`); complete
obstruction lets no gas through, breathing or ventilated.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self

from pydantic import Field

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import NUMBER, number
from medtwin.actions.registry import register

_ORDER = re.compile(rf"airway obstruction (?P<severity>{NUMBER})")


@register
class AirwayObstruction(ActionBase):
    """The airway narrowed by `severity` (share of its cross-section lost)."""

    kind: Literal["airway_obstruction"] = "airway_obstruction"
    insult: ClassVar[bool] = True
    severity: float = Field(ge=0, le=1, json_schema_extra={"unit": ""})

    forms = ("airway obstruction <0-1>",)
    examples = ("airway obstruction 0.8", "airway obstruction 1", "airway obstruction 0")
    refusals = ("airway obstruction 2",)
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        return None if match is None else cls(severity=number(match["severity"]))

    def order(self) -> str:
        return f"airway obstruction {format_number(self.severity)}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs["AIRWAY_OBSTRUCTION"] = self.severity
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"airway obstruction"})
