"""Pydantic's validation errors as plain lines: the field, the value given, what is
allowed. Patients and actions both refuse bad input in these words, never with a
pydantic traceback. Limits come from the `Field` constraints declared on the field
itself (`Field(gt=0, le=10_000, json_schema_extra={"unit": "mL"})`)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import annotated_types
from pydantic.fields import FieldInfo

_BOUND_ERRORS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")


def field_unit(info: FieldInfo) -> str:
    """The unit declared on a field (`json_schema_extra={"unit": ...}`), or ''."""
    extra = info.json_schema_extra
    return str(extra.get("unit", "")) if isinstance(extra, Mapping) else ""


def field_bounds(info: FieldInfo) -> dict[str, float]:
    """The numeric bounds declared on a field: any of gt, ge, lt, le."""
    bounds: dict[str, float] = {}
    for constraint in info.metadata:
        for name in ("gt", "ge", "lt", "le"):
            value = getattr(constraint, name, None)
            if isinstance(constraint, annotated_types.BaseMetadata) and value is not None:
                bounds[name] = float(value)
    return bounds


def range_text(info: FieldInfo) -> str | None:
    """A field's allowed range in words, e.g. 'more than 0 and at most 10000 mL'."""
    bounds = field_bounds(info)
    words = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}
    parts = [f"{words[name]} {_number(value)}" for name, value in bounds.items()]
    if not parts:
        return None
    return f"{' and '.join(parts)} {field_unit(info)}".rstrip()


def _number(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else str(value)


def problem_line(
    error: Any,
    known: Iterable[str] | Mapping[str, FieldInfo],
    allowed: str | None = None,
    noun: str = "field",
) -> str:
    """One line for one pydantic error.

    `known` are the model's fields (names are listed when an unknown one is given; with
    their `FieldInfo`, declared limits are quoted), `allowed` describes the field's
    allowed values where the caller knows them (a range, a list), and `noun` is what the
    user calls a field ("field", or "key" in a file).
    """
    field = ".".join(str(part) for part in error["loc"])
    value = error.get("input")
    kind = error["type"]
    if not field:  # a whole-model rule: its message names the fields itself
        return str(error["ctx"]["error"]) if kind == "value_error" else error["msg"]
    if kind == "missing":
        return f"{field} is missing" + (f" (allowed: {allowed})" if allowed else "")
    if kind == "extra_forbidden":
        return f"unknown {noun} {field} = {value!r} (allowed {noun}s: {', '.join(known)})"
    if kind in _BOUND_ERRORS:
        info = known.get(str(error["loc"][0])) if isinstance(known, Mapping) else None
        limits = allowed or (range_text(info) if info is not None else None) or error["msg"]
        return f"{field} = {value!r} is not allowed: must be {limits}"
    if kind == "literal_error":
        expected = allowed or error.get("ctx", {}).get("expected", "")
        return f"{field} = {value!r} is not one of: {expected}"
    if kind == "finite_number":
        return f"{field} = {value!r} is not a finite number"
    if kind.startswith(("float_", "int_")):
        return f"{field} = {value!r} is not a number"
    if kind == "string_too_short":
        return f"{field} = {value!r} must not be empty"
    if kind.startswith("string_"):
        return f"{field} = {value!r} is not text"
    if kind == "value_error":
        return f"{field} = {value!r} {error['ctx']['error']}"
    return f"{field} = {value!r}: {error['msg']}"
