"""Change the heart's rhythm: 'rhythm ventricular fibrillation', 'rhythm sinus'.

An instructor's insult (an arrhythmia, an arrest), and the record of what the physiology
did: the twin logs every rhythm change the engine makes by itself as this kind with
source "physiology" (arrest, return of spontaneous circulation). A rhythm set by order
is then the engine's own: a heart too short of O2 to beat in sinus rhythm arrests again.
A dead twin's rhythm does not change.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self, get_args

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register
from medtwin.physiology.layout import RHYTHM_NAMES

RhythmName = Literal[RHYTHM_NAMES]  # type: ignore[valid-type]
RHYTHM_WORDS: dict[str, str] = {
    "sinus": "sinus", "sinus rhythm": "sinus", "normal sinus rhythm": "sinus",
    "pea": "pea", "pulseless electrical activity": "pea",
    "vf": "vf", "ventricular fibrillation": "vf",
    "asystole": "asystole",
}  # fmt: skip
"""The words for each rhythm an order may use."""
assert set(RHYTHM_WORDS.values()) == set(get_args(RhythmName)), "a word for every rhythm"
LONG_NAMES = {"sinus": "sinus rhythm", "pea": "pulseless electrical activity",
              "vf": "ventricular fibrillation", "asystole": "asystole"}  # fmt: skip
_ORDER = re.compile(r"rhythm (?P<name>.+)")


@register
class Rhythm(ActionBase):
    """Set the heart's rhythm to `rhythm` (one of the engine's RHYTHM_NAMES)."""

    kind: Literal["rhythm"] = "rhythm"
    insult: ClassVar[bool] = True
    rhythm: RhythmName

    forms = ("rhythm <sinus|pea|vf|asystole>",)
    examples = ("rhythm ventricular fibrillation", "rhythm asystole", "rhythm sinus")
    refusals = ("rhythm tango",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        name = RHYTHM_WORDS.get(match["name"].strip())
        if name is None:
            known = ", ".join(sorted(RHYTHM_WORDS))
            raise refuse(f"rhythm = {match['name']!r} is not one of: {known}")
        return cls(rhythm=name)

    def order(self) -> str:
        return f"rhythm {LONG_NAMES[self.rhythm]}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        if context.heart.irreversible:
            raise refuse(f"{self.order()}: the patient is dead (irreversible); no rhythm change")
        context.heart.set_rhythm(self.rhythm)
        return []
