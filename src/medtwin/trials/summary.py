"""Per-arm summaries of a trial: mean and 95 % confidence interval of every outcome.

The interval is the t interval of the mean, mean ± t(0.975, n−1)·s/√n (Student's t; any
statistics text, e.g. Altman DG. Practical Statistics for Medical Research, 1991,
ch. 8). Patients without a value (e.g. no vasopressor dose, so no first-dose time) are
left out of that outcome's n.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.table import Table
from scipy import stats

CONFIDENCE = 0.95


def summarise(results: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """One row per arm and outcome: n, mean, sd, ci_low, ci_high (arms in trial order)."""
    rows = []
    for arm, group in results.groupby("arm", sort=False):
        for outcome in outcomes:
            values = group[outcome].dropna().to_numpy(float)
            n = values.size
            mean = values.mean() if n else np.nan
            sd = values.std(ddof=1) if n > 1 else np.nan
            half = stats.t.ppf((1 + CONFIDENCE) / 2, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
            rows.append({"arm": arm, "outcome": outcome, "n": n, "mean": mean, "sd": sd,
                         "ci_low": mean - half, "ci_high": mean + half})  # fmt: skip
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
