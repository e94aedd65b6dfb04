"""Comparing plans: every plan on every member, fanned out with `scale.run_jobs`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from medtwin.assimilation.forecast import FORECAST_SIGNALS, Forecast, MemberRun, run_members
from medtwin.planning.outcomes import outcome_measures
from medtwin.planning.plans import Plan, PlanError
from medtwin.scale import run_jobs
from medtwin.twin import Snapshot

__all__ = ["PlanError", "PlanResult", "compare_plans"]


@dataclass(frozen=True)
class PlanResult:
    plan: Plan
    forecast: Forecast
    outcomes: dict[str, dict[str, float]]

    def to_dict(self) -> dict:
        """The plan's name and orders, its outcome measures and its forecast (JSON)."""
        orders = [{"at_s": at_s, "order": action.order()} for at_s, action in self.plan.orders]
        return {"plan": self.plan.name, "orders": orders, "outcomes": self.outcomes,
                "forecast": self.forecast.to_dict()}  # fmt: skip


def compare_plans(
    snapshots: Sequence[Snapshot],
    plans: Sequence[Plan],
    horizon_s: float,
    *,
    every_s: float = 60.0,
    cluster: str | None = "serial",
    chunks_per_plan: int = 1,
    signals: Sequence[str] = FORECAST_SIGNALS,
) -> list[PlanResult]:
    """Forecast each plan from the members' `snapshots`; results in plan order, the same
    whatever the cluster (each member's seed travels in its snapshot)."""
    if not np.isfinite(horizon_s) or horizon_s < every_s:
        raise PlanError(f"horizon {horizon_s!r} s must be at least one sample ({every_s:g} s)")
    chunks = np.array_split(np.arange(len(snapshots)), max(1, min(chunks_per_plan, len(snapshots))))
    jobs = [
        MemberRun(
            tuple(snapshots[i] for i in chunk), plan.orders, horizon_s, every_s, tuple(signals)
        )
        for plan in plans
        for chunk in chunks
    ]
    samples = run_jobs(run_members, jobs, cluster=cluster)
    times = every_s * np.arange(1, round(horizon_s / every_s) + 1)
    results = []
    for p, plan in enumerate(plans):
        stacked = np.concatenate(samples[p * len(chunks) : (p + 1) * len(chunks)])
        forecast = Forecast(times, tuple(signals), stacked)
        results.append(PlanResult(plan, forecast, outcome_measures(forecast)))
    return results
