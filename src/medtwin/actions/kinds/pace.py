"""Transcutaneous pacing: 'pace rate 70 current 80 mA'.

A demand (VVI) pacemaker through pads on the chest: it fires at `rate_per_min` whenever
the heart's own ventricular rate is slower, and captures the ventricles if its current
reaches the patient's capture threshold (`PACING_THRESHOLD_MA`) and the heart is
beating at all (pacing does not restart a heart in asystole or electrical activity
without a pulse: Hedges JR et al. N Engl J Med 1987;317:1507, no benefit in asystolic
arrest; ERC 2021). The engine decides capture each slow step
(`cardiac.ventricular_period`); a paced beat starts in a ventricle, so it loses the
atrial kick and contracts out of step. A new order replaces the running settings.
"""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import Field

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register
from medtwin.actions.settings import read_settings, write_settings

DEFAULT_RATE_PER_MIN = 70.0
"""Soar J et al. ERC Guidelines 2021: Adult advanced life support. Resuscitation
2021;161:115 (transcutaneous pacing at 60-80/min until capture)."""
MAX_CURRENT_MA = 200.0
"""The highest output of transcutaneous pacemakers (typically 140-200 mA)."""
_ORDER = re.compile(r"(?:start )?(?:transcutaneous )?pac(?:e|ing)(?P<settings>.*)")
_SETTINGS = {
    "rate": ("rate_per_min", r"/min|per min|bpm"),
    "current": ("current_mA", r"ma"),
    "output": ("current_mA", r"ma"),
}


@register
class Pace(ActionBase):
    """A transcutaneous pacemaker at `rate_per_min` and `current_mA`."""

    kind: Literal["pace"] = "pace"
    rate_per_min: float = Field(DEFAULT_RATE_PER_MIN, ge=30, le=180,
                                json_schema_extra={"unit": "/min"})  # fmt: skip
    current_mA: float = Field(gt=0, le=MAX_CURRENT_MA, json_schema_extra={"unit": "mA"})

    forms = ("pace [rate <n>/min] current <c> mA",)
    examples = ("pace rate 70 current 80 mA", "pace current 100 mA", "pace rate 60 current 40 mA")
    refusals = ("pace rate 400 current 80 mA", "pace rate 70", "pace rate 70 current 900 mA")
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        settings = read_settings(text, match["settings"], _SETTINGS)
        if "current_mA" not in settings:
            raise refuse(
                f"current_mA = (none): a pacemaker needs its current, above 0 and up to "
                f"{MAX_CURRENT_MA:g} mA (e.g. 'pace rate 70 current 80 mA')"
            )
        return cls(**settings)

    def order(self) -> str:
        settings = write_settings(
            [("rate", self.rate_per_min, ""), ("current", self.current_mA, "mA")]
        )
        return f"pace {settings}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs["PACE_RATE"] = self.rate_per_min
        context.inputs["PACE_CURRENT"] = self.current_mA
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"pacing"})
