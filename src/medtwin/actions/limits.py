"""The limits of every numeric field of an action kind, as data (for forms, the
browser's order panel and the common checks), read from the `Field` constraints."""

from __future__ import annotations

from typing import Any

from medtwin.actions.base import ActionBase
from medtwin.problems import field_bounds, field_unit


def field_limits(kind: type[ActionBase]) -> dict[str, dict[str, Any]]:
    """`{field: {"gt"|"ge"|"lt"|"le": bound, ..., "unit": unit}}` for each numeric field
    of `kind` that declares bounds."""
    limits = {}
    for name, info in kind.model_fields.items():
        bounds = field_bounds(info)
        if bounds:
            limits[name] = {**bounds, "unit": field_unit(info)}
    return limits
