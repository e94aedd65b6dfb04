"""Many replications of a model, fanned out with `medtwin.scale.run_jobs`.

A job is (model, replication number, seed); its result depends on nothing else, so the
results are identical on one worker, two or a cluster. Replication r of every scenario
uses the same random streams (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from medtwin.hospital.kpis import ReplicationSummary, summarise
from medtwin.hospital.model import HospitalModel
from medtwin.hospital.simulation import simulate
from medtwin.hospital.statistics import confidence_interval
from medtwin.scale import run_jobs


@dataclass(frozen=True)
class ReplicationJob:
    """Everything one replication needs (plain, picklable data)."""

    model: HospitalModel
    replication: int
    seed: int


def run_replication(job: ReplicationJob) -> ReplicationSummary:
    """Simulate one replication and summarise it (the function sent to Dask workers)."""
    return summarise(job.model, simulate(job.model, job.replication, job.seed))


@dataclass(frozen=True)
class Results:
    """The replications of one model: a KPI table with a row per replication."""

    model: HospitalModel
    summaries: list[ReplicationSummary]

    @property
    def table(self) -> pd.DataFrame:
        """Columns `replication` then the model's KPIs, in order."""
        rows = [{"replication": s.replication, **s.kpis} for s in self.summaries]
        return pd.DataFrame(rows, columns=["replication", *self.model.kpis])

    def intervals(self) -> pd.DataFrame:
        """Per KPI: mean, 95 % CI low and high, and replications counted."""
        table = self.table
        rows = {}
        for kpi in self.model.kpis:
            interval = confidence_interval(table[kpi].to_numpy())
            rows[kpi] = {"mean": interval.mean, "ci_low": interval.low,
                         "ci_high": interval.high, "n": interval.n}  # fmt: skip
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("kpi")

    def hourly_mean(self, series: str) -> pd.DataFrame:
        """Mean over replications of one hourly series (`mean_wait_min`, `queue_length`,
        `utilisation`), a column per activity or resource, a row per hour of the run."""
        names = getattr(self.summaries[0].hourly, series)
        columns = {}
        for name in names:
            stack = np.array([getattr(s.hourly, series)[name] for s in self.summaries])
            defined = (~np.isnan(stack)).sum(axis=0)
            empty = np.full(stack.shape[1], np.nan)
            columns[name] = np.divide(
                np.nansum(stack, axis=0), defined, out=empty, where=defined > 0
            )
        return pd.DataFrame(columns)


def run_replications(
    model: HospitalModel,
    replications: int,
    *,
    seed: int = 0,
    cluster: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Results:
    """Run replications 0 .. `replications` - 1 of `model` (on Dask unless cluster="serial")."""
    return run_models([model], replications, seed=seed, cluster=cluster, workers=workers,
                      progress=progress)[0]  # fmt: skip


def run_models(
    models: list[HospitalModel],
    replications: int,
    *,
    seed: int = 0,
    cluster: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Results]:
    """The replications of several models (scenarios) in one fan-out, one cluster start."""
    jobs = [ReplicationJob(model, r, seed) for model in models for r in range(replications)]
    summaries = run_jobs(run_replication, jobs, cluster=cluster, workers=workers,
                         progress=progress)  # fmt: skip
    return [
        Results(model, summaries[i * replications : (i + 1) * replications])
        for i, model in enumerate(models)
    ]
