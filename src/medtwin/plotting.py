"""Trend figures of a twin's vital signs, laid out like an anaesthesia record.

Panels, top to bottom: haemodynamics (arterial pressure band from diastolic to systolic with
the mean, heart rate), respiration (rate, end-tidal CO2), oxygenation (SpO2, SaO2), flow
and filling (cardiac output, central venous pressure) and temperature. Column names and
units come from the signal vocabulary (``medtwin.signals``); missing columns are skipped.
Colours follow the usual patient-monitor conventions (HR green, pressure red, SpO2 blue,
CO2 amber).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from medtwin.signals import unit_of


@dataclass(frozen=True)
class _Trace:
    column: str
    label: str
    colour: str
    width: float = 1.6


@dataclass(frozen=True)
class _Axis:
    label: str
    traces: tuple[_Trace, ...]
    min_span: float  # the smallest y range shown, so a flat line does not look noisy
    ceiling: float | None = None


@dataclass(frozen=True)
class _Panel:
    title: str
    left: _Axis
    right: _Axis | None = None
    band: tuple[str, str] | None = None  # (upper, lower) columns shaded on the left axis


_PRESSURE_RED = "#c62828"
_PANELS = (
    _Panel(
        "Haemodynamics",
        left=_Axis(
            "Arterial pressure",
            (
                _Trace("systolic_bp", "Systolic / diastolic", _PRESSURE_RED, 0.8),
                _Trace("diastolic_bp", "", _PRESSURE_RED, 0.8),  # one legend entry for the band
                _Trace("mean_arterial_pressure", "Mean", "#8e0000", 2.0),
            ),
            min_span=40.0,
        ),
        right=_Axis("Heart rate", (_Trace("heart_rate", "Heart rate", "#2e7d32"),), 20.0),
        band=("systolic_bp", "diastolic_bp"),
    ),
    _Panel(
        "Respiration",
        left=_Axis("Respiratory rate", (_Trace("respiratory_rate", "Rate", "#6a1b9a"),), 10.0),
        right=_Axis("End-tidal CO₂", (_Trace("etco2", "EtCO₂", "#c49000"),), 10.0),
    ),
    _Panel(
        "Oxygenation",
        left=_Axis(
            "Saturation",
            (_Trace("spo2", "SpO₂", "#0277bd"), _Trace("sao2", "SaO₂", "#4fc3f7", 1.2)),
            min_span=15.0,
            ceiling=100.0,
        ),
    ),
    _Panel(
        "Flow and filling",
        left=_Axis("Cardiac output", (_Trace("cardiac_output", "Cardiac output", "#ef6c00"),), 2.0),
        right=_Axis(
            "Central venous pressure", (_Trace("central_venous_pressure", "CVP", "#1565c0"),), 6.0
        ),
    ),
    _Panel(
        "Temperature",
        left=_Axis(
            "Temperature",
            (
                _Trace("core_temperature", "Core", "#5d4037"),
                _Trace("skin_temperature", "Skin", "#a1887f", 1.2),
            ),
            min_span=1.0,
        ),
    ),
)
_UNIT_LABEL = {"degC": "°C"}


def _present(axis: _Axis | None, history: pd.DataFrame) -> _Axis | None:
    """The axis with only the traces whose columns hold data, or None if none do."""
    if axis is None:
        return None
    traces = tuple(
        t for t in axis.traces if t.column in history and history[t.column].notna().any()
    )
    return _Axis(axis.label, traces, axis.min_span, axis.ceiling) if traces else None


def _set_limits(ax: Axes, axis: _Axis, history: pd.DataFrame) -> None:
    values = np.concatenate([history[t.column].to_numpy(dtype=float) for t in axis.traces])
    low, high = np.nanmin(values), np.nanmax(values)
    half_range = 0.58 * max(high - low, axis.min_span)  # half the span plus 8 % margin
    middle = (low + high) / 2.0
    low, high = middle - half_range, middle + half_range
    if axis.ceiling is not None and high > axis.ceiling + 1.0:
        low, high = low - (high - axis.ceiling - 1.0), axis.ceiling + 1.0
    ax.set_ylim(low, high)


def _draw_axis(ax: Axes, axis: _Axis, minutes: np.ndarray, history: pd.DataFrame) -> list:
    lines = []
    for trace in axis.traces:
        values = history[trace.column].to_numpy(dtype=float)
        shown = np.isfinite(values)
        (line,) = ax.plot(
            minutes[shown], values[shown], color=trace.colour, lw=trace.width, label=trace.label
        )
        lines.append(line)
    unit = unit_of(axis.traces[0].column)
    ax.set_ylabel(f"{axis.label}\n[{_UNIT_LABEL.get(unit, unit)}]", color=axis.traces[-1].colour)
    ax.ticklabel_format(axis="y", useOffset=False)
    _set_limits(ax, axis, history)
    return lines


def _draw_panel(ax: Axes, panel: _Panel, minutes: np.ndarray, history: pd.DataFrame) -> None:
    left, right = _present(panel.left, history), _present(panel.right, history)
    if left is None:
        left, right = right, None
    if panel.band and all(c in history and history[c].notna().any() for c in panel.band):
        upper, lower = (history[c].to_numpy(dtype=float) for c in panel.band)
        ax.fill_between(minutes, lower, upper, color=_PRESSURE_RED, alpha=0.15, lw=0)
    lines = _draw_axis(ax, left, minutes, history)
    if right is not None:
        twin = ax.twinx()
        lines += _draw_axis(twin, right, minutes, history)
    ax.set_title(panel.title, loc="left", fontsize=11, fontweight="bold")
    labelled = [line for line in lines if not line.get_label().startswith("_")]
    ax.legend(
        handles=labelled,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncol=len(labelled),
        frameon=False,
        fontsize=9,
        borderaxespad=0.2,
    )
    ax.grid(True, color="#e0e0e0", lw=0.6)


def plot_trends(history: pd.DataFrame, path: str | Path, title: str = "Vital-sign trends") -> Path:
    """Draw the trend panels for the signals ``history`` holds and save them as a PNG.

    ``history`` has a ``time_s`` column (seconds) and one column per signal, named as in
    ``medtwin.signals``; panels whose signals are all missing are left out. Returns the path.
    """
    if "time_s" not in history:
        raise ValueError("history needs a 'time_s' column (seconds since the start)")
    panels = [p for p in _PANELS if _present(p.left, history) or _present(p.right, history)]
    if not panels:
        known = sorted(
            {t.column for p in _PANELS for a in (p.left, p.right) if a for t in a.traces}
        )
        raise ValueError(f"history has none of the plotted signals: {', '.join(known)}")
    minutes = history["time_s"].to_numpy(dtype=float) / 60.0
    figure = Figure(figsize=(11.0, 0.9 + 2.2 * len(panels)), dpi=110, layout="constrained")
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        _draw_panel(ax, panel, minutes, history)
    axes[-1].set_xlabel("Time [min]")
    if minutes.max() > minutes.min():
        axes[-1].set_xlim(minutes.min(), minutes.max())
    figure.suptitle(title, fontsize=13, fontweight="bold")
    out = Path(path)
    figure.savefig(out, format="png")
    return out
