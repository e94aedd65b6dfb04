"""Release a tension pneumothorax: 'needle decompression left', 'chest drain left'.

A needle in the second intercostal space vents the tension but leaves the lung
collapsed (the pneumothorax stays open); a chest drain lets the air out and the lung
re-expand over minutes and keeps the leak drained (ATLS 10th ed., 2018, ch. 4).
"""

from __future__ import annotations

import re
from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register
from medtwin.physiology.pleura import SIDES, VENT_DRAIN, VENT_NEEDLE

_ORDER = re.compile(r"(?P<how>needle decompression|needle thoracocentesis|chest drain|"
                    r"chest tube|thoracostomy) (?P<side>left|right)")  # fmt: skip
_DRAIN_WORDS = ("chest drain", "chest tube", "thoracostomy")


@register
class PleuralDecompression(ActionBase):
    """A needle (`drain` False) or a chest drain (`drain` True) on `side`."""

    kind: Literal["pleural_decompression"] = "pleural_decompression"
    side: Literal["left", "right"]
    drain: bool = False

    forms = ("needle decompression <left|right>", "chest drain <left|right>")
    examples = ("needle decompression left", "chest drain right")
    refusals = ("needle decompression middle",)
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        return cls(side=match["side"], drain=match["how"] in _DRAIN_WORDS)

    def order(self) -> str:
        return f"{'chest drain' if self.drain else 'needle decompression'} {self.side}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        vent = context.inputs["PTX_VENT"]
        side = SIDES.index(self.side)
        vent[side] = max(vent[side], VENT_DRAIN if self.drain else VENT_NEEDLE)
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({f"pleural decompression:{self.side}"})
