"""The ventilator's circuit goes back on the tube: 'reconnect ventilator'."""

from __future__ import annotations

from typing import Literal, Self

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.kinds.disconnect_ventilator import ventilator_mode
from medtwin.actions.registry import register

_WORDS = ("reconnect ventilator", "reconnect the ventilator", "reconnect circuit")


@register
class ReconnectVentilator(ActionBase):
    """The disconnected circuit is connected again: the ventilator's settings act again."""

    kind: Literal["reconnect_ventilator"] = "reconnect_ventilator"

    forms = ("reconnect ventilator",)
    examples = ("reconnect ventilator",)
    refusals = ("reconnect ventilator",)  # a resting twin has nothing to reconnect
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        return cls() if key in _WORDS else None

    def order(self) -> str:
        return "reconnect ventilator"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        ventilator_mode(context)
        if context.inputs["VENT_DISCONNECTED"] <= 0.0:
            raise refuse(
                "ventilator circuit = 'connected' is not allowed: 'reconnect ventilator' "
                "needs a disconnected circuit (after 'disconnect ventilator')"
            )
        context.inputs["VENT_DISCONNECTED"] = 0.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"ventilator circuit"})
