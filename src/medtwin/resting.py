"""Measure a twin at rest: the numbers `medtwin validate` grades.

A twin starts at its settled resting state; it is simulated for `seconds` more and
each signal is averaged over that window, as a monitor's trend would be read. The
min/max rows of the reference table (pleural and transpulmonary pressure at end
inspiration and end expiration) come from the per-breath extremes.
"""

from __future__ import annotations

import os

from medtwin.patients import Patient
from medtwin.twin import Twin
from medtwin.validation import ValidationResult, target_key, validate

MEASURE_SECONDS = 300.0
_EXTREMES = ("_max", "_min")


def resting_values(twin: Twin, seconds: float = MEASURE_SECONDS) -> dict[str, float]:
    """Mean of every signal over the next `seconds`, keyed as the targets are."""
    start = twin.time_s
    twin.advance(seconds)
    history = twin.history()
    window = history[history["time_s"] > start].drop(columns="time_s")
    values: dict[str, float] = {}
    for name, mean in window.mean().items():
        suffix = next((s for s in _EXTREMES if name.endswith(s)), None)
        key = target_key(name.removesuffix(suffix), suffix[1:]) if suffix else name
        values[key] = float(mean)
    return values


def validate_at_rest(
    patient: str | os.PathLike | Patient, seed: int = 0, seconds: float = MEASURE_SECONDS
) -> tuple[Twin, ValidationResult]:
    """Build a twin of `patient`, measure it at rest, and grade it against the targets."""
    twin = Twin(patient, seed=seed, waveform_seconds=0)
    return twin, validate(twin.patient, resting_values(twin, seconds))
