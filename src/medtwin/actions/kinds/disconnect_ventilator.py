"""The ventilator's circuit comes off the tube: 'disconnect ventilator' (an insult).

The commonest ventilator emergency: the circuit parts from the tracheal tube (or a
connection in it opens). The ventilator goes on cycling into the room: the lungs get no
breaths (a patient who breathes draws room air through the tube), the ventilator
measures no airway pressure and no exhaled volume, the capnograph on the circuit sees
no CO2, and it alarms (`physiology.ventilator_alarms`: low airway pressure, low minute
volume, apnoea in the spontaneous modes). 'reconnect ventilator' ends it.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.registry import register
from medtwin.physiology.ventilation import MODE_BAG, MODE_NAMES, MODE_OFF

_WORDS = ("disconnect ventilator", "disconnect the ventilator", "ventilator disconnected",
          "disconnect circuit")  # fmt: skip


def ventilator_mode(context: ActionContext) -> float:
    """The mode of the ventilator on the patient; refused if none is (off or a bag)."""
    mode = context.inputs["VENT_MODE"]
    if mode in (MODE_OFF, MODE_BAG):
        raise refuse(
            f"ventilator = {MODE_NAMES[mode]!r} is not allowed: no ventilator is on the "
            "patient (order one first, e.g. 'ventilator VC rate 14 VT 450 mL PEEP 5')"
        )
    return mode


@register
class DisconnectVentilator(ActionBase):
    """The ventilator's circuit is disconnected from the patient's airway."""

    kind: Literal["disconnect_ventilator"] = "disconnect_ventilator"
    insult: ClassVar[bool] = True

    forms = ("disconnect ventilator",)
    examples = ("disconnect ventilator",)
    refusals = ("disconnect ventilator",)  # a resting twin has no ventilator
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return cls() if key in _WORDS else None

    def order(self) -> str:
        return "disconnect ventilator"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        ventilator_mode(context)
        context.inputs["VENT_DISCONNECTED"] = 1.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"ventilator circuit"})
