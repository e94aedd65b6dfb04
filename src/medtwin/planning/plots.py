"""Figure of a plan comparison: each plan's mean and 90 % band for the main vitals."""

from __future__ import annotations

import os

PANELS = ("mean_arterial_pressure", "heart_rate", "spo2", "cardiac_output")


def plot_plans(results, path: str | os.PathLike) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(len(PANELS), 1, figsize=(9, 2.4 * len(PANELS)), sharex=True)
    for axis, signal in zip(axes, PANELS, strict=True):
        for result in results:
            minutes = result.forecast.times_s / 60.0
            low, high = result.forecast.band(signal)
            (line,) = axis.plot(minutes, result.forecast.mean(signal), label=result.plan.name)
            axis.fill_between(minutes, low, high, color=line.get_color(), alpha=0.2)
        axis.set_ylabel(signal, fontsize=8)
    axes[0].legend(fontsize=7)
    axes[-1].set_xlabel("minutes from now")
    figure.suptitle("plans compared (mean and 90 % band)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
