"""Change the heart's rhythm: 'rhythm ventricular fibrillation', 'rhythm atrial
fibrillation rate 140', 'rhythm complete heart block'.

An instructor's insult (an arrhythmia, an arrest), and the record of what the physiology
did: the twin logs every rhythm change the engine makes by itself as this kind with
source "physiology" (arrest, return of spontaneous circulation, a shock or adenosine
ending a tachycardia). A rhythm set by order is then the engine's own: a heart too short
of O2 to beat arrests again. A dead twin's rhythm does not change.

An arrhythmia with a rate of its own runs at the order's ventricular rate, or at its
typical one; atrial fibrillation and flutter follow autonomic tone and drugs from there,
as the AV node does (`cardiac.ventricular_period`).
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self, get_args

from pydantic import Field, model_validator

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.formatter import format_number
from medtwin.actions.grammar import NUMBER, number
from medtwin.actions.registry import register
from medtwin.physiology.layout import RHYTHM_NAMES

RhythmName = Literal[RHYTHM_NAMES]  # type: ignore[valid-type]
RHYTHM_WORDS: dict[str, str] = {
    "sinus": "sinus", "sinus rhythm": "sinus", "normal sinus rhythm": "sinus",
    "pea": "pea", "pulseless electrical activity": "pea",
    "vf": "vf", "ventricular fibrillation": "vf",
    "asystole": "asystole",
    "af": "af", "atrial fibrillation": "af",
    "flutter": "flutter", "atrial flutter": "flutter",
    "svt": "svt", "supraventricular tachycardia": "svt",
    "vt": "vt", "ventricular tachycardia": "vt",
    "pulseless vt": "pulseless_vt", "pulseless ventricular tachycardia": "pulseless_vt",
    "second degree heart block": "block2", "2nd degree heart block": "block2",
    "mobitz ii": "block2", "mobitz 2": "block2", "2:1 heart block": "block2",
    "third degree heart block": "block3", "3rd degree heart block": "block3",
    "complete heart block": "block3",
}  # fmt: skip
"""The words for each rhythm an order may use."""
assert set(RHYTHM_WORDS.values()) == set(get_args(RhythmName)), "a word for every rhythm"
LONG_NAMES = {
    "sinus": "sinus rhythm", "pea": "pulseless electrical activity",
    "vf": "ventricular fibrillation", "asystole": "asystole",
    "af": "atrial fibrillation", "flutter": "atrial flutter",
    "svt": "supraventricular tachycardia", "vt": "ventricular tachycardia",
    "pulseless_vt": "pulseless ventricular tachycardia",
    "block2": "second degree heart block", "block3": "complete heart block",
}  # fmt: skip
assert set(LONG_NAMES) == set(RHYTHM_NAMES), "a long name for every rhythm"

OWN_RATES: dict[str, tuple[float, float, float]] = {
    # rhythm: (typical, lowest, highest) ventricular rate (/min)
    # atrial fibrillation with a rapid ventricular response, and flutter conducted 2:1
    # (atrial rate 300), 3:1 or 4:1: Brugada J et al. 2019 ESC Guidelines for SVT, Eur
    # Heart J 2020;41:655; Hindricks G et al. 2020 ESC Guidelines for AF, Eur Heart J
    # 2021;42:373 (rate control aims below 110/min at rest)
    "af": (130.0, 40.0, 220.0),
    "flutter": (150.0, 60.0, 300.0),
    # AV-nodal re-entry, 140-250/min (Brugada 2020)
    "svt": (180.0, 130.0, 280.0),
    # monomorphic VT above 100/min, pulseless usually above 200/min (Zeppenfeld K et al.
    # 2022 ESC Guidelines for ventricular arrhythmias, Eur Heart J 2022;43:3997)
    "vt": (180.0, 100.0, 300.0),
    "pulseless_vt": (220.0, 150.0, 350.0),
    # ventricular escape in complete block, 20-40/min (Resuscitation Council UK,
    # Advanced Life Support, 8th ed., 2021, ch. 11)
    "block3": (35.0, 15.0, 70.0),
}
"""The arrhythmias that beat at a ventricular rate of their own, with the range an
order may set."""
_ORDER = re.compile(
    rf"rhythm (?P<name>.+?)(?:,? (?:rate|at) (?P<rate>{NUMBER})\s*(?:/min|per min|bpm)?)?"
)


@register
class Rhythm(ActionBase):
    """Set the heart's rhythm to `rhythm` (one of the engine's RHYTHM_NAMES), at a
    ventricular rate of `rate_per_min` for the arrhythmias that have their own."""

    kind: Literal["rhythm"] = "rhythm"
    insult: ClassVar[bool] = True
    rhythm: RhythmName
    rate_per_min: float | None = Field(None, gt=0, json_schema_extra={"unit": "/min"})

    forms = (
        "rhythm <sinus|pea|vf|asystole|second degree heart block>",
        "rhythm <af|atrial flutter|svt|vt|pulseless vt|complete heart block> [rate <n>/min]",
    )
    examples = (
        "rhythm ventricular fibrillation",
        "rhythm asystole",
        "rhythm sinus",
        "rhythm atrial fibrillation rate 140",
        "rhythm ventricular tachycardia",
        "rhythm complete heart block rate 30",
    )
    refusals = ("rhythm tango", "rhythm sinus rate 80", "rhythm svt rate 500")
    parse_priority = 10

    @model_validator(mode="after")
    def _rate_in_range(self) -> Self:
        if self.rate_per_min is None:
            return self
        if self.rhythm not in OWN_RATES:
            own = ", ".join(LONG_NAMES[name] for name in OWN_RATES)
            raise ValueError(
                f"rate_per_min = {format_number(self.rate_per_min)}: "
                f"{LONG_NAMES[self.rhythm]} has no rate of its own to set (only {own})"
            )
        _, lowest, highest = OWN_RATES[self.rhythm]
        if not lowest <= self.rate_per_min <= highest:
            raise ValueError(
                f"rate_per_min = {format_number(self.rate_per_min)}: "
                f"{LONG_NAMES[self.rhythm]} runs at {lowest:g}-{highest:g}/min"
            )
        return self

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        name = RHYTHM_WORDS.get(match["name"].strip())
        if name is None:
            known = ", ".join(sorted(RHYTHM_WORDS))
            raise refuse(f"rhythm = {match['name']!r} is not one of: {known}")
        rate = None if match["rate"] is None else number(match["rate"])
        return cls(rhythm=name, rate_per_min=rate)

    @property
    def ventricular_rate_per_min(self) -> float:
        """The rate the arrhythmia runs at: the order's, else its typical one (0 for
        rhythms without a rate of their own)."""
        if self.rate_per_min is not None:
            return self.rate_per_min
        return OWN_RATES.get(self.rhythm, (0.0,))[0]

    def order(self) -> str:
        rate = "" if self.rate_per_min is None else f" rate {format_number(self.rate_per_min)}"
        return f"rhythm {LONG_NAMES[self.rhythm]}{rate}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        if context.heart.irreversible:
            raise refuse(f"{self.order()}: the patient is dead (irreversible); no rhythm change")
        context.heart.set_rhythm(self.rhythm, self.ventricular_rate_per_min)
        return []
