"""Let go of the airway: 'stop airway support' (also 'stop jaw thrust', 'remove
oropharyngeal airway')."""

from __future__ import annotations

from typing import Literal, Self, get_args

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.kinds.airway_support import Technique, technique_words
from medtwin.actions.registry import register

_NAMES = {"airway support", "airway adjunct", "opa", "npa", *get_args(Technique)}


@register
class StopAirwaySupport(ActionBase):
    """The manoeuvre or adjunct holding the airway open ends."""

    kind: Literal["stop_airway_support"] = "stop_airway_support"

    forms = ("stop airway support", "remove oropharyngeal airway")
    examples = ("stop airway support", "stop jaw thrust", "remove OPA")
    refusals = ("stop airway support now",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        for verb in ("stop ", "remove "):
            if key.startswith(verb) and technique_words(key.removeprefix(verb)) in _NAMES:
                return cls()
        return None

    def order(self) -> str:
        return "stop airway support"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        context.inputs["AIRWAY_SUPPORT"] = 0.0
        return []

    def lines(self) -> frozenset[str]:
        return frozenset({"airway support"})
