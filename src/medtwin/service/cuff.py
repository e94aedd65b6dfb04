"""What the monitor's NIBP shows in a live session: the cuff's state from the logged
NIBP orders (`actions.kinds.nibp.cuff_state`) and its reading from the 1 Hz trend.

The reading is the arterial pressure of the first whole second at or after the cuff
finished, so a session recovered from the store shows the same reading it showed live;
an instructor's override of the pressure in force at that second is what the cuff reads
(`overrides.shown_at`), as the monitor shows it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from medtwin.actions import Event
from medtwin.actions.kinds.nibp import cuff_state
from medtwin.service.messages import NibpMessage
from medtwin.service.overrides import Override, shown_at


def cuff_message(
    events: Iterable[Event],
    trend: list[tuple[float, dict]],
    now_s: float,
    overrides: Iterable[Override] = (),
) -> NibpMessage:
    """The NIBP message at `now_s` of a session with these `events`, 1 Hz `trend` rows
    ((time_s, vitals), in time order) and instructor's `overrides`."""
    orders = [(event.time_s, event.action) for event in events if event.action.kind == "nibp"]
    state = cuff_state(orders, now_s)
    values: dict = {}
    if state.reading_s is not None:
        row = bisect.bisect_left(trend, state.reading_s - 1e-6, key=lambda item: item[0])
        if row < len(trend):
            values = shown_at(trend[row][1], overrides, trend[row][0])
    return NibpMessage(
        time_s=state.reading_s,
        systolic=values.get("systolic_bp"),
        diastolic=values.get("diastolic_bp"),
        mean=values.get("mean_arterial_pressure"),
        measuring=state.measuring,
        every_min=state.every_min,
    )
