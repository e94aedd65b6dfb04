"""What the calibration fits to: a value per signal from a record's recent vitals.

For each observable signal (`noise.OBSERVABLE`) the target is the mean of its most
recent `last_n` values within `window_days` of the latest one: an outpatient record
holds a few visits a year, and averaging visits near the record's date is what the
ESC/ESH 2018 guidelines ask for a patient's blood pressure (Williams B et al. Eur
Heart J 2018;39:3021-3104: the mean of readings on two or more visits). Mean arterial
pressure and pulse pressure come from systolic/diastolic pairs of the same panel when
they are not measured directly (MAP = DBP + PP/3, Guyton & Hall 2006 ch. 15).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from medtwin.assimilation.noise import NOISE
from medtwin.interop.fhir_vitals import ObservedValue

DERIVED_NOISE_SD = {"pulse_pressure": 8.0}
"""Pulse pressure is a difference of two cuff readings (ISO 81060-2:2018: SD <= 8 mmHg
each; their errors are correlated, so the difference is taken as noisy as either)."""


@dataclass(frozen=True)
class Target:
    """A signal's observed value for the fit, its noise, and where it came from."""

    signal: str
    value: float
    noise_sd: float
    resources: tuple[str, ...]
    times: tuple[str, ...]


def targets_from_values(
    values: Iterable[ObservedValue], window_days: float = 400.0, last_n: int = 3
) -> dict[str, Target]:
    """Fit targets from a record's observed values (see the module docstring)."""
    by_signal: dict[str, list[ObservedValue]] = defaultdict(list)
    for value in values:
        by_signal[value.target].append(value)
    _add_pressure_pairs(by_signal)
    targets = {}
    for signal, found in sorted(by_signal.items()):
        noise = NOISE[signal].sd if signal in NOISE else DERIVED_NOISE_SD.get(signal)
        if noise is None:
            continue
        found.sort(key=lambda v: v.time)
        newest = found[-1].time
        recent = [v for v in found if newest - v.time <= timedelta(days=window_days)][-last_n:]
        targets[signal] = Target(
            signal,
            sum(v.value for v in recent) / len(recent),
            noise,
            tuple(v.resource for v in recent),
            tuple(v.time.isoformat() for v in recent),
        )
    return targets


def _add_pressure_pairs(by_signal: dict[str, list[ObservedValue]]) -> None:
    diastolic = {v.resource: v for v in by_signal.get("diastolic_bp", [])}
    map_measured = bool(by_signal.get("mean_arterial_pressure"))
    for systolic in by_signal.get("systolic_bp", []):
        partner = diastolic.get(systolic.resource)
        if partner is None:
            continue
        pulse = systolic.value - partner.value
        by_signal["pulse_pressure"].append(
            ObservedValue("pulse_pressure", pulse, systolic.time, systolic.resource, "derived")
        )
        if not map_measured:
            by_signal["mean_arterial_pressure"].append(
                ObservedValue(
                    "mean_arterial_pressure",
                    partner.value + pulse / 3.0,
                    systolic.time,
                    systolic.resource,
                    "derived",
                )
            )
