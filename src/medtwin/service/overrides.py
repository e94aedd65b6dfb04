"""Vital signs the instructor shows other than they are, for a while (`POST
/api/sessions/{id}/overrides`): what every display of the session shows at a moment.

An override of a signal lasts from its time until its end, or until a newer override of
the same signal replaces it; the physiology, the trend and the case go on with the real
value. The monitor's numerics and the NIBP cuff's readings (`cuff`) both go through
`shown_at`, so a cuff that reads while the blood pressure is overridden reads the
override, as the monitor's arterial line does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Override:
    """`signal` shown as `value` from `time_s` until `until_s` (simulated seconds)."""

    time_s: float
    signal: str
    value: float
    until_s: float


def override_of(record: Mapping) -> Override:
    """An override from its stored record (`store.overrides_of`)."""
    time_s = float(record["time_s"])
    return Override(time_s, record["signal"], float(record["value"]), time_s + record["seconds"])


def shown_at(
    values: Mapping[str, float], overrides: Iterable[Override], time_s: float
) -> dict[str, float]:
    """`values` as shown at `time_s`: each signal's latest override given by then, if it
    is still in force (`overrides` in the order they were given)."""
    latest: dict[str, Override] = {}
    for override in overrides:
        if override.time_s <= time_s:
            latest[override.signal] = override
    active = {o.signal: o.value for o in latest.values() if time_s < o.until_s}
    return {**values, **active} if active else dict(values)
