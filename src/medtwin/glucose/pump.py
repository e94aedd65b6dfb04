"""The insulin pump: what it can deliver of what a controller asks for.

A pump delivers a basal rate programmed in steps of `basal_increment_U_per_h` and
boluses in steps of `bolus_increment_U`, up to its maxima. The "cozmo" and "insulet"
figures are those tabulated for the Deltec Cozmo and Insulet OmniPod pumps in
simglucose's params/pump_params.csv (J. Xie, MIT licence), read as U and U/h: 0.05 U
bolus and 0.05 U/h basal steps, at most 75 U (Cozmo) or 30 U (OmniPod) per bolus and
35 U/h or 30 U/h basal. The "ideal" pump delivers exactly what is asked.
A bolus is given within its minute (U in that minute = U/min over it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medtwin.glucose.parameters import GlucosePatientError

MIN_PER_H = 60.0


@dataclass(frozen=True)
class Pump:
    """A pump's dose resolution and limits (0 increment: continuous)."""

    name: str
    bolus_increment_U: float = 0.0
    basal_increment_U_per_h: float = 0.0
    max_bolus_U: float = np.inf
    max_basal_U_per_h: float = np.inf
    sources: tuple[str, ...] = ()
    """Bibliography keys of the figures above."""

    def deliver(
        self, basal_U_per_min: np.ndarray, bolus_U: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(basal U/min, bolus U) delivered this minute for the asked rates and boluses."""
        basal_U_per_h = _steps(np.asarray(basal_U_per_min) * MIN_PER_H,
                               self.basal_increment_U_per_h)  # fmt: skip
        bolus = _steps(np.asarray(bolus_U), self.bolus_increment_U)
        basal_U_per_h = np.clip(basal_U_per_h, 0.0, self.max_basal_U_per_h)
        return basal_U_per_h / MIN_PER_H, np.clip(bolus, 0.0, self.max_bolus_U)


def _steps(amount: np.ndarray, increment: float) -> np.ndarray:
    return amount if increment == 0.0 else np.round(amount / increment) * increment


PUMPS = {
    "ideal": Pump("ideal"),
    "cozmo": Pump("cozmo", 0.05, 0.05, 75.0, 35.0, ("xie2018simglucose",)),
    "insulet": Pump("insulet", 0.05, 0.05, 30.0, 30.0, ("xie2018simglucose",)),
}


def pump(name: str) -> Pump:
    """The pump called `name` (see `PUMPS`)."""
    if name not in PUMPS:
        raise GlucosePatientError(f"pump {name!r} is not known: allowed are {sorted(PUMPS)}")
    return PUMPS[name]
