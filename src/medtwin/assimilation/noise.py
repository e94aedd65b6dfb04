"""How far a measured vital sign may be from the truth: noise and plausible ranges.

`NOISE` gives each observable signal's measurement noise (one standard deviation, in
the signal's unit) with its source; the calibration fits within it and the state
estimator weighs observations by it. `PLAUSIBLE` gives the range outside which a value
is refused as an artefact before it reaches the estimator: wider than the range over
which the device standards require a monitor to measure, so only values no monitor
would report from a living adult are refused (medtwin's choice, the bounds cited).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignalNoise:
    sd: float
    source: str


NOISE: dict[str, SignalNoise] = {
    "heart_rate": SignalNoise(
        5.0, "IEC 60601-2-27:2011 (ECG monitors: heart rate within ±10 % or ±5 /min)"
    ),
    "systolic_bp": SignalNoise(
        8.0, "ISO 81060-2:2018 (validated NIBP: mean error <= 5 mmHg, SD <= 8 mmHg)"
    ),
    "diastolic_bp": SignalNoise(8.0, "ISO 81060-2:2018 (mean error <= 5 mmHg, SD <= 8 mmHg)"),
    "mean_arterial_pressure": SignalNoise(8.0, "ISO 81060-2:2018 (as systolic and diastolic)"),
    "respiratory_rate": SignalNoise(
        3.0,
        "Lovett PB et al. The vexatious vital: neither clinical measurements by nurses nor an "
        "electronic monitor provide accurate measurements of respiratory rate in triage. Ann "
        "Emerg Med 2005;45:68-76 (counts differ from the reference by several breaths/min)",
    ),
    "spo2": SignalNoise(
        2.0,
        "ISO 80601-2-61:2017 (pulse oximeter accuracy Arms <= 4 % over 70-100 %; "
        "2 % is typical of adult sensors)",
    ),
    "sao2": SignalNoise(1.0, "CLSI C46-A2 (2009): blood-gas co-oximetry, about 1 % saturation"),
    "core_temperature": SignalNoise(
        0.3, "ISO 80601-2-56:2017 (clinical thermometers: ±0.3 °C laboratory accuracy)"
    ),
    "etco2": SignalNoise(2.0, "ISO 80601-2-55:2018 (CO2 monitors: ±(2 mmHg + 8 % of reading))"),
    "central_venous_pressure": SignalNoise(
        2.0, "IEC 60601-2-34:2011 (invasive pressure: ±4 % or ±4 mmHg; half as one SD)"
    ),
}

PLAUSIBLE: dict[str, tuple[float, float]] = {
    # IEC 60601-2-27: adult heart-rate range at least 30-200 /min
    "heart_rate": (20.0, 300.0),
    # ISO 81060-2 / IEC 80601-2-30: NIBP 0-300 mmHg cuff range; below 20 mmHg no pulse
    "systolic_bp": (30.0, 300.0),
    "diastolic_bp": (10.0, 250.0),
    "mean_arterial_pressure": (20.0, 280.0),
    # impedance pneumography and capnography report rates of 2-150 /min (ISO 80601-2-55)
    "respiratory_rate": (2.0, 80.0),
    # ISO 80601-2-61: accuracy is specified from 70 %; below 50 % oximeters are not valid
    "spo2": (50.0, 100.0),
    "sao2": (30.0, 100.0),
    # ISO 80601-2-56: clinical thermometers measure 34-42 °C at least
    "core_temperature": (25.0, 45.0),
    "etco2": (5.0, 120.0),
    "central_venous_pressure": (-10.0, 50.0),
}

OBSERVABLE = tuple(NOISE)
"""The signals the calibration and the estimator take as observations."""


def implausible_reason(signal: str, value: float) -> str | None:
    """Why a value is refused as an artefact, or None if it is plausible."""
    if value != value:
        return "missing (NaN)"
    low, high = PLAUSIBLE[signal]
    if not low <= value <= high:
        return f"implausible: {value:g} is outside {low:g}-{high:g}"
    return None
