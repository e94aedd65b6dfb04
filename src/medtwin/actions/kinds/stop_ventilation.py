"""Disconnect the breathing device: 'ventilator off', 'stop bag-valve-mask'."""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.kinds.ventilator import clear_ventilation
from medtwin.actions.registry import register

_WORDS = ("ventilator off", "stop ventilator", "stop ventilation", "stop bag-valve-mask",
          "stop bag valve mask", "stop bvm")  # fmt: skip


@register
class StopVentilation(ActionBase):
    """The ventilator or bag comes off: the patient breathes (or not) on their own."""

    kind: Literal["stop_ventilation"] = "stop_ventilation"

    forms = ("ventilator off", "stop bag-valve-mask")
    examples = ("ventilator off",)
    refusals = ("ventilator sideways",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return cls() if key in _WORDS else None

    def order(self) -> str:
        return "ventilator off"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        clear_ventilation(context.inputs)
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"ventilation"})
