"""What the browser needs to know of the server, in one place: `/api/config`.

The web app reads these facts instead of keeping copies: the named patients, every
action kind the engine knows (forms, examples, field limits, whether it is an insult),
the drug library (names, classes, dose limits) and the fluids,
the clock's speeds, the monitor's default alarm limits and rhythm alarms, the
waveform channels of the binary frames, and the channels a monitor layout may name.
"""

from __future__ import annotations

from typing import Any

from medtwin.actions import FLUIDS, KINDS, field_limits
from medtwin.actions.kinds.nibp import NIBP_CUFF_S
from medtwin.monitor_layout import channels as monitor_channels
from medtwin.patients import load_patient, named_patients
from medtwin.pharmacology import drugs
from medtwin.service.codec import FRAME_CHANNELS, MAIN_NUMERICS, WAVEFORM_RATE_HZ
from medtwin.service.runtime import SPEED_RANGE

SPEED_PRESETS = (1.0, 2.0, 5.0, 10.0, 20.0, 60.0)
DEFAULT_ALARM_LIMITS: dict[str, tuple[float | None, float | None]] = {
    "heart_rate": (50.0, 120.0),
    "systolic_bp": (90.0, 180.0),
    "spo2": (90.0, None),
    "core_temperature": (35.0, 38.5),
    "etco2": (30.0, 50.0),
    "respiratory_rate": (8.0, 30.0),
}
"""Teaching defaults of the adult monitor: each low limit at or just inside the NEWS2
band that scores 3 (Royal College of Physicians, National Early Warning Score 2, 2017:
SBP <= 90 mmHg, SpO2 <= 91 %, temperature <= 35.0 °C, RR <= 8/min) and each high limit
where NEWS2 starts to score (HR > 110-130, RR >= 25, temperature >= 38.1 °C) widened a
little so that a resting adult raises none; EtCO2 35-45 mmHg is normal (Levitzky 2013),
30-50 the usual alarm band."""


HIGH_PRIORITY_LIMITS: dict[str, tuple[float | None, float | None]] = {
    "spo2": (80.0, None),
    "systolic_bp": (70.0, None),
}
"""Past these a limit alarm is of high priority, not medium: IEC 60601-1-8:2006 gives
high priority to a condition that needs the operator's immediate response. SpO2 under
80 % is the monitor's default desaturation ('Desat') alarm (Philips IntelliVue MP
series, Instructions for Use, SpO2 chapter); a systolic pressure under 70 mmHg is the
severe hypotension of the bundled cases' critical errors (ATLS 10th ed., 2018, ch. 3)."""
NIBP_CYCLES_MIN = (0, 1, 2.5, 3, 5, 10, 15, 30, 60)
"""The automatic cycle times a monitor offers, in minutes (0: manual only), as on
bedside monitors' NIBP menus (e.g. Philips IntelliVue: 1-120 min)."""


ARRHYTHMIA_ALARMS: dict[str, str] = {
    "vf": "V-FIB", "asystole": "ASYSTOLE", "vt": "V-TACH", "pulseless_vt": "V-TACH",
}  # fmt: skip
"""The monitor's life-threatening rhythm alarms, by the engine's rhythm name: an ECG
monitor must detect asystole, ventricular fibrillation and ventricular tachycardia and
raise a high-priority alarm for each (IEC 60601-2-27:2011, cl. 201.7.9.2.9.101).
Pulseless electrical activity raises none: its ECG shows complexes, and only the missing
pulse (the pressure and SpO2 alarms) tells it apart; nor does pulseless VT differ from
VT on the ECG."""


def drug_entry(drug) -> dict[str, Any]:
    """A drug as the order panel offers it: its names, class and dose limits."""
    limits = {kind: {"value": limit.value, "unit": limit.unit}
              for kind, limit in drug.limits.items()}  # fmt: skip
    return {"name": drug.name, "aliases": list(drug.aliases), "class": drug.drug_class,
            "amount_unit": drug.amount_unit, "limits": limits}  # fmt: skip


def browser_config() -> dict[str, Any]:
    """The facts the web app reads at start."""
    demographics = ("sex", "age_years", "height_cm", "weight_kg")
    patients = [
        {"name": name, **load_patient(name).model_dump(include=set(demographics))}
        for name in named_patients()
    ]
    actions = [
        {
            "kind": kind,
            "forms": list(model.forms),
            "examples": list(model.examples),
            "insult": model.insult,
            "limits": field_limits(model),
        }
        for kind, model in KINDS.items()
    ]
    low, high = SPEED_RANGE
    return {
        "patients": patients,
        "actions": actions,
        "drugs": [drug_entry(d) for d in drugs()],
        "fluids": [fluid.name for fluid in FLUIDS],
        "speeds": {"min": low, "max": high, "presets": list(SPEED_PRESETS)},
        "alarm_limits": {name: list(limits) for name, limits in DEFAULT_ALARM_LIMITS.items()},
        "rhythm_alarms": dict(ARRHYTHMIA_ALARMS),
        "high_priority_limits": {k: list(v) for k, v in HIGH_PRIORITY_LIMITS.items()},
        "nibp": {"cuff_s": NIBP_CUFF_S, "cycles_min": list(NIBP_CYCLES_MIN)},
        "numerics": list(MAIN_NUMERICS),
        "waveforms": {"channels": list(FRAME_CHANNELS), "rate_hz": WAVEFORM_RATE_HZ},
        "monitor": monitor_channels(),
    }
