"""Pieces of the order grammar that several kinds share: numbers, durations, refusals.

Orders are matched on a normalised key (`fluid_table.name_key`: lower case, one space,
straight apostrophes). Numbers may be written 0.1, 1e3 or 1,000 (negative numbers, nan
and inf are read so that they can be refused by the field's own limits).
"""

from __future__ import annotations

import re

from medtwin.actions.errors import ActionError
from medtwin.pharmacology import DoseError, to_seconds

NUMBER = r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|[+-]?(?:nan|inf)"
"""A number as orders write it: 2, 0.1, .5, 1e3, 1,000, -2 (refused later), nan, inf."""

DURATION = rf"(?P<duration>{NUMBER})\s*(?P<duration_unit>[a-z]+)"
"""A duration with its unit ('15 min', '2 h'), captured as `duration`, `duration_unit`."""


def number(text: str) -> float:
    """The value of a number as orders write it ('1,000' is 1000.0)."""
    return float(text.replace(",", ""))


def not_understood(text: str, reason: str) -> ActionError:
    """The refusal of an order that no kind reads, with the accepted forms as a hint."""
    from medtwin.actions.registry import accepted_forms

    forms = "\n".join(("accepted orders:", *(f"  {form}" for form in accepted_forms())))
    return ActionError(f"order {text!r} not understood: {reason}", hint=forms)


def minutes(match: re.Match, text: str) -> float | None:
    """Minutes in the captured `duration` and `duration_unit`, None if absent."""
    if match["duration"] is None:
        return None
    try:
        minutes_per_unit = to_seconds(1.0, match["duration_unit"]) / 60.0
    except DoseError as error:
        raise not_understood(text, str(error)) from None
    return number(match["duration"]) * minutes_per_unit  # exact for 'min': formats read back
