"""Confidence intervals across replications (Student t, the replication/deletion method).

Law (2015), Simulation Modeling and Analysis, 5th ed., sec. 9.4.1: with n independent
replications, mean +- t(n-1, 0.975) s / sqrt(n). Replications where a KPI is undefined
(NaN: nobody began that activity) are left out of that KPI's interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """A mean with its 95 % confidence interval, over `n` replications."""

    mean: float
    low: float
    high: float
    n: int

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high


def confidence_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> Interval:
    """Mean and t-interval of the defined (non-NaN) values."""
    defined = np.asarray(values, dtype=float)
    defined = defined[~np.isnan(defined)]
    n = defined.size
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(defined.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * defined.std(ddof=1) / math.sqrt(n))
    return Interval(mean, mean - half, mean + half, n)
