"""Numbers and actions written as text that reads well and parses back exactly.

`format_number(2.0)` is '2', `format_number(0.1)` is '0.1': integers without a decimal
point, everything else as the shortest text that gives back the same float, so that
`parse_order(action.order()) == action` holds for every action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medtwin.actions.union import Action


def format_number(value: float) -> str:
    """Shortest text for `value` that `float()` reads back exactly ('2', '0.1', '1e-05')."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def format_timed_order(time_s: float, action: Action) -> str:
    """A timed order as `parse_timed_order` reads it, e.g. '60 s: haemorrhage 100 mL/min'."""
    return f"{format_number(time_s)} s: {action.order()}"
