"""Chronic conditions of the heart and circulation: hypertension, heart failure."""

from __future__ import annotations

import numpy as np

from medtwin.patients.conditions.base import ConditionKind, register
from medtwin.physiology.layout import span
from medtwin.physiology.parameters import P

HYPERTENSION_MAP_RISE_MMHG = 35.0
"""Rise of the baroreflex and renal set points at severity 1. With the resistance rise
below, severity 1 rests at about 155/110 mmHg (ESC/ESH grade 2: 160-179/100-109) and 0.5
at about 140/95 (grade 1: 140-159/90-99; Williams B et al., 2018 ESC/ESH Guidelines for
the management of arterial hypertension, Eur Heart J 2018;39:3021-3104, Table 3)."""


def _reset_pressure_control(values: np.ndarray, severity: float) -> None:
    # In established essential hypertension both the baroreflex and the renal
    # pressure-natriuresis curve operate at the higher pressure (Guyton & Hall,
    # Textbook of Medical Physiology, 11th ed., 2006, ch. 19: the renal function curve
    # is shifted to higher pressures; the baroreceptors reset within days, ch. 18).
    values[P.P_N] += HYPERTENSION_MAP_RISE_MMHG * severity
    values[P.URINE_PRESSURE_THRESHOLD] += HYPERTENSION_MAP_RISE_MMHG * severity


HYPERTENSION_RESISTANCE_RISE = 0.4
"""Rise of the systemic arteriolar resistances at severity 1: in established essential
hypertension total peripheral resistance is raised by 40-60 % with a normal cardiac
output (Guyton & Hall 2006, ch. 19, "Primary (essential) hypertension")."""


def _raise_resistance(values: np.ndarray, severity: float) -> None:
    values[span(P, "R")] *= 1.0 + HYPERTENSION_RESISTANCE_RISE * severity


HYPERTENSION = register(
    ConditionKind(
        name="hypertension",
        description="essential hypertension: pressure control reset to a higher pressure",
        severity_scale="0 normotensive; 0.5 about 140/95 mmHg (grade 1); 1 about 155/110 (grade 2)",
        sources=(
            "Williams B, Mancia G, Spiering W, et al. 2018 ESC/ESH Guidelines for the "
            "management of arterial hypertension. Eur Heart J 2018;39:3021-3104",
            "Guyton AC, Hall JE. Textbook of Medical Physiology, 11th ed. Elsevier "
            "Saunders, 2006 (chapters 18-19)",
        ),
        on_constants=_reset_pressure_control,
        on_patient=_raise_resistance,
    )
)

HEART_FAILURE_CONTRACTILITY_LOSS = 0.6
"""Fraction of left-ventricular end-systolic elastance lost at severity 1. Patients with
dilated cardiomyopathy and an ejection fraction near 0.2 have an end-systolic elastance
of about a third to a half of normal (Burkhoff D, Mirsky I, Suga H. Assessment of
systolic and diastolic ventricular properties via pressure-volume analysis. Am J
Physiol Heart Circ Physiol 2005;289:H501-H512)."""


def _weaken_left_ventricle(values: np.ndarray, severity: float) -> None:
    values[P.EMAX_LV] *= 1.0 - HEART_FAILURE_CONTRACTILITY_LOSS * severity


HEART_FAILURE = register(
    ConditionKind(
        name="heart_failure",
        description="chronic heart failure with reduced ejection fraction (HFrEF)",
        severity_scale="0 normal heart; 1 severe systolic failure, ejection fraction about 0.3",
        sources=(
            "McDonagh TA, Metra M, Adamo M, et al. 2021 ESC Guidelines for the diagnosis "
            "and treatment of acute and chronic heart failure. Eur Heart J "
            "2021;42:3599-3726 (HFrEF: LVEF <= 40 %)",
            "Burkhoff D, Mirsky I, Suga H. Assessment of systolic and diastolic ventricular "
            "properties via pressure-volume analysis. Am J Physiol Heart Circ Physiol "
            "2005;289:H501-H512",
        ),
        on_constants=_weaken_left_ventricle,
    )
)
