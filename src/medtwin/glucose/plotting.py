"""Figures of glucose runs and plans (PNG, matplotlib without a display)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from medtwin.glucose.simulation import GlucoseRun

TARGET_RANGE_mg_per_dL = (70, 180)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_run(run: GlucoseRun, path: Path, title: str) -> None:
    """Plasma glucose and CGM (one patient) or every patient's plasma glucose, with the
    insulin delivered and the carbohydrate eaten below."""
    plt = _pyplot()
    hours = pd.RangeIndex(run.plasma_glucose_mg_per_dL.shape[1]) / 60
    figure, (top, middle, bottom) = plt.subplots(3, 1, figsize=(10, 7), sharex=True,
                                                 height_ratios=(3, 1, 1))  # fmt: skip
    top.axhspan(*TARGET_RANGE_mg_per_dL, color="tab:green", alpha=0.1, label="70–180 mg/dL")
    single = len(run.names) == 1
    for row in range(len(run.names)):
        top.plot(hours, run.plasma_glucose_mg_per_dL[row], lw=1.2 if single else 0.6,
                 label="plasma" if single else None)  # fmt: skip
        if single:
            top.plot(hours, run.cgm_mg_per_dL[row], lw=0.8, color="grey", label="CGM")
        middle.plot(hours, run.insulin_U_per_min[row] * 60, lw=0.6)
        bottom.plot(hours, run.carbs_g[row], lw=0.6)
    top.set_ylabel("glucose (mg/dL)")
    top.legend(loc="upper right")
    middle.set_ylabel("insulin (U/h)")
    bottom.set_ylabel("carbs (g)")
    bottom.set_xlabel("time (h)")
    top.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def plot_plans(frames: list[pd.DataFrame], path: Path, title: str) -> None:
    """Each plan's median plasma glucose and its 5–95 % band."""
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(10, 5))
    axis.axhspan(*TARGET_RANGE_mg_per_dL, color="tab:green", alpha=0.1)
    for frame in frames:
        hours = frame["time_min"] / 60
        line = axis.plot(hours, frame["plasma_p50_mg_per_dL"], label=frame["plan"].iloc[0])
        axis.fill_between(hours, frame["plasma_p05_mg_per_dL"], frame["plasma_p95_mg_per_dL"],
                          color=line[0].get_color(), alpha=0.2)  # fmt: skip
    axis.set_xlabel("time (h)")
    axis.set_ylabel("plasma glucose (mg/dL)")
    axis.set_title(title)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
