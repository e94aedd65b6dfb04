"""Chronic conditions of the blood and kidneys: anaemia, chronic kidney disease."""

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

CKD_RENAL_CURVE_SHIFT_MMHG = 20.0
"""Shift of the renal pressure-natriuresis curve to higher pressures at severity 1: the
kidney with fewer nephrons needs a higher arterial pressure to excrete the daily intake
(Guyton & Hall 2006, ch. 19, the renal function curve in reduced renal mass)."""


def _shift_renal_curve(values: np.ndarray, severity: float) -> None:
    values[P.URINE_PRESSURE_THRESHOLD] += CKD_RENAL_CURVE_SHIFT_MMHG * severity


CHRONIC_KIDNEY_DISEASE = register(
    ConditionKind(
        name="chronic_kidney_disease",
        description="chronic kidney disease: pressure natriuresis needs a higher pressure",
        severity_scale="0 normal kidneys; 1 advanced CKD (KDIGO G4-G5)",
        sources=(
            "Kidney Disease: Improving Global Outcomes (KDIGO) CKD Work Group. KDIGO 2012 "
            "Clinical Practice Guideline for the Evaluation and Management of Chronic "
            "Kidney Disease. Kidney Int Suppl 2013;3:1-150",
            "Guyton AC, Hall JE. Textbook of Medical Physiology, 11th ed. Elsevier "
            "Saunders, 2006 (chapter 19)",
        ),
        on_constants=_shift_renal_curve,
    )
)
