"""An airway device: 'intubate', 'intubate oesophagus', 'intubate right mainstem',
'insert supraglottic airway'.

Where the tube ends decides what a ventilator or bag does (`physiology.ventilation`): in
the trachea it ventilates both lungs through the tube's resistance; in the oesophagus
it inflates the stomach, so the lungs get nothing and the capnograph sees no CO2; in the
right main bronchus it ventilates one lung (stiffer, with a shunt). A supraglottic
airway seals above the larynx. A misplaced tube ('intubate oesophagus') is how an
instructor or a case plays the error.
"""

from __future__ import annotations

import re
from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register
from medtwin.physiology.ventilation import (
    TUBE_OESOPHAGUS,
    TUBE_RIGHT_MAINSTEM,
    TUBE_SUPRAGLOTTIC,
    TUBE_TRACHEA,
)

Position = Literal["trachea", "oesophagus", "right mainstem", "supraglottic"]
POSITION_INPUTS = {
    "trachea": TUBE_TRACHEA,
    "oesophagus": TUBE_OESOPHAGUS,
    "right mainstem": TUBE_RIGHT_MAINSTEM,
    "supraglottic": TUBE_SUPRAGLOTTIC,
}
_WORDS = {"": "trachea", "trachea": "trachea", "oesophagus": "oesophagus",
          "esophagus": "oesophagus", "oesophageal": "oesophagus", "esophageal": "oesophagus",
          "right mainstem": "right mainstem", "right main bronchus": "right mainstem",
          "endobronchial": "right mainstem"}  # fmt: skip
_ORDER = re.compile(r"intubat(?:e|ion)(?: (?:in the |into the )?(?P<where>.+))?")
_SUPRAGLOTTIC = ("insert supraglottic airway", "supraglottic airway", "insert lma",
                 "laryngeal mask airway")  # fmt: skip


@register
class Intubate(ActionBase):
    """An airway device whose tip is at `position`."""

    kind: Literal["intubate"] = "intubate"
    position: Position = "trachea"

    forms = ("intubate [oesophagus|right mainstem]", "insert supraglottic airway")
    examples = ("intubate", "intubate oesophagus", "intubate right mainstem",
                "insert supraglottic airway")  # fmt: skip
    refusals = ("intubate stomach",)
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        if key in _SUPRAGLOTTIC:
            return cls(position="supraglottic")
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        where = (match["where"] or "").strip()
        if where not in _WORDS:
            from medtwin.actions.base import refuse

            raise refuse(f"position = {where!r} is not one of: trachea, oesophagus, "
                         "right mainstem")  # fmt: skip
        return cls(position=_WORDS[where])

    def order(self) -> str:
        if self.position == "supraglottic":
            return "insert supraglottic airway"
        return "intubate" if self.position == "trachea" else f"intubate {self.position}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs["AIRWAY_TUBE"] = POSITION_INPUTS[self.position]
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"airway device"})
