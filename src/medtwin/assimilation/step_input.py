"""A live-sync step's input, and measurements as strict JSON: what a journal keeps.

`LiveSync.collect` makes a `StepInput` (the clock's time and the values that arrived)
and `LiveSync.apply` performs it; the service writes each to its journal before applying
it (`service.tracking`) and replays them after a restart. JSON here is strict (no NaN:
PostgreSQL refuses it in JSON columns), and reading back gives the input exactly, or a
ValueError naming the field and value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from medtwin.interop.measurement import InteropError, Measurement


@dataclass(frozen=True)
class StepInput:
    """What one step takes from outside the sync: the clock's present (`time`, aware)
    and the observations submitted since the step before (`arrivals`, as they came).

    No seed or draw index is needed: the estimator's generator is drawn from only by
    `apply`, in an order the inputs fix, so replaying the inputs replays the draws."""

    time: datetime
    arrivals: tuple[Measurement, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The input as strict JSON (PostgreSQL refuses NaN in JSON): times in ISO 8601
        with their offset, and a value that is not finite as its name ("nan", "inf")."""
        return {
            "time": self.time.isoformat(),
            "arrivals": [measurement_record(m) for m in self.arrivals],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> StepInput:
        """The input `to_dict` gave, exactly (ValueError naming the field and value of
        anything else, such as a journal row damaged by hand)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"step input {data!r}: must be an object with time and arrivals")
        time = aware_time(data.get("time"), "step input time")
        arrivals = data.get("arrivals")
        if not isinstance(arrivals, list):
            raise ValueError(f"step input arrivals {arrivals!r}: must be a list")
        return cls(time, tuple(measurement_from_record(item, f"step input arrivals[{k}]")
                               for k, item in enumerate(arrivals)))  # fmt: skip


def measurement_record(measurement: Measurement) -> dict[str, object]:
    """`measurement` as strict JSON: its time in ISO 8601, a value that is not finite as
    its name ("nan", "inf")."""
    value = measurement.value
    return {**measurement.to_dict(), "value": value if math.isfinite(value) else repr(value)}


def aware_time(text: object, field: str) -> datetime:
    """The aware time of ISO 8601 `text` (ValueError naming `field` otherwise)."""
    try:
        time = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{field} {text!r}: not an ISO 8601 time") from None
    if time.tzinfo is None:
        raise ValueError(f"{field} {text!r}: has no time zone offset")
    return time


def measurement_from_record(item: object, field: str) -> Measurement:
    """The Measurement `measurement_record` gave (ValueError naming `field` otherwise)."""
    if not isinstance(item, dict) or set(item) != {"signal", "value", "time", "source"}:
        raise ValueError(f"{field} {item!r}: must have signal, value, time, source")
    try:
        value = float(item["value"])
    except (TypeError, ValueError):
        raise ValueError(f"{field}.value {item['value']!r}: not a number") from None
    time = aware_time(item["time"], f"{field}.time")
    try:
        return Measurement(item["signal"], value, time, str(item["source"]))
    except InteropError as error:
        raise ValueError(f"{field}: {error}") from None
