"""Calibration from an event log: service-time distributions and the arrival profile.

For every activity, the durations (end - start) are fitted by maximum likelihood with
each candidate family, and the family with the lowest AIC (Akaike 1974) is chosen; the
Kolmogorov-Smirnov distance and p-value are reported beside it as a check (the p-value
is optimistic, since the parameters were fitted to the same data: Law 2015, Simulation
Modeling and Analysis, sec. 6.6.2). The truncated normal is the normal MLE held at 0 or
more, a fair fit only when the mean is several sd above 0.

The arrival profile is the mean number of arrivals in each clock hour over the days of
the log, from the first busy hour to the last (across midnight if need be).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from medtwin.hospital.distributions import Exponential, Gamma, Lognormal, TruncatedNormal
from medtwin.hospital.errors import ModelError
from medtwin.hospital.eventlog import ARRIVAL

MIN_SERVICES = 2
SIGNIFICANT = 6


@dataclass(frozen=True)
class Fit:
    """One candidate distribution fitted to one activity's durations."""

    activity: str
    duration: Exponential | Lognormal | Gamma | TruncatedNormal
    n: int
    log_likelihood: float
    aic: float
    ks_distance: float
    ks_p_value: float


@dataclass(frozen=True)
class Calibration:
    """The chosen fit per activity, every candidate's diagnostics, and the arrival profile."""

    chosen: dict[str, Fit]
    candidates: list[Fit]
    start_hour: int
    arrivals_per_hour: list[float]
    days: int

    def diagnostics(self) -> pd.DataFrame:
        """A row per activity and candidate: parameters, n, log-likelihood, AIC, KS, chosen."""
        rows = []
        for fit in self.candidates:
            parameters = fit.duration.model_dump(by_alias=True)
            rows.append({
                "activity": fit.activity, "distribution": parameters.pop("distribution"),
                "parameters": ", ".join(f"{k}={_round(v):g}" for k, v in parameters.items()
                                        if math.isfinite(v)),
                "n": fit.n, "log_likelihood": fit.log_likelihood, "aic": fit.aic,
                "ks_distance": fit.ks_distance, "ks_p_value": fit.ks_p_value,
                "chosen": self.chosen[fit.activity] is fit,
            })  # fmt: skip
        return pd.DataFrame(rows)

    def fragment(self, extends: str, profile_file: str) -> dict:
        """The model fragment: `extends`, the fitted arrival profile file and durations."""
        return {
            "extends": extends,
            "arrivals": {"profile": profile_file},
            "activities": {
                name: {"duration": _rounded(fit.duration.model_dump(by_alias=True))}
                for name, fit in self.chosen.items()
            },
        }

    def profile_table(self) -> pd.DataFrame:
        hours = [(self.start_hour + i) % 24 for i in range(len(self.arrivals_per_hour))]
        return pd.DataFrame({"hour": hours, "arrivals_per_hour": self.arrivals_per_hour})


def calibrate(log: pd.DataFrame) -> Calibration:
    """Fit every activity of a checked event log (`medtwin.hospital.eventlog.read_event_log`)."""
    services = log[log["activity"] != ARRIVAL]
    if services.empty:
        raise ModelError("event log: no activity rows besides arrivals; nothing to fit")
    chosen, candidates = {}, []
    for activity, rows in services.groupby("activity", sort=False):
        durations = ((rows["end"] - rows["start"]).dt.total_seconds() / 60.0).to_numpy()
        fits = fit_durations(str(activity), durations)
        candidates += fits
        chosen[str(activity)] = min(fits, key=lambda fit: fit.aic)
    start_hour, rates, days = _arrival_profile(log)
    return Calibration(chosen, candidates, start_hour, rates, days)


def fit_durations(activity: str, durations_min: np.ndarray) -> list[Fit]:
    """Every candidate family that can be fitted to these durations, with diagnostics."""
    n = durations_min.size
    if n < MIN_SERVICES:
        raise ModelError(
            f"event log: activity {activity!r} has {n} finished service(s); "
            f"at least {MIN_SERVICES} are needed to fit a distribution"
        )
    mean = float(durations_min.mean())
    variance = float(durations_min.var())
    if mean <= 0:
        raise ModelError(f"event log: activity {activity!r} has only zero durations")
    fits = [_fit(activity, Exponential(distribution="exponential", mean=mean), durations_min,
                 stats.expon(scale=mean), 1)]  # fmt: skip
    if variance > 0:
        fits.append(_fit(activity, _truncated_normal(mean, variance), durations_min,
                         _truncated_normal_frozen(mean, variance), 2))  # fmt: skip
    if variance > 0 and np.all(durations_min > 0):
        fits += [_lognormal_fit(activity, durations_min), _gamma_fit(activity, durations_min)]
    return fits


def _truncated_normal(mean: float, variance: float) -> TruncatedNormal:
    return TruncatedNormal(distribution="truncated_normal", mean=mean, variance=variance,
                           minimum=0.0)  # fmt: skip


def _truncated_normal_frozen(mean: float, variance: float):
    sd = math.sqrt(variance)
    return stats.truncnorm(-mean / sd, math.inf, loc=mean, scale=sd)


def _lognormal_fit(activity: str, durations_min: np.ndarray) -> Fit:
    logs = np.log(durations_min)
    mu, sigma = float(logs.mean()), float(logs.std())
    mean = math.exp(mu + sigma**2 / 2)
    variance = math.expm1(sigma**2) * math.exp(2 * mu + sigma**2)
    duration = Lognormal(distribution="lognormal", mean=mean, variance=variance)
    return _fit(activity, duration, durations_min, stats.lognorm(sigma, scale=math.exp(mu)), 2)


def _gamma_fit(activity: str, durations_min: np.ndarray) -> Fit:
    shape, _, scale = stats.gamma.fit(durations_min, floc=0)
    duration = Gamma(distribution="gamma", mean=shape * scale, variance=shape * scale**2)
    return _fit(activity, duration, durations_min, stats.gamma(shape, scale=scale), 2)


def _fit(activity: str, duration, durations_min: np.ndarray, frozen, n_parameters: int) -> Fit:
    log_likelihood = float(np.sum(frozen.logpdf(durations_min)))
    ks = stats.kstest(durations_min, frozen.cdf)
    return Fit(activity, duration, durations_min.size, log_likelihood,
               2 * n_parameters - 2 * log_likelihood, float(ks.statistic),
               float(ks.pvalue))  # fmt: skip


def _arrival_profile(log: pd.DataFrame) -> tuple[int, list[float], int]:
    """(first clock hour, mean arrivals per hour from it, days observed)."""
    marked = log[log["activity"] == ARRIVAL].groupby("patient_id")["start"].min()
    first_start = log.groupby("patient_id")["start"].min()
    arrivals = marked.reindex(first_start.index).fillna(first_start)
    busy_hours = sorted(set(arrivals.dt.hour))
    start_hour = _after_longest_gap(busy_hours)
    length = (busy_hours[busy_hours.index(start_hour) - 1] - start_hour) % 24 + 1
    shifted = arrivals - pd.Timedelta(hours=start_hour)
    days = shifted.dt.normalize().nunique()
    counts = np.bincount(shifted.dt.hour, minlength=24)[:length]
    return start_hour, [float(c) / days for c in counts], int(days)


def _after_longest_gap(hours: list[int]) -> int:
    """The busy hour that follows the longest run of idle clock hours (circularly)."""
    gaps = [((hours[(i + 1) % len(hours)] - hours[i]) % 24 or 24, i) for i in range(len(hours))]
    _, before = max(gaps)
    return hours[(before + 1) % len(hours)]


def _round(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT}g}")


def _rounded(parameters: dict) -> dict:
    return {
        k: _round(v) if isinstance(v, float) and math.isfinite(v) else v
        for k, v in parameters.items()
        if not (isinstance(v, float) and math.isinf(v))
    }
