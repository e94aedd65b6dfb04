"""Validating FHIR R4 resources with the `fhir.resources` R4B models, and FHIR times.

R4 data is read with the R4B (4.3.0) models: there is no plain R4 package, and the R5
default models refuse R4 content (shared INTEROP.md, section 1). A resource that does
not validate gets an `InteropError` naming it (`Observation/abc`) and its first
problem, instead of pydantic's report.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from pydantic import ValidationError

from medtwin.interop.fhir_bundle import Entry
from medtwin.interop.measurement import InteropError


@cache
def _model(resource_type: str) -> Any:
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    return getattr(module, resource_type)


MAX_NESTING = 32
"""Levels of JSON objects and lists a resource may nest. Real resources nest about ten
(an Observation's component, its code, its coding; an extension within an extension);
the models validate nested elements recursively, so a resource nested some hundreds
deep would exhaust Python's stack instead of being refused (medtwin's bound)."""


def nesting_depth(value: Any) -> int:
    """How many levels of objects and lists `value` nests (0 for a scalar)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping | list):
            deepest = max(deepest, depth + 1)
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def validated(entry: Entry) -> Any:
    """The entry's resource as its R4B model; `InteropError` naming it if it is invalid."""
    depth = nesting_depth(entry.resource)
    if depth > MAX_NESTING:
        raise InteropError(
            f"{entry.label}: not a valid FHIR R4 {entry.type}: nested {depth} levels deep; "
            f"allowed: at most {MAX_NESTING}"
        )
    try:
        return _model(entry.type).model_validate(dict(entry.resource))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "resource"
        value = first.get("input")
        given = f" (got {value!r:.80})" if isinstance(value, str | int | float | bool) else ""
        raise InteropError(
            f"{entry.label}: not a valid FHIR R4 {entry.type}: {where}{given}: {first['msg']}"
        ) from None


def as_utc(value: date | datetime, where: str) -> datetime:
    """A FHIR date or dateTime as an aware UTC datetime (a bare date is its midnight UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InteropError(f"{where}: time {value.isoformat()} has no time zone")
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def codings(concept: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    """(system, code, display) of each coding of a CodeableConcept, display falling back
    to the concept's text."""
    if not concept:
        return []
    text = str(concept.get("text", ""))
    return [
        (str(c.get("system", "")), str(c.get("code", "")), str(c.get("display") or text))
        for c in concept.get("coding", []) or []
        if isinstance(c, Mapping)
    ]
