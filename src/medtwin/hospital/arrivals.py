"""Patient arrivals: an hourly rate profile, and its non-stationary Poisson process.

The profile is a CSV of `hour` (the clock hour the row starts, consecutive) and
`arrivals_per_hour`. Arrival times come from inverting the cumulative rate
Lambda(t) at the points of a unit-rate Poisson process (Cinlar 1975, Introduction to
Stochastic Processes, sec. 4.7; Law 2015, Simulation Modeling and Analysis, sec. 8.6.2):
exact for a piecewise-constant rate, vectorised, and kind to common random numbers, since
scaling the rates moves each patient's arrival a little instead of redrawing everyone.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from medtwin.hospital.errors import ModelError

PROFILE_COLUMNS = ("hour", "arrivals_per_hour")
UNIT_DRAWS_PER_BLOCK = 256


def read_profile_csv(path: Path) -> tuple[int, list[float]]:
    """(clock hour of the first row, arrivals per hour by row) from a profile CSV."""
    label = f"arrival profile {path}"
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ModelError(f"{label}: no such file") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ModelError(f"{label}: cannot read it as CSV ({error})") from None
    except pd.errors.EmptyDataError:
        raise ModelError(f"{label}: the file is empty") from None
    if tuple(table.columns) != PROFILE_COLUMNS:
        raise ModelError(
            f"{label}: columns are {', '.join(map(str, table.columns)) or 'none'}; "
            f"expected exactly {', '.join(PROFILE_COLUMNS)}"
        )
    if table.empty:
        raise ModelError(f"{label}: no rows; give one row per hour")
    hours = [_cell(label, row, "hour", text, whole=True) for row, text in enumerate(table.hour)]
    rates = [_cell(label, row, "arrivals_per_hour", text) for row, text in
             enumerate(table.arrivals_per_hour)]  # fmt: skip
    for row in range(1, len(hours)):
        if hours[row] != (hours[row - 1] + 1) % 24:
            raise ModelError(
                f"{label}: row {row + 2} hour {hours[row]:g} does not follow hour "
                f"{hours[row - 1]:g}; hours must be consecutive (23 is followed by 0)"
            )
    return int(hours[0]), rates


def _cell(label: str, row: int, column: str, text: str, whole: bool = False) -> float:
    where = f"{label}: row {row + 2} {column} {text!r}"
    try:
        value = float(text)
    except ValueError:
        raise ModelError(f"{where} is not a number") from None
    if whole and (not value.is_integer() or not 0 <= value <= 23):
        raise ModelError(f"{where} must be a whole clock hour from 0 to 23")
    if not whole and (not math.isfinite(value) or value < 0):
        raise ModelError(f"{where} must be a finite number of arrivals per hour, 0 or more")
    return value


def hourly_rates(rates_per_hour: list[float], length_min: float, repeat: bool) -> np.ndarray:
    """Arrivals per hour for every (started) hour of a run of `length_min` minutes.

    Past the end of the profile the rates repeat from its first row, or are 0.
    """
    n_hours = max(1, math.ceil(length_min / 60.0))
    profile = np.asarray(rates_per_hour, dtype=float)
    index = np.arange(n_hours)
    if repeat:
        return profile[index % len(profile)]
    return np.where(index < len(profile), profile[np.minimum(index, len(profile) - 1)], 0.0)


def arrival_times_min(
    rates_by_hour: np.ndarray, length_min: float, rng: np.random.Generator
) -> np.ndarray:
    """Sorted arrival times in [0, length_min) of the Poisson process with these hourly rates."""
    expected_by_hour = np.concatenate(([0.0], np.cumsum(rates_by_hour)))
    last_hour = min(int(length_min // 60), len(rates_by_hour) - 1)
    total = expected_by_hour[last_hour] + rates_by_hour[last_hour] * (length_min / 60.0 - last_hour)
    unit_points = _unit_poisson_points(total, rng)
    hour = np.searchsorted(expected_by_hour, unit_points, side="right") - 1
    rate = rates_by_hour[hour]
    into_hour = np.divide(
        unit_points - expected_by_hour[hour], rate, out=np.zeros_like(unit_points), where=rate > 0
    )
    return 60.0 * (hour + into_hour)


def _unit_poisson_points(total: float, rng: np.random.Generator) -> np.ndarray:
    """The points of a unit-rate Poisson process on [0, total)."""
    chunks = []
    reached = 0.0
    while reached < total:
        points = reached + np.cumsum(rng.exponential(1.0, UNIT_DRAWS_PER_BLOCK))
        chunks.append(points)
        reached = float(points[-1])
    if not chunks:
        return np.empty(0)
    points = np.concatenate(chunks)
    return points[points < total]
