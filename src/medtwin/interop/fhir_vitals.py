"""Vital-sign and laboratory Observations by LOINC code, converted to medtwin's units.

The table `data/loinc_vitals.csv` maps each LOINC code to a signal of signals.csv (or to
`height_cm`, `weight_kg`, `bmi`; `panel` for blood-pressure panels, whose components
carry the values), with the UCUM unit the value is converted to and the source of the
mapping. When an Observation has several known codes, the first in the table wins
(59408-5 pulse oximetry before 2708-6 arterial saturation).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from typing import Any

from medtwin.interop.fhir_bundle import Entry
from medtwin.interop.fhir_resources import as_utc, codings, validated
from medtwin.interop.measurement import SIGNAL_NAMES, InteropError
from medtwin.interop.units import convert

LOINC_SYSTEM = "http://loinc.org"
DEMOGRAPHIC_TARGETS = ("height_cm", "weight_kg", "bmi", "panel")


@dataclass(frozen=True)
class LoincRule:
    loinc: str
    target: str
    ucum: str
    source: str


def _read_rules() -> dict[str, LoincRule]:
    text = files("medtwin.interop").joinpath("data", "loinc_vitals.csv").read_text("utf-8")
    rules = {}
    for row in csv.DictReader(text.splitlines()):
        rule = LoincRule(**row)
        if rule.target not in SIGNAL_NAMES and rule.target not in DEMOGRAPHIC_TARGETS:
            raise ValueError(f"loinc_vitals.csv: {rule.target!r} is not a signal of signals.csv")
        rules[rule.loinc] = rule
    return rules


LOINC_RULES: dict[str, LoincRule] = _read_rules()
_PRIORITY = {code: rank for rank, code in enumerate(LOINC_RULES)}


@dataclass(frozen=True)
class ObservedValue:
    """One value read from an Observation: target (signal or demographic), value in the
    rule's unit, time, and the resource it came from."""

    target: str
    value: float
    time: datetime
    resource: str
    loinc: str


def known_code(concept: Mapping[str, Any] | None) -> str | None:
    """The highest-priority LOINC code of the table among a concept's codings."""
    found = [
        code
        for system, code, _ in codings(concept)
        if system == LOINC_SYSTEM and code in LOINC_RULES
    ]
    return min(found, key=_PRIORITY.__getitem__) if found else None


def observed_values(entry: Entry) -> list[ObservedValue]:
    """The values of one Observation whose code is in the table (a panel gives one per
    known component); `InteropError` naming the resource for a unit that will not convert
    or a missing time. An Observation without a value (dataAbsentReason) gives none."""
    model = validated(entry)
    resource = entry.resource
    code = known_code(resource.get("code"))
    if code is None:
        return []
    time = _effective_time(model, entry.label)
    if LOINC_RULES[code].target == "panel":
        values = []
        for index, component in enumerate(resource.get("component", []) or []):
            part = known_code(component.get("code"))
            if part is not None and LOINC_RULES[part].target != "panel":
                where = f"{entry.label} component[{index}] ({part})"
                value = _quantity(component.get("valueQuantity"), LOINC_RULES[part], where)
                if value is not None:
                    values.append(
                        ObservedValue(LOINC_RULES[part].target, value, time, entry.label, part)
                    )
        return values
    value = _quantity(resource.get("valueQuantity"), LOINC_RULES[code], f"{entry.label} ({code})")
    return (
        []
        if value is None
        else [ObservedValue(LOINC_RULES[code].target, value, time, entry.label, code)]
    )


def _effective_time(resource: Any, label: str) -> datetime:
    when = resource.effectiveDateTime or (
        resource.effectivePeriod and resource.effectivePeriod.start
    )
    when = when or resource.effectiveInstant or resource.issued
    if when is None:
        raise InteropError(f"{label}: no effectiveDateTime, effectivePeriod or issued time")
    return as_utc(when, label)


def _quantity(quantity: Mapping[str, Any] | None, rule: LoincRule, where: str) -> float | None:
    if not quantity or quantity.get("value") is None:
        return None
    unit = quantity.get("code") or quantity.get("unit")
    if not unit:
        raise InteropError(f"{where}: valueQuantity has no unit; expected {rule.ucum!r}")
    return convert(float(quantity["value"]), str(unit), rule.ucum, where)
