"""Per-arm summaries of a trial, and each arm's paired difference from the reference arm.

Both give the mean and its 95 % confidence interval, the t interval
mean ± t(0.975, n−1)·s/√n (Student's t; Altman DG. Practical Statistics for Medical
Research, Chapman & Hall 1991, sections 8.5 and 9.6: for paired data, the interval of
the mean of the within-patient differences). Every arm runs on the same patients, so
the differences are paired by patient key. Patients without a value (excluded, or no
vasopressor dose and so no first-dose time) are left out of that outcome's n.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.table import Table
from scipy import stats

CONFIDENCE = 0.95
SOURCES = ("altman1991",)
"""Bibliography keys of the intervals."""


def mean_interval(values: np.ndarray) -> dict[str, float]:
    """n, mean, sd, ci_low and ci_high of `values` (NaN where n is too small)."""
    n = values.size
    mean = values.mean() if n else np.nan
    sd = values.std(ddof=1) if n > 1 else np.nan
    half = stats.t.ppf((1 + CONFIDENCE) / 2, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
    return {"n": n, "mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half}


def summarise(results: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """One row per arm and outcome: n, mean, sd, ci_low, ci_high (arms in trial order)."""
    rows = []
    for arm, group in results.groupby("arm", sort=False):
        for outcome in outcomes:
            values = group[outcome].dropna().to_numpy(float)
            rows.append({"arm": arm, "outcome": outcome, **mean_interval(values)})
    return pd.DataFrame(rows)


def differences(results: pd.DataFrame, outcomes: list[str], reference: str) -> pd.DataFrame:
    """One row per other arm and outcome: the mean of (arm − reference) over the patients
    with both values, with its paired t interval (columns as `summarise`, plus
    `reference`)."""
    if reference not in set(results["arm"]):
        raise ValueError(f"reference arm {reference!r} is not in the results")
    base = results[results["arm"] == reference].set_index("key")
    rows = []
    for arm, group in results.groupby("arm", sort=False):
        if arm == reference:
            continue
        paired = group.set_index("key")
        for outcome in outcomes:
            change = (paired[outcome] - base[outcome].reindex(paired.index)).dropna()
            rows.append({"arm": arm, "reference": reference, "outcome": outcome,
                         **mean_interval(change.to_numpy(float))})  # fmt: skip
    return pd.DataFrame(rows)


def summary_table(summary: pd.DataFrame, title: str) -> Table:
    """A rich table: outcomes as rows, one 'mean (95 % CI)' column per arm."""
    table = Table(title=title, title_justify="left")
    table.add_column("outcome")
    arms = list(dict.fromkeys(summary["arm"]))
    for arm in arms:
        table.add_column(f"{arm}\nmean (95 % CI)", justify="right")
    for outcome in dict.fromkeys(summary["outcome"]):
        cells = []
        for arm in arms:
            row = summary[(summary["arm"] == arm) & (summary["outcome"] == outcome)].iloc[0]
            cells.append(f"{row['mean']:.3g} ({row['ci_low']:.3g}–{row['ci_high']:.3g})"
                         f"\nn={row['n']}")  # fmt: skip
        table.add_row(outcome, *cells)
    return table
