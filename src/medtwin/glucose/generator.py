"""New plausible virtual patients, drawn like the open ones of a group.

Each group's 10 open patients (adolescent, adult, child) define a multivariate
log-normal: the sample mean and sample covariance of the logarithms of their
parameters and therapy settings (carbohydrate ratio, correction factor, total daily
insulin), so that correlated parameters (body weight and volumes, say) stay correlated.
A draw is mean + Σ_j w_j·(z_j − mean)/√9 with w ~ N(0, I) over the 10 patients: a
Gaussian with exactly that covariance, the only one 10 patients can support. The
UVA/Padova simulator's own population was drawn from a joint parameter distribution in
the same spirit (Kovatchev BP et al. J Diabetes Sci Technol 2009;3:44–55); this
generator is a modelling choice fitted to the open sets, not that distribution.

The parameters that the basal state fixes (kp1, Vm0, u2ss) are then derived
(`steady_state.with_basal_state`), so every new patient rests at its own basal glucose.
Draws whose fractions b, d, f are not below 1, or whose basal state is impossible, are
drawn again.
"""

from __future__ import annotations

import numbers

import numpy as np

from medtwin.glucose.parameters import (
    GROUPS,
    GlucosePatientError,
    P,
    VirtualPatients,
    load_virtual_patients,
)
from medtwin.glucose.steady_state import with_basal_state

SOURCES = ("kovatchev2009insilico",)
"""Bibliography keys of the population the generator imitates."""
FRACTIONS = ("b", "d", "f")
MAX_ROUNDS = 1000


def generate_virtual_patients(n: int, group: str = "adult", seed: int = 0) -> VirtualPatients:
    """`n` new patients like the group's open ones, named `<group>-gen#0001` …; seeded."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise GlucosePatientError(f"n = {n!r} must be a whole number of patients, at least 1")
    if group not in GROUPS:
        raise GlucosePatientError(f"group {group!r} is not known: allowed are {GROUPS}")
    source = load_virtual_patients(group)
    logs = np.log(_features(source))
    mean = logs.mean(axis=0)
    deviations = (logs - mean) / np.sqrt(len(source) - 1)
    rng = np.random.default_rng(seed)
    kept: list[np.ndarray] = []
    for _ in range(MAX_ROUNDS):
        draws = np.exp(mean + rng.standard_normal((n, len(source))) @ deviations)
        kept.extend(row for row in draws if _plausible(row))
        if len(kept) >= n:
            break
    else:
        raise GlucosePatientError(f"no plausible {group} patients in {MAX_ROUNDS} rounds")
    features = np.array(kept[:n])
    params, state = with_basal_state(features[:, : len(P)])
    therapy = features[:, len(P) :]
    return VirtualPatients(
        names=tuple(f"{group}-gen#{k:04d}" for k in range(1, n + 1)),
        params=params,
        basal_state=state,
        carb_ratio_g_per_U=therapy[:, 0],
        correction_factor_mg_per_dL_per_U=therapy[:, 1],
        total_daily_insulin_U=therapy[:, 2],
    )


def _features(patients: VirtualPatients) -> np.ndarray:
    return np.column_stack(
        [
            patients.params,
            patients.carb_ratio_g_per_U,
            patients.correction_factor_mg_per_dL_per_U,
            patients.total_daily_insulin_U,
        ]
    )


def _plausible(row: np.ndarray) -> bool:
    if any(row[P[name]] >= 1.0 for name in FRACTIONS):
        return False
    try:
        with_basal_state(row[None, : len(P)])
    except ValueError:
        return False
    return True
