"""Pydantic's validation errors as plain lines: the field, the value given, what is
allowed. Patients and actions both refuse bad input in these words, never with a
pydantic traceback."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def problem_line(
    error: Any, known: Iterable[str], allowed: str | None = None, noun: str = "field"
) -> str:
    """One line for one pydantic error.

    `known` are the model's field names (listed when an unknown one is given),
    `allowed` describes the field's allowed values where the caller knows them (a range,
    a list), and `noun` is what the user calls a field ("field", or "key" in a file).
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
