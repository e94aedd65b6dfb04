"""medtwin: healthcare digital twins built on published physiology.

The front door is `Twin`: a virtual patient at rest that advances far faster than real
time (`advance`, `vitals`, `history`, `waveforms`, `snapshot`/`restore`, `fork`).

The names below are imported on first use, so that importing one part of medtwin (the
engine's compile helper process imports only `medtwin.physiology`) does not load all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from medtwin.patients import Patient, PatientError, generate_population, load_patient
    from medtwin.twin import Snapshot, Twin

_HOME = {
    "Patient": "medtwin.patients",
    "PatientError": "medtwin.patients",
    "generate_population": "medtwin.patients",
    "load_patient": "medtwin.patients",
    "Snapshot": "medtwin.twin",
    "Twin": "medtwin.twin",
}
__all__ = ["Patient", "PatientError", "Snapshot", "Twin", "generate_population", "load_patient"]


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'medtwin' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})
