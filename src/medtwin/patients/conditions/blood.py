"""Chronic conditions of the blood: anaemia."""

from __future__ import annotations

import numpy as np

from medtwin.patients.conditions.base import ConditionKind, register
from medtwin.physiology.parameters import P

ANAEMIA_HB_LOSS = 0.5
"""Fraction of the patient's haemoglobin lost at severity 1: from about 15 g/dL to 7.5,
severe anaemia by WHO's thresholds (< 8 g/dL; World Health Organization. Haemoglobin
concentrations for the diagnosis of anaemia and assessment of severity.
WHO/NMH/NHD/MNM/11.1, 2011)."""


def _lower_haemoglobin(values: np.ndarray, severity: float) -> None:
    values[P.HB] *= 1.0 - ANAEMIA_HB_LOSS * severity


ANAEMIA = register(
    ConditionKind(
        name="anaemia",
        description="chronic anaemia: less haemoglobin (and red cell volume)",
        severity_scale="0 normal haemoglobin; 1 half of it (severe: < 8 g/dL)",
        sources=(
            "World Health Organization. Haemoglobin concentrations for the diagnosis of "
            "anaemia and assessment of severity. WHO/NMH/NHD/MNM/11.1, Geneva, 2011",
        ),
        on_patient=_lower_haemoglobin,
    )
)
