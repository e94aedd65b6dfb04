"""A tension pneumothorax: 'tension pneumothorax left 0.6' (the instructor's).

Air leaks into one pleural space through a one-way tear whose conductance is `severity`
times `MAX_TEAR_CONDUCTANCE`; the engine (`physiology.pleura`) collapses that lung, then builds
the tension that squeezes the great veins: hypoxaemia first, then rising central venous
pressure, falling cardiac output and pressure, and arrest if untreated. Severity 0
closes the leak (the air already there stays).
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
from medtwin.physiology.pleura import SIDES

Side = Literal["left", "right"]
MAX_TEAR_CONDUCTANCE = 3.0
"""The tear's conductance at severity 1 (mL/s per cmH2O of alveolar over pleural
pressure): against the lung's recoil of about 5 cmH2O the breathing patient's lung is
down within about 2 min, and the tension then decompensates the circulation within
minutes, as in the swine models (Barton ED et al. J Emerg Med 1997;15:147; Nelson D et
al. J Surg Res 2013, pii S0022-4804(13)00505-2) (model assumption)."""
_ORDER = re.compile(rf"tension pneumothorax (?P<side>left|right)(?: (?P<severity>{NUMBER}))?")


@register
class TensionPneumothorax(ActionBase):
    """A one-way air leak into the `side` pleural space, `severity` 0-1."""

    kind: Literal["tension_pneumothorax"] = "tension_pneumothorax"
    insult: ClassVar[bool] = True
    side: Side
    severity: float = Field(0.5, ge=0, le=1, json_schema_extra={"unit": ""})

    forms = ("tension pneumothorax <left|right> [<severity 0-1>]",)
    examples = ("tension pneumothorax left 0.6", "tension pneumothorax right 1")
    refusals = ("tension pneumothorax left 3", "tension pneumothorax middle 0.5")
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        if not key.startswith("tension pneumothorax"):
            return None
        match = _ORDER.fullmatch(key)
        if match is None:
            from medtwin.actions.base import refuse

            raise refuse(f"side = {key.removeprefix('tension pneumothorax').strip()!r} "
                         "is not one of: left, right (then a severity 0-1)")  # fmt: skip
        severity = {} if match["severity"] is None else {"severity": number(match["severity"])}
        return cls(side=match["side"], **severity)

    def order(self) -> str:
        return f"tension pneumothorax {self.side} {format_number(self.severity)}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        leak = context.inputs["PTX_LEAK"]
        leak[SIDES.index(self.side)] = self.severity * MAX_TEAR_CONDUCTANCE
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({f"pneumothorax:{self.side}"})
