"""medtwin: healthcare digital twins built on published physiology.

The front door is `Twin`: a virtual patient at rest that advances far faster than real
time (`advance`, `vitals`, `history`, `waveforms`, `snapshot`/`restore`, `fork`).
"""

from medtwin.patients import Patient, PatientError, generate_population, load_patient
from medtwin.twin import Snapshot, Twin

__all__ = ["Patient", "PatientError", "Snapshot", "Twin", "generate_population", "load_patient"]
