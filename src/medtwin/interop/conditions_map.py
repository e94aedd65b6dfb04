"""SNOMED CT Conditions of a record -> medtwin's chronic conditions, by documented rules.

The rules, with their sources, are data: `data/snomed_conditions.yaml`. A condition
counts when its clinicalStatus is active, recurrence or relapse and it has not abated
by the record's date. Several rules for one condition keep the highest severity.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml

SNOMED_SYSTEM = "http://snomed.info/sct"
ACTIVE_STATUSES = ("active", "recurrence", "relapse")
WHO_BMI_CLASSES = ((40.0, 1.0), (35.0, 2.0 / 3.0), (30.0, 1.0 / 3.0))
"""Lower BMI bound (kg/m2) of WHO obesity classes III, II, I and their severities
(WHO Technical Report Series 894, 2000)."""
HEMOGLOBIN_LOSS_AT_SEVERITY_1 = 0.5
"""The anaemia condition's scale: severity 1 is half the normal haemoglobin."""


@dataclass(frozen=True)
class ConditionRule:
    condition: str
    codes: dict[str, str]
    severity: float
    why: str
    severity_from: str | None = None


def _read_rules() -> dict[str, ConditionRule]:
    text = files("medtwin.interop").joinpath("data", "snomed_conditions.yaml").read_text("utf-8")
    by_code = {}
    for raw in yaml.safe_load(text)["rules"]:
        rule = ConditionRule(**raw)
        for code in rule.codes:
            if code in by_code:
                raise ValueError(f"snomed_conditions.yaml: code {code} has two rules")
            by_code[code] = rule
    return by_code


CONDITION_RULES: dict[str, ConditionRule] = _read_rules()


def severity_for(rule: ConditionRule, measured: dict[str, Any]) -> tuple[float, str]:
    """The rule's severity for this record and how it was found.

    `measured` holds the record's latest `hemoglobin` (g/dL), `normal_hemoglobin` and
    `bmi` (kg/m2) where known. A severity of 0 means the measurements show the condition
    is not present now (for example a BMI below 30).
    """
    if rule.severity_from == "hemoglobin" and measured.get("hemoglobin") is not None:
        normal, measured_hb = measured["normal_hemoglobin"], measured["hemoglobin"]
        loss = (normal - measured_hb) / (HEMOGLOBIN_LOSS_AT_SEVERITY_1 * normal)
        severity = min(max(loss, 0.0), 1.0)
        return severity, f"haemoglobin {measured_hb:.1f} g/dL against a normal {normal:g}"
    if rule.severity_from == "bmi_class" and measured.get("bmi") is not None:
        bmi = measured["bmi"]
        severity = next((s for low, s in WHO_BMI_CLASSES if bmi >= low), 0.0)
        return severity, f"BMI {bmi:.1f} kg/m2 (WHO class)"
    return rule.severity, "default of the rule"
