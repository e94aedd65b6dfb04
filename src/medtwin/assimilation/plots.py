"""Figures of a replay: each signal's observations and the twin's prediction with its band."""

from __future__ import annotations

import os

import numpy as np


def plot_replay(result, path: str | os.PathLike) -> None:
    """One panel per signal: observed values, predicted mean and a 90 % band (±1.645 SD)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    signals = sorted(result.traces)
    figure, axes = plt.subplots(
        len(signals), 1, figsize=(9, 2.2 * len(signals)), sharex=True, squeeze=False
    )
    for axis, signal in zip(axes[:, 0], signals, strict=True):
        trace = np.array(result.traces[signal])
        minutes, observed, mean, sd = trace.T
        axis.fill_between(
            minutes, mean - 1.645 * sd, mean + 1.645 * sd, alpha=0.3, label="twin 90 % band"
        )
        axis.plot(minutes, mean, lw=1, label="twin (predicted)")
        axis.plot(minutes, observed, ".", ms=2, color="k", label="observed")
        axis.set_ylabel(signal, fontsize=8)
    axes[0, 0].legend(fontsize=7, loc="upper right")
    axes[-1, 0].set_xlabel("minutes")
    figure.suptitle(f"replay of {result.record}")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
