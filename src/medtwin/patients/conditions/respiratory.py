"""Chronic conditions of the lungs: COPD and asthma (between attacks)."""

from __future__ import annotations

import numpy as np

from medtwin.patients.conditions.base import ConditionKind, register
from medtwin.physiology.parameters import P

COPD_RESISTANCE_RISE = 4.0
"""Airway resistance at severity 1 is 1 + 4 = 5 times normal: in severe COPD (GOLD 3-4)
inspiratory resistance is 10-20 cmH2O/L/s against 1.5 normally (Tantucci C et al.
Methods for measuring lung volumes and resistance, and their change in COPD; and West
JB, Pulmonary Pathophysiology: The Essentials, 8th ed., 2013, ch. 4); a factor of 5
keeps the model's quiet breathing inside its valid range."""
COPD_COMPLIANCE_RISE = 0.5
"""Emphysema raises static lung compliance (loss of elastic recoil; West 2013, ch. 4:
compliance rises by half or more in severe emphysema)."""
COPD_SHUNT_ADDED = 0.15
"""Venous admixture added at severity 1, standing in for the low-V/Q units that lower
resting PaO2 in severe COPD to about 60-75 mmHg (West 2013, ch. 4 and 5); the model
rests at about 71 mmHg at severity 1."""
COPD_DEAD_SPACE_RISE = 0.5
"""Physiological dead space of severe COPD is about 1.5 times normal (West 2013, ch. 5)."""


def _obstruct_and_destroy(values: np.ndarray, severity: float) -> None:
    values[P.R_AW] *= 1.0 + COPD_RESISTANCE_RISE * severity
    values[P.C_LUNG] *= 1.0 + COPD_COMPLIANCE_RISE * severity
    values[P.SHUNT] += COPD_SHUNT_ADDED * severity
    values[P.DEAD_SPACE_PER_KG_IBW] *= 1.0 + COPD_DEAD_SPACE_RISE * severity


COPD = register(
    ConditionKind(
        name="copd",
        description="chronic obstructive pulmonary disease: obstruction, emphysema, V/Q mismatch",
        severity_scale="0 normal lungs; 1 severe COPD (GOLD 3-4, FEV1 < 50 % predicted)",
        sources=(
            "Global Initiative for Chronic Obstructive Lung Disease (GOLD). Global Strategy "
            "for the Diagnosis, Management and Prevention of COPD, 2023 report",
            "West JB. Pulmonary Pathophysiology: The Essentials, 8th ed. Lippincott "
            "Williams & Wilkins, 2013",
        ),
        on_constants=_obstruct_and_destroy,
    )
)

ASTHMA_RESISTANCE_RISE = 1.0
"""Between attacks, airway resistance of poorly controlled asthma is up to about twice
normal (GINA 2023; West 2013, ch. 4); attacks are the bronchospasm insult."""


def _narrow_airways(values: np.ndarray, severity: float) -> None:
    values[P.R_AW] *= 1.0 + ASTHMA_RESISTANCE_RISE * severity


ASTHMA = register(
    ConditionKind(
        name="asthma",
        description="chronic asthma between attacks: narrowed airways",
        severity_scale="0 well controlled; 1 poorly controlled, resistance about twice normal",
        sources=(
            "Global Initiative for Asthma (GINA). Global Strategy for Asthma Management and "
            "Prevention, 2023",
            "West JB. Pulmonary Pathophysiology: The Essentials, 8th ed. Lippincott "
            "Williams & Wilkins, 2013",
        ),
        on_constants=_narrow_airways,
    )
)
