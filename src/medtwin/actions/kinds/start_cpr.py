"""Chest compressions: 'start CPR rate 110 depth 5.5 cm'.

The rescuer's compressions by their quality: rate (/min), depth (cm), the share of time
with hands on the chest (the chest-compression fraction: 1 for continuous compressions,
about 0.8 for 30:2 with short pauses), and leaning (the share of the compression force
left on the chest between compressions). The engine turns them into chest pressure
(`physiology.cpr`), so flow, arterial pressure and end-tidal CO2 follow their quality.
A new order replaces the running compressions' settings.
"""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import Field

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register
from medtwin.actions.settings import parse_with_settings, write_settings

GUIDELINE_RATE_PER_MIN = 110.0
"""Perkins GD et al. Resuscitation 2021;161:115 (ERC 2021 BLS: 100-120/min)."""
GUIDELINE_DEPTH_CM = 5.5
"""ERC 2021 BLS: 5-6 cm in an adult."""
_ORDER = re.compile(r"(?:start )?(?:cpr|chest compressions)(?P<settings>.*)")
_SETTINGS = {
    "rate": ("rate_per_min", r"/min|per min"),
    "depth": ("depth_cm", r"cm"),
    "fraction": ("fraction", ""),
    "leaning": ("leaning_percent", r"%"),
}


@register
class StartCPR(ActionBase):
    """Chest compressions at `rate_per_min`, `depth_cm` deep, hands on the chest for
    `fraction` of the time, leaving `leaning_percent` of the force on between them."""

    kind: Literal["start_cpr"] = "start_cpr"
    rate_per_min: float = Field(GUIDELINE_RATE_PER_MIN, gt=0, le=200,
                                json_schema_extra={"unit": "/min"})  # fmt: skip
    depth_cm: float = Field(GUIDELINE_DEPTH_CM, gt=0, le=8, json_schema_extra={"unit": "cm"})
    fraction: float = Field(1.0, ge=0.1, le=1.0, json_schema_extra={"unit": ""})
    leaning_percent: float = Field(0.0, ge=0, le=50, json_schema_extra={"unit": "%"})

    forms = ("start CPR [rate <n>/min] [depth <d> cm] [fraction <f>] [leaning <l> %]",)
    examples = (
        "start CPR rate 110 depth 5.5 cm",
        "start CPR rate 100 depth 4 cm fraction 0.6",
        "start CPR rate 120 depth 5 cm leaning 20 %",
    )
    refusals = ("start CPR rate 400", "start CPR depth 12 cm", "start CPR tempo 3")
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return parse_with_settings(cls, _ORDER, key, text, _SETTINGS)

    def order(self) -> str:
        settings = write_settings([
            ("rate", self.rate_per_min, ""), ("depth", self.depth_cm, "cm"),
            ("fraction", None if self.fraction == 1.0 else self.fraction, ""),
            ("leaning", self.leaning_percent or None, "%"),
        ])  # fmt: skip
        return f"start CPR {settings}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        inputs = context.inputs
        inputs["CPR_RATE"] = self.rate_per_min
        inputs["CPR_DEPTH"] = self.depth_cm
        inputs["CPR_FRACTION"] = self.fraction
        inputs["CPR_LEANING"] = self.leaning_percent / 100.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"cpr"})
