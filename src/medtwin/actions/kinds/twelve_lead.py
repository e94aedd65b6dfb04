"""The 12-lead ECG as an order: '12-lead ECG'.

The electrocardiograph records `RECORD_S` (10 s) of the 12 standard leads from the next
whole second after the order (`physiology.twelve_lead`); an order given while it is
recording adds nothing, as a machine that is busy does. The recording changes nothing in
the patient: when it is taken is a matter of the logged orders alone (`recordings`), so
a replayed or restored session records the same seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Literal, Self

from medtwin.actions.base import ActionBase
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.grammar import not_understood
from medtwin.actions.registry import register
from medtwin.physiology.twelve_lead import RECORD_S

_ORDERS = ("12-lead ecg", "12 lead ecg", "12-lead", "12 lead", "record 12-lead ecg",
           "12-lead ekg", "12 lead ekg")  # fmt: skip
_PREFIXES = ("12-lead", "12 lead", "record 12")
_FORMS = "12-lead ECG"


@register
class TwelveLead(ActionBase):
    """Record a 12-lead ECG: 10 s of the 12 standard leads, from the next whole second."""

    kind: Literal["twelve_lead"] = "twelve_lead"

    forms = ("12-lead ECG",)
    examples = ("12-lead ECG", "12 lead ECG", "12-lead", "record 12-lead ECG")
    refusals = ("12-lead ECG now please",)
    parse_priority = 20

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        if key in _ORDERS:
            return cls()
        if key.startswith(_PREFIXES):
            raise not_understood(text, f"the order is: {_FORMS}")
        return None

    def order(self) -> str:
        return "12-lead ECG"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        return []  # the electrocardiograph reads the patient; it writes nothing

    def lines(self) -> frozenset[str]:
        return frozenset({"twelve_lead"})


def recordings(order_times_s: Iterable[float], now_s: float) -> list[tuple[float, float]]:
    """The recordings (start_s, end_s) finished by `now_s` after 12-lead orders given at
    `order_times_s` (in time order): each starts at the first whole second at or after
    its order; an order while one is recording is skipped."""
    done: list[tuple[float, float]] = []
    busy_until = -math.inf
    for time_s in order_times_s:
        if time_s < busy_until:
            continue
        start_s = float(math.ceil(time_s - 1e-9))
        busy_until = start_s + RECORD_S
        if busy_until <= now_s + 1e-9:
            done.append((start_s, busy_until))
    return done
