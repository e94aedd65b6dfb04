"""Bag-valve-mask ventilation: 'bag-valve-mask rate 10 volume 500 mL FiO2 1.0'.

A rescuer squeezing a self-inflating bag: breaths of the squeezed volume at the rate,
of which the mask's seal lets `seal` reach the airway (1 through a tracheal tube or a
supraglottic airway, about 0.6-0.9 through a face mask in practice), with the bag's
FiO2 (room air without oxygen; near 1 with a reservoir at 15 L/min). It passes through
whatever obstruction the airway has. 'ventilator off' or 'stop bag-valve-mask' stops it.
"""

from __future__ import annotations

import re
from typing import Literal, Self

from pydantic import Field

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.kinds.ventilator import ROOM_AIR_FIO2, clear_ventilation
from medtwin.actions.registry import register
from medtwin.actions.settings import parse_with_settings, write_settings
from medtwin.physiology.ventilation import MODE_BAG

_ORDER = re.compile(r"(?:bag-valve-mask|bag valve mask|bvm|bag)(?: ventilation)?(?P<settings>.*)")
_SETTINGS = {
    "rate": ("rate_per_min", r"/min|per min"),
    "volume": ("volume_mL", r"ml"),
    "fio2": ("fio2", ""),
    "seal": ("seal", ""),
}
BAG_INSPIRATION_S = 1.0
"""Perkins GD et al. Resuscitation 2021;161:115 (ERC 2021: give each breath over about
1 s)."""


@register
class BagValveMask(ActionBase):
    """Bag ventilation at `rate_per_min` of `volume_mL`, `seal` of it reaching the airway,
    with `fio2`."""

    kind: Literal["bag_valve_mask"] = "bag_valve_mask"
    rate_per_min: float = Field(10.0, ge=2, le=40, json_schema_extra={"unit": "/min"})
    volume_mL: float = Field(500.0, ge=50, le=1500, json_schema_extra={"unit": "mL"})
    fio2: float = Field(ROOM_AIR_FIO2, ge=0.21, le=1.0, json_schema_extra={"unit": ""})
    seal: float = Field(1.0, ge=0.0, le=1.0, json_schema_extra={"unit": ""})

    forms = ("bag-valve-mask [rate <n>] [volume <v> mL] [FiO2 <f>] [seal <s>]",)
    examples = (
        "bag-valve-mask rate 10 volume 500 mL FiO2 1",
        "bag-valve-mask rate 12 volume 600 mL seal 0.7",
    )
    refusals = ("bag-valve-mask rate 100", "bag-valve-mask volume 5000 mL")
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return parse_with_settings(cls, _ORDER, key, text, _SETTINGS)

    def order(self) -> str:
        settings = write_settings([
            ("rate", self.rate_per_min, ""), ("volume", self.volume_mL, "mL"),
            ("FiO2", None if self.fio2 == ROOM_AIR_FIO2 else self.fio2, ""),
            ("seal", None if self.seal == 1.0 else self.seal, ""),
        ])  # fmt: skip
        return f"bag-valve-mask {settings}"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        inputs = context.inputs
        clear_ventilation(inputs)  # a bag has no trigger nor alarms, and is connected
        inputs["VENT_MODE"] = MODE_BAG
        inputs["VENT_RATE"] = self.rate_per_min
        inputs["VENT_VT"] = self.volume_mL
        inputs["VENT_TI"] = min(BAG_INSPIRATION_S, 0.5 * 60.0 / self.rate_per_min)
        inputs["VENT_FIO2"] = self.fio2
        inputs["VENT_DELIVERED"] = self.seal
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"ventilation"})
