"""The twin's vitals and forecasts as FHIR R4 vital-signs Observations.

Each Observation follows the FHIR R4 vital-signs profiles (http://hl7.org/fhir/R4/
observation-vitalsigns.html; rules in shared INTEROP.md section 4): status, the
`vital-signs` category, the profile's LOINC code, a Patient subject, a dateTime at
least to the day (vs-1), a UCUM valueQuantity (system http://unitsofmeasure.org), and
blood pressure as a 85354-9 panel with systolic and diastolic components. `derivedFrom`
points at the inputs the twin's value came from (the record's Observations, or the
monitor data assimilated). A forecast is `status: preliminary` with a future time.
`check_vital_signs` applies the profile rules, so a writer's output is checked, not hoped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from fhir.resources.R4B.observation import Observation

from medtwin.interop.measurement import InteropError
from medtwin.signals import signal as signal_info

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = {
    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
    "code": "vital-signs",
    "display": "Vital Signs",
}
PROFILE_BASE = "http://hl7.org/fhir/StructureDefinition/"
VITALS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    # signal -> (profile, codings (LOINC code, display)); units from signals.csv
    "heart_rate": ("heartrate", (("8867-4", "Heart rate"),)),
    "respiratory_rate": ("resprate", (("9279-1", "Respiratory rate"),)),
    "spo2": (
        "oxygensat",
        (
            ("2708-6", "Oxygen saturation in Arterial blood"),
            ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"),
        ),
    ),
    "core_temperature": ("bodytemp", (("8310-5", "Body temperature"),)),
    "mean_arterial_pressure": ("vitalsigns", (("8478-0", "Mean blood pressure"),)),
}
BP_PANEL = ("85354-9", "Blood pressure panel with all children optional")
BP_PARTS = (
    ("systolic_bp", "8480-6", "Systolic blood pressure"),
    ("diastolic_bp", "8462-4", "Diastolic blood pressure"),
)


def vital_observations(
    values: Mapping[str, float],
    when: datetime,
    subject: str,
    derived_from: Sequence[str],
    *,
    status: str = "final",
    id_prefix: str = "twin",
) -> list[dict[str, Any]]:
    """Vital-signs Observations (JSON dicts) of the signals in `values` that have a
    vital-signs profile; blood pressure as one panel if both pressures are given."""
    if when.tzinfo is None:
        raise InteropError(f"time {when.isoformat()} has no time zone")
    common = {
        "resourceType": "Observation",
        "status": status,
        "category": [{"coding": [CATEGORY]}],
        "subject": {"reference": subject},
        "effectiveDateTime": when.isoformat(),
        "derivedFrom": [{"reference": r} for r in derived_from],
    }
    observations = []
    for name, (profile, codes) in VITALS.items():
        if name in values:
            observations.append(
                {
                    **common,
                    "id": f"{id_prefix}-{name.replace('_', '-')}",
                    "meta": {"profile": [PROFILE_BASE + profile]},
                    "code": {
                        "coding": [{"system": LOINC, "code": c, "display": d} for c, d in codes]
                    },
                    "valueQuantity": _quantity(name, values[name]),
                }
            )
    if all(part in values for part, _, _ in BP_PARTS):
        observations.append(
            {
                **common,
                "id": f"{id_prefix}-blood-pressure",
                "meta": {"profile": [PROFILE_BASE + "bp"]},
                "code": {
                    "coding": [{"system": LOINC, "code": BP_PANEL[0], "display": BP_PANEL[1]}]
                },
                "component": [
                    {
                        "code": {"coding": [{"system": LOINC, "code": c, "display": d}]},
                        "valueQuantity": _quantity(part, values[part]),
                    }
                    for part, c, d in BP_PARTS
                ],
            }
        )
    for observation in observations:
        Observation.model_validate(observation)
        problems = check_vital_signs(observation)
        if problems:
            raise InteropError(f"Observation/{observation['id']}: " + "; ".join(problems))
    return observations


def _quantity(name: str, value: float) -> dict[str, Any]:
    info = signal_info(name)
    return {"value": round(float(value), 2), "unit": info.unit, "system": UCUM, "code": info.ucum}


def check_vital_signs(observation: Mapping[str, Any]) -> list[str]:
    """The FHIR R4 vital-signs profile rules this Observation breaks (none: empty list)."""
    problems = []
    if not observation.get("status"):
        problems.append("status is required")
    categories = [c for cat in observation.get("category", []) for c in cat.get("coding", [])]
    if not any(
        c.get("code") == "vital-signs" and c.get("system") == CATEGORY["system"] for c in categories
    ):
        problems.append("category must include vital-signs")
    if not str(observation.get("subject", {}).get("reference", "")).startswith(
        ("Patient/", "urn:uuid:")
    ):
        problems.append("subject must reference a Patient")
    effective = observation.get("effectiveDateTime", "")
    if len(effective) < 10:
        problems.append("vs-1: effectiveDateTime must be at least a day")
    if (
        "component" not in observation
        and "hasMember" not in observation
        and "valueQuantity" not in observation
    ):
        problems.append("vs-2: a value or dataAbsentReason is required")
    quantities = [observation.get("valueQuantity")] + [
        c.get("valueQuantity") for c in observation.get("component", [])
    ]
    for quantity in filter(None, quantities):
        if (
            quantity.get("system") != UCUM
            or not quantity.get("code")
            or quantity.get("value") is None
        ):
            problems.append("valueQuantity needs value, UCUM system and code")
    return problems
