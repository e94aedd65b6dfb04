"""The blood-pressure cuff (NIBP) as an order: 'measure NIBP', 'NIBP every 5 min',
'stop NIBP'.

A measurement inflates the cuff for `NIBP_CUFF_S` and then reads the arterial pressure
(systolic/diastolic/mean). 'NIBP every <n> min' measures now and every n minutes until
'stop NIBP' (which also lets down a cuff that is inflating) or a new cycle; 'measure
NIBP' adds one measurement and leaves the cycle as it is, as on bedside monitors. The
cuff changes nothing in the patient: when it reads is a matter of the logged orders
alone (`cuff_state`), so a replayed or restored session reads at the same times.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import Field, model_validator

from medtwin.actions.base import ActionBase, refuse
from medtwin.actions.context import ActionContext, FollowUp
from medtwin.actions.grammar import DURATION, minutes, not_understood
from medtwin.actions.registry import register

NIBP_CUFF_S = 30.0
"""Simulated seconds an oscillometric measurement takes, inflation to reading (about
20-45 s in adults: Alpert BS et al., Blood Press Monit 2014;19:1-8)."""
_MEASURE = ("measure nibp", "nibp", "nibp now", "measure bp", "measure blood pressure")
_CYCLE = re.compile(rf"nibp every\s*(?:{DURATION})?")
_AT_NOW_S = 1e-6
"""How far past `now_s` a cycle is looked at, so that a start at `now_s` counts."""
_FORMS = "measure NIBP, NIBP every <n> min (1-60), stop NIBP"


@register
class Nibp(ActionBase):
    """The cuff: one measurement now (`measure`), a cycle every `every_min` (`cycle`),
    or no more measurements (`stop`)."""

    kind: Literal["nibp"] = "nibp"
    mode: Literal["measure", "cycle", "stop"] = "measure"
    every_min: float | None = Field(None, ge=1, le=60, json_schema_extra={"unit": "min"})

    forms = ("measure NIBP", "NIBP every <n> min", "stop NIBP")
    examples = ("measure NIBP", "NIBP every 5 min", "NIBP every 2.5 min", "stop NIBP")
    refusals = ("NIBP every 90 min", "NIBP every 0.5 min", "NIBP every", "NIBP hourly")
    parse_priority = 20

    @model_validator(mode="after")
    def _cycle_has_a_time(self) -> Self:
        if (self.mode == "cycle") != (self.every_min is not None):
            raise ValueError(
                f"every_min = {self.every_min!r} goes with mode 'cycle' only "
                f"(mode = {self.mode!r}); e.g. 'NIBP every 5 min'"
            )
        return self

    @classmethod
    def parse(cls, key: str, text: str) -> Self | None:
        if key in _MEASURE:
            return cls()
        if key == "stop nibp":
            return cls(mode="stop")
        if not (key.startswith("nibp") or key.startswith("measure nibp")):
            return None
        match = _CYCLE.fullmatch(key)
        if match is None:
            raise not_understood(text, f"NIBP orders are: {_FORMS}")
        every = minutes(match, text)
        if every is None:
            raise refuse("every_min = (none): give the cycle's minutes, e.g. 'NIBP every 5 min'")
        return cls(mode="cycle", every_min=every)

    def order(self) -> str:
        if self.mode == "cycle":
            return f"NIBP every {self.every_min:g} min"
        return "stop NIBP" if self.mode == "stop" else "measure NIBP"

    def apply(self, context: ActionContext) -> list[FollowUp]:
        return []  # the cuff reads the patient; it writes nothing into the engine

    def lines(self) -> frozenset[str]:
        return frozenset({"nibp"})


@dataclass(frozen=True)
class CuffState:
    """The cuff at one moment: when its last reading was taken (None: never), whether
    it is inflating now, and the cycle it runs (minutes; None: none)."""

    reading_s: float | None
    measuring: bool
    every_min: float | None


def cuff_state(orders: Iterable[tuple[float, Nibp]], now_s: float) -> CuffState:
    """The cuff at `now_s` after the NIBP `orders` given so far, (time_s, order) in time
    order. A measurement due while the cuff is already inflating is skipped, as a
    monitor does; 'stop NIBP' lets down the one inflating."""
    starts: list[float] = []
    stops: list[float] = []
    cycles: list[tuple[float, float, float]] = []  # (first start, every_s, ends before)
    cycle: tuple[float, float] | None = None
    for time_s, order in orders:
        if time_s > now_s:
            break
        if order.mode == "measure":
            starts.append(time_s)
            continue
        if cycle is not None:
            cycles.append((*cycle, time_s))
        cycle = (time_s, order.every_min * 60.0) if order.mode == "cycle" else None
        if order.mode == "stop":
            stops.append(time_s)
    if cycle is not None:
        cycles.append((*cycle, now_s + _AT_NOW_S))
    for first, every_s, end_s in cycles:
        starts += [first + k * every_s for k in range(math.ceil((end_s - first) / every_s))]
    reading_s, measuring, busy_until = None, False, -math.inf
    for start in sorted(starts):
        if start < busy_until:
            continue
        busy_until = start + NIBP_CUFF_S
        if any(start <= stop < busy_until for stop in stops):
            continue
        if busy_until <= now_s:
            reading_s = busy_until
        else:
            measuring = True
    return CuffState(reading_s, measuring, cycle[1] / 60.0 if cycle else None)
