"""NEWS2, the National Early Warning Score 2, from a twin's observations.

Royal College of Physicians. National Early Warning Score (NEWS) 2: Standardising the
assessment of acute-illness severity in the NHS. London: RCP, 2017 (Chart 1: the
scoring bands; Chart 2: the thresholds and triggers; Chart 3: the clinical response).
Each of seven observations scores 0-3; the sum, and a 3 in any single one, call for a
response of increasing urgency. SpO2 scale 2 is for patients with hypercapnic
respiratory failure whose prescribed target is 88-92 %.

The twin's observations are continuous: they are rounded as a chart records them
(whole breaths and beats, temperature to 0.1 °C). Consciousness is read from the
BIS-like consciousness index: below 90 the patient is not alert (ACVPU: new confusion,
voice, pain or unresponsive: 3 points); 90-100 is awake, and light sedation that still
answers to a normal voice starts about 80 (Johansen JW, Sebel PS. Anesthesiology
2000;93:1336-1344), which ACVPU calls V. An observation the monitor cannot make (no
pulse, no saturation: NaN) scores 3: it must be escalated, not ignored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

ROOM_AIR_FIO2 = 0.21
ALERT_CONSCIOUSNESS_INDEX = 90.0
"""At or above: alert (Johansen & Sebel 2000: 80-100 awake to light sedation)."""

Bands = tuple[tuple[float, int], ...]
"""(upper bound, score) in rising order; above the last bound, the last score applies."""
RESPIRATION: Bands = ((8, 3), (11, 1), (20, 0), (24, 2), (math.inf, 3))
SPO2_SCALE_1: Bands = ((91, 3), (93, 2), (95, 1), (math.inf, 0))
SYSTOLIC: Bands = ((90, 3), (100, 2), (110, 1), (219, 0), (math.inf, 3))
PULSE: Bands = ((40, 3), (50, 1), (90, 0), (110, 1), (130, 2), (math.inf, 3))
TEMPERATURE: Bands = ((35.0, 3), (36.0, 1), (38.0, 0), (39.0, 1), (math.inf, 2))
"""RCP 2017, Chart 1 (temperature in °C; respiration per minute; SpO2 in %; systolic
pressure in mmHg; pulse per minute)."""

RESPONSES = {
    "low": "Inform a registered nurse, who assesses the patient and decides the frequency "
    "of monitoring (at least every 4-6 hours; 12-hourly at a score of 0).",
    "low-medium": "A 3 in one parameter: the registered nurse informs the medical team, "
    "who decide whether to escalate care (observations at least hourly).",
    "medium": "Key threshold for an urgent response: the registered nurse informs the "
    "medical team at once; urgent assessment by a clinician competent in acute illness "
    "(observations at least hourly).",
    "high": "Emergency response: assessment at once by a team with critical-care "
    "competencies, usually transfer to a higher level of care (continuous monitoring).",
}
"""RCP 2017, Chart 3, the clinical response to each risk, in brief."""


@dataclass(frozen=True)
class News2:
    """A NEWS2 score, its parts, the clinical risk and the response it calls for."""

    score: int
    parts: Mapping[str, int]
    risk: str
    """low, low-medium, medium or high (RCP 2017, Chart 2)."""

    @property
    def response(self) -> str:
        return RESPONSES[self.risk]


def _band(value: float, bands: Bands) -> int:
    if math.isnan(value):
        return 3
    for upper, score in bands:
        if value <= upper:
            return score
    return bands[-1][1]


def _spo2_scale_2(spo2: float, on_oxygen: bool) -> int:
    """RCP 2017, Chart 1, SpO2 scale 2: 88-92 % scores 0, as does 93 % or more on air."""
    if math.isnan(spo2):
        return 3
    if spo2 <= 83:
        return 3
    if spo2 <= 85:
        return 2
    if spo2 <= 87:
        return 1
    if spo2 <= 92 or not on_oxygen:
        return 0
    return 1 if spo2 <= 94 else (2 if spo2 <= 96 else 3)


def news2(vitals: Mapping[str, float], scale: int = 1) -> News2:
    """The NEWS2 of one set of observations (the twin's `vitals()` names)."""
    if scale not in (1, 2):
        raise ValueError(f"scale = {scale!r} is not 1 or 2 (SpO2 scale 2: hypercapnic failure)")
    nan = math.nan
    on_oxygen = vitals.get("fio2", ROOM_AIR_FIO2) > ROOM_AIR_FIO2 + 0.005
    spo2 = round(vitals.get("spo2", nan)) if not math.isnan(vitals.get("spo2", nan)) else nan
    consciousness = vitals.get("consciousness_index", nan)
    parts = {
        "respiration_rate": _band(_whole(vitals.get("respiratory_rate", nan)), RESPIRATION),
        "spo2": _band(spo2, SPO2_SCALE_1) if scale == 1 else _spo2_scale_2(spo2, on_oxygen),
        "air_or_oxygen": 2 if on_oxygen else 0,
        "systolic_bp": _band(_whole(vitals.get("systolic_bp", nan)), SYSTOLIC),
        "pulse": _band(_whole(vitals.get("heart_rate", nan)), PULSE),
        "consciousness": 0 if consciousness >= ALERT_CONSCIOUSNESS_INDEX else 3,
        "temperature": _band(_tenth(vitals.get("core_temperature", nan)), TEMPERATURE),
    }
    score = sum(parts.values())
    if score >= 7:
        risk = "high"
    elif score >= 5:
        risk = "medium"
    elif max(parts.values()) == 3:
        risk = "low-medium"
    else:
        risk = "low"
    return News2(score, parts, risk)


def _whole(value: float) -> float:
    return value if math.isnan(value) else float(round(value))


def _tenth(value: float) -> float:
    return value if math.isnan(value) else round(value, 1)
