"""A defibrillator's shock: 'defibrillate 200 J' (unsynchronised), 'cardiovert 100 J'
(synchronised on the R wave).

The engine decides what a shock does (`physiology.cardiac`): it ends ventricular
fibrillation with a chance that rises with its energy and falls as the heart's energy
reserve runs down, drawn from the twin's seeded stream; the heart then beats if it can.
A synchronised shock needs R waves to time it on: in ventricular fibrillation or
asystole the defibrillator does not fire, as a real one in sync mode would not.
"""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import Field

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import NUMBER, number
from medtwin.actions.registry import register

MAX_BIPHASIC_J = 360.0
"""The highest energy of adult biphasic defibrillators (Stiell IG et al. Circulation
2007;116:1511: up to 360 J)."""
_ORDER = re.compile(
    rf"(?P<how>defibrillate|defib|shock|cardiovert)(?: at)? (?P<energy>{NUMBER})\s*j"
)
_NO_R_WAVES = ("vf", "asystole")


@register
class Defibrillate(ActionBase):
    """A biphasic shock of `energy_J`; `synchronised` times it on the R wave."""

    kind: Literal["defibrillate"] = "defibrillate"
    energy_J: float = Field(gt=0, le=MAX_BIPHASIC_J, json_schema_extra={"unit": "J"})
    synchronised: bool = False

    forms = ("defibrillate <energy> J", "cardiovert <energy> J")
    examples = ("defibrillate 200 J", "defibrillate 360 J", "cardiovert 100 J")
    refusals = ("defibrillate 500 J", "defibrillate 0 J")
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        return cls(energy_J=number(match["energy"]), synchronised=match["how"] == "cardiovert")

    def order(self) -> str:
        verb = "cardiovert" if self.synchronised else "defibrillate"
        return f"{verb} {format_number(self.energy_J)} J"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        heart = context.heart
        if heart.irreversible:
            raise refuse(f"{self.order()}: the patient is dead (irreversible)")
        if self.synchronised and heart.rhythm in _NO_R_WAVES:
            raise refuse(
                f"synchronised = True: no R waves to synchronise on in rhythm = "
                f"{heart.rhythm!r}; the defibrillator does not fire (defibrillate instead)"
            )
        heart.deliver_shock(self.energy_J, self.synchronised)
        return []
