"""A ventilator alarm, as the event log keeps it: 'ventilator alarm high airway pressure'.

The twin logs these itself, with source "equipment", when the ventilator's alarm starts
and when it clears (`medtwin.physiology_events`, from `physiology.ventilator_alarms`);
a replay skips them, as the ventilator raises them again. Given as an order (an
instructor announcing one in a case), it only enters the log: an alarm changes nothing
in the patient.
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.grammar import not_understood
from medtwin.actions.registry import register
from medtwin.physiology.ventilator_alarms import ALARM_BITS

Alarm = Literal["high airway pressure", "low airway pressure", "low minute volume", "apnoea"]
assert set(Alarm.__args__) == set(ALARM_BITS), "one alarm kind per engine alarm"
_ORDER = re.compile(r"ventilator alarm (?P<alarm>.+?)(?P<cleared> cleared)?")


@register
class VentilatorAlarm(ActionBase):
    """The ventilator's `alarm` started (or, `cleared`, ended)."""

    kind: Literal["ventilator_alarm"] = "ventilator_alarm"
    insult: ClassVar[bool] = True
    alarm: Alarm
    cleared: bool = False

    forms = ("ventilator alarm <alarm> [cleared]",)
    examples = ("ventilator alarm high airway pressure", "ventilator alarm apnoea cleared")
    refusals = ("ventilator alarm fire",)
    parse_priority = 10

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        match = _ORDER.fullmatch(key)
        if match is None:
            return None
        if match["alarm"] not in ALARM_BITS:
            raise not_understood(text, f"the alarms are {', '.join(ALARM_BITS)}")
        return cls(alarm=match["alarm"], cleared=match["cleared"] is not None)

    def order(self) -> str:
        return f"ventilator alarm {self.alarm}" + (" cleared" if self.cleared else "")

    def apply(self, context: ActionContext) -> list[FollowUp]:
        return []
