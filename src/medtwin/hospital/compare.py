"""Scenarios against the base case: the paired difference of each KPI with its 95 % CI.

Replication r of a scenario and of the base share their random streams (common random
numbers), so the difference is taken replication by replication and its interval is the
paired-t interval (Law 2015, Simulation Modeling and Analysis, sec. 10.2.1), much narrower
than the difference of two independent intervals.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from medtwin.hospital.experiment import Results, run_models
from medtwin.hospital.model import HospitalModel
from medtwin.hospital.scenarios import apply_scenario
from medtwin.hospital.statistics import confidence_interval

COLUMNS = ["scenario", "kpi", "base_mean", "scenario_mean", "difference", "ci_low", "ci_high",
           "n"]  # fmt: skip


def compare_scenarios(
    model: HospitalModel,
    scenarios: list[str],
    replications: int,
    *,
    seed: int = 0,
    cluster: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row per scenario and KPI: means, the mean paired difference and its CI."""
    variants = [apply_scenario(model, text) for text in scenarios]  # all checked before running
    base, *others = run_models([model, *variants], replications, seed=seed, cluster=cluster,
                               workers=workers, progress=progress)  # fmt: skip
    rows = []
    for text, results in zip(scenarios, others, strict=True):
        rows += paired_differences(text, base, results)
    return pd.DataFrame(rows, columns=COLUMNS)


def paired_differences(name: str, base: Results, scenario: Results) -> list[dict]:
    """The rows of one scenario: every KPI the base and the scenario both report."""
    base_table, scenario_table = base.table, scenario.table
    rows = []
    for kpi in base.model.kpis:
        if kpi not in scenario.model.kpis:
            continue
        a = base_table[kpi].to_numpy()
        b = scenario_table[kpi].to_numpy()
        interval = confidence_interval(b - a)
        rows.append({
            "scenario": name, "kpi": kpi, "base_mean": confidence_interval(a).mean,
            "scenario_mean": confidence_interval(b).mean,
            "difference": interval.mean, "ci_low": interval.low, "ci_high": interval.high,
            "n": interval.n,
        })  # fmt: skip
    return rows
