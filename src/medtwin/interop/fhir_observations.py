"""FHIR R4 Observations as live measurements: what the MQTT feed and the service read.

A live Observation is validated with the fhir.resources R4B model and read by the
record's rules (`fhir_vitals`: the LOINC codes of `data/loinc_vitals.csv`, UCUM units
converted, the effective time). Only Observations whose status says they hold a result
are assimilated: `preliminary`, `final`, `amended` and `corrected` of the FHIR R4
ObservationStatus value set (hl7.org/fhir/R4/valueset-observation-status.html);
`registered` has no result yet, and `cancelled`, `entered-in-error` and `unknown` must
not be taken as measured.

- `json_object` decodes a JSON payload (NaN and Infinity are not JSON numbers).
- `measurements_from_observation` reads one Observation; anything it cannot assimilate
  is an `InteropError` naming the resource, the field, the value and what is allowed.
- `read_observations` reads what the service's POST receives: one Observation, or a
  Bundle of them. In a Bundle, an Observation of a code or status that is not read
  live is listed as ignored, with the reason; a resource that is not a valid
  Observation refuses the whole body. A twin built from a record takes only its own
  patient's Observations (`subject`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from medtwin.interop.fhir_bundle import Entry, load_bundle
from medtwin.interop.fhir_resources import codings
from medtwin.interop.fhir_vitals import LOINC_RULES, LOINC_SYSTEM, known_code, observed_values
from medtwin.interop.measurement import SIGNAL_NAMES, InteropError, Measurement

RESULT_STATUSES = ("preliminary", "final", "amended", "corrected")
"""Statuses of an Observation that holds a measured result (module docstring)."""
LIVE_CODES = tuple(
    code
    for code, rule in LOINC_RULES.items()
    if rule.target in SIGNAL_NAMES or rule.target == "panel"
)
"""LOINC codes read live: the vital signs of signals.csv and the blood-pressure panels."""


def json_object(payload: bytes, source: str) -> Mapping[str, Any]:
    """The JSON object of `payload`; `InteropError` naming `source` if it is not UTF-8,
    not JSON (NaN and Infinity included), or not an object."""
    try:
        document = json.loads(payload.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as error:
        raise InteropError(f"{source}: payload is not UTF-8 (byte {error.start})") from None
    except (json.JSONDecodeError, RecursionError) as error:
        raise InteropError(f"{source}: payload is not JSON: {error}") from None
    except InteropError as error:  # NaN or Infinity
        raise InteropError(f"{source}: {error}") from None
    if not isinstance(document, Mapping):
        raise InteropError(f"{source}: payload is a JSON {type(document).__name__}, not an object")
    return document


def _refuse_constant(name: str) -> float:
    raise InteropError(f"{name} is not a JSON number; send null for an unavailable value")


def measurements_from_observation(resource: Mapping[str, Any], source: str) -> list[Measurement]:
    """The measurements of one Observation (a blood-pressure panel gives one per known
    component); `InteropError` starting with `source` if it cannot be assimilated."""
    entry = _observation_entry(resource, source, 0)
    try:
        return _measurements(entry, source)
    except InteropError as error:
        raise InteropError(f"{source}: {error}") from None


@dataclass(frozen=True)
class IgnoredObservation:
    """An Observation of a Bundle that is not assimilated, and why."""

    resource: str
    reason: str


@dataclass(frozen=True)
class ObservationBatch:
    """What one body held: the measurements to assimilate and what was ignored."""

    measurements: tuple[Measurement, ...]
    ignored: tuple[IgnoredObservation, ...]


def read_observations(
    document: Mapping[str, Any], source: str, patient: str | None = None
) -> ObservationBatch:
    """The measurements of an Observation or a Bundle of Observations (module
    docstring); with `patient` (`Patient/<id>`), an Observation about anyone else is
    refused. `InteropError` starting with `source` when nothing can be assimilated."""
    kind = document.get("resourceType")
    if kind == "Observation":
        entries = [_observation_entry(document, source, 0)]
    elif kind == "Bundle":
        entries = [
            _observation_entry(e.resource, source, e.position, e) for e in _bundle(document, source)
        ]
    else:
        raise InteropError(
            f"{source}: resourceType {kind!r} is not accepted; send an Observation or a "
            "Bundle of Observations"
        )
    measurements: list[Measurement] = []
    ignored: list[IgnoredObservation] = []
    for entry in entries:
        _check_subject(entry, patient, source)
        try:
            measurements.extend(_measurements(entry, source))
        except _NotLiveError as error:
            if kind == "Observation":
                raise InteropError(f"{source}: {error}") from None
            ignored.append(IgnoredObservation(entry.label, str(error)))
        except InteropError as error:
            raise InteropError(f"{source}: {error}") from None
    if not measurements:
        reasons = "; ".join(f"{i.reason}" for i in ignored[:3]) or "the Bundle has no entries"
        raise InteropError(f"{source}: no Observation to assimilate: {reasons}")
    return ObservationBatch(tuple(measurements), tuple(ignored))


class _NotLiveError(InteropError):
    """A valid Observation that is not read live (its code or status)."""


def _bundle(document: Mapping[str, Any], source: str) -> list[Entry]:
    try:
        return load_bundle(document, label="Bundle")
    except InteropError as error:
        raise InteropError(f"{source}: {error}") from None


def _observation_entry(
    resource: Mapping[str, Any], source: str, position: int, entry: Entry | None = None
) -> Entry:
    kind = resource.get("resourceType")
    if kind != "Observation":
        where = f"Bundle.entry[{position}].resource" if entry else "resource"
        raise InteropError(f"{source}: {where}: resourceType {kind!r}; only Observation is read")
    return entry or Entry(resource, None, "the payload", position)


def _measurements(entry: Entry, source: str) -> list[Measurement]:
    values = observed_values(entry)  # validates the resource first
    resource = entry.resource
    status = resource.get("status")
    if status not in RESULT_STATUSES:
        raise _NotLiveError(
            f"{entry.label}: status {status!r} holds no measured result; allowed: "
            f"{', '.join(RESULT_STATUSES)}"
        )
    code = known_code(resource.get("code"))
    if code is None:
        given = ", ".join(f"{s}|{c}" for s, c, _ in codings(resource.get("code"))) or "none"
        raise _NotLiveError(
            f"{entry.label}: code.coding ({given}) has no code of loinc_vitals.csv "
            f"({LOINC_SYSTEM}) read live; allowed: {', '.join(LIVE_CODES)}"
        )
    found = [v for v in values if v.target in SIGNAL_NAMES]
    if not values:
        raise _NotLiveError(
            f"{entry.label} ({code}): no valueQuantity.value (nor a component's) to assimilate"
        )
    if not found:
        raise _NotLiveError(f"{entry.label} ({code}, {values[0].target}) is not a live signal")
    for value in found:
        if not math.isfinite(value.value):
            raise InteropError(
                f"{entry.label} ({value.loinc}): value {value.value!r} is not finite"
            )
    return [Measurement(v.target, v.value, v.time, f"{source} {v.resource}") for v in found]


def _check_subject(entry: Entry, patient: str | None, source: str) -> None:
    """Refuse an Observation whose `subject` names another patient than `patient`."""
    subject = entry.resource.get("subject")
    literal = patient is not None and patient.startswith("Patient/") and " " not in patient
    if not literal or not isinstance(subject, Mapping):
        return
    reference = subject.get("reference")
    if not isinstance(reference, str):
        return
    wanted = patient.removeprefix("Patient/")
    given = reference.removeprefix("urn:uuid:").rstrip("/").rsplit("/", 1)[-1]
    if given != wanted or ("/" in reference and "Patient/" not in reference):
        raise InteropError(
            f"{source}: {entry.label}: subject.reference {reference!r} is not this twin's "
            f"patient; allowed: {patient} (or urn:uuid:{wanted})"
        )
