"""medtwin: healthcare digital twins built on published physiology.

The front door is `Twin`: a virtual patient at rest that advances far faster than real
time (`advance`, `vitals`, `history`, `waveforms`, `snapshot`/`restore`, `fork`).

The names below are imported on first use, so that importing one part of medtwin (the
engine's compile helper process imports only `medtwin.physiology`) does not load all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from medtwin.lazy import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, globals(), _HOME)
