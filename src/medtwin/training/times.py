"""Times in a case: a number of seconds or a readable time ('90 s', '2 min', '00:05:00').

The same words as timed orders (`medtwin.actions.parse_time`), so an educator writes
times one way everywhere; `clock` shows case time as the debrief does (m:ss).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from medtwin.actions import ActionError, parse_time
from medtwin.actions.timed import TIME_FORMS


def to_seconds(value: Any) -> float:
    """Seconds in a number or a readable time; ValueError naming the accepted forms."""
    if isinstance(value, bool):
        raise ValueError(f"is not a time: write it like {TIME_FORMS}")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise ValueError("is not allowed: must be a finite time >= 0 s")
        return float(value)
    if isinstance(value, str):
        try:
            return parse_time(value)
        except ActionError as error:
            raise ValueError(str(error).removeprefix(f"time {value!r} ")) from None
    raise ValueError(f"is not a time: write it like {TIME_FORMS}")


Seconds = Annotated[
    float,
    BeforeValidator(to_seconds),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {
                    "type": "string",
                    "pattern": r"^\s*(\d+:\d{1,2}:\d{1,2}|[0-9.,eE+]+\s*[a-z]*)\s*$",
                },
            ],
            "description": f"a time: seconds, or text such as {TIME_FORMS}",
        }
    ),
]
"""A time of a case, in seconds once read."""


def clock(seconds: float) -> str:
    """Case time as a clock, e.g. 185 -> '3:05'."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
