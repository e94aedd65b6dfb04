"""The twin file: one patient's twin, built from their record, as a JSON document.

    {"format": "medtwin-twin", "version": 1,
     "patient": {...},          # a Patient: demographics, fitted overrides, conditions
     "record": {...},           # the Patient resource, bundles, date, resource counts
     "conditions": [...],       # every medtwin condition the record gave, with evidence;
                                # `modelled: false` ones are not yet in the engine
     "medications": [...],      # active medications, with drug-library classes
     "fit": {...},              # free parameters and the fit per signal, with provenance
     "ignored": [...]}          # codes no rule knows, with counts

`patient` is what `load_patient("twin.json")` reads (so `Twin("twin.json")` and
`medtwin simulate --patient twin.json` work); the rest says where it came from.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from medtwin.assimilation.calibration import Calibration
from medtwin.interop.measurement import InteropError
from medtwin.interop.record import PatientRecord
from medtwin.patients import Patient, load_patient

FORMAT = "medtwin-twin"
VERSION = 1


@dataclass(frozen=True)
class TwinFile:
    """A twin file's content: the patient to simulate and the document it came in."""

    patient: Patient
    document: dict[str, Any]

    @property
    def fit(self) -> dict[str, Any]:
        return self.document.get("fit", {})


def twin_document(record: PatientRecord, calibration: Calibration) -> dict[str, Any]:
    """The twin file's JSON document for a record and its calibration."""
    record_data = record.to_dict()
    return {
        "format": FORMAT,
        "version": VERSION,
        "patient": calibration.patient.model_dump(mode="json"),
        "record": {
            "patient_resource": record.patient_resource,
            "bundles": list(record.bundles),
            "as_of": record.as_of.isoformat(),
            "birth_date": record.birth_date.isoformat(),
            "height": record_data["height"],
            "weight": record_data["weight"],
            "resource_counts": record.resource_counts,
            "unresolved_references": record.unresolved_references,
        },
        "conditions": [asdict(c) for c in record.conditions],
        "medications": [asdict(m) for m in record.medications],
        "fit": calibration.to_dict(),
        "ignored": [asdict(i) for i in record.ignored],
    }


def patient_document(patient: Patient) -> dict[str, Any]:
    """The document of a twin of a patient without a record (a library patient, or
    demographics alone): no record, no fit."""
    return {"format": FORMAT, "version": VERSION, "patient": patient.model_dump(mode="json"),
            "record": None, "conditions": [], "medications": [], "fit": None,
            "ignored": []}  # fmt: skip


def write_twin_file(path: str | os.PathLike, document: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")


def read_twin_file(path: str | os.PathLike) -> TwinFile:
    """A twin file; `InteropError` naming the file if it is not one of this format."""
    patient = load_patient(Path(path))  # reports unreadable files and bad patients
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise InteropError(
            f"{path}: format {document.get('format')!r} version {document.get('version')!r} "
            f"is not a twin file ({FORMAT!r} version {VERSION})"
        )
    return TwinFile(patient, document)
