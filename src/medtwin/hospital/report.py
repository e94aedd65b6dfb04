"""Pictures for an administrator: a self-contained HTML report of a run, and a comparison plot.

The report holds the KPI table (means and 95 % CIs) and, by clock hour, arrivals,
waits, utilisation and queue lengths, each a Matplotlib PNG embedded as base64, so the
file opens anywhere with no network and no other files.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from medtwin.hospital.experiment import Results

STYLE = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222}
table{border-collapse:collapse}td,th{padding:.25em .7em;border-bottom:1px solid #ddd;
text-align:right}th:first-child,td:first-child{text-align:left}img{max-width:100%}
.note{color:#666;font-size:.9em}"""


def write_run_report(results: Results, path: Path, seed: int) -> None:
    """Write the HTML report of one model's replications to `path`."""
    model = results.model
    hours = _clock_labels(model.arrivals.start_hour, len(results.summaries[0].hourly.arrivals))
    arrivals = np.mean([s.hourly.arrivals for s in results.summaries], axis=0)
    figures = [
        ("Arrivals by hour", _bars(hours, arrivals, model.hourly_arrival_rates,
                                   "patients per hour")),
        ("Mean wait by hour of joining the queue",
         _lines(hours, results.hourly_mean("mean_wait_min"), "wait (min)")),
        ("Utilisation by hour", _lines(hours, results.hourly_mean("utilisation"),
                                       "busy fraction", upper=1.05)),
        ("Queue length by hour", _lines(hours, results.hourly_mean("queue_length"),
                                        "patients waiting (time average)")),
    ]  # fmt: skip
    sources = "".join(f"<li>{html.escape(s)}</li>" for s in model.sources)
    page = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(model.title or model.name)}</title><style>{STYLE}</style></head>",
        f"<body><h1>{html.escape(model.title or model.name)}</h1>",
        f"<p>{len(results.summaries)} replications of {model.run.length_min:g} min "
        f"(warm-up {model.run.warm_up_min:g} min), seed {seed}. Times in minutes.</p>",
        "<h2>KPIs: mean and 95 % confidence interval</h2>",
        _kpi_table(results.intervals()),
    ]
    for title, png in figures:
        page.append(f"<h2>{html.escape(title)}</h2><img alt='{html.escape(title)}' "
                    f"src='data:image/png;base64,{png}'>")  # fmt: skip
    if sources:
        page.append(f"<h2>Sources</h2><ul>{sources}</ul>")
    page.append("</body></html>")
    path.write_text("\n".join(page), encoding="utf-8")


def plot_comparison(comparison: pd.DataFrame, path: Path) -> None:
    """Each KPI's difference from the base with its 95 % CI, a panel per KPI, as a PNG."""
    kpis = list(dict.fromkeys(comparison["kpi"]))
    scenarios = list(dict.fromkeys(comparison["scenario"]))
    columns = 4
    rows = math.ceil(len(kpis) / columns)
    height_in = 1.0 + rows * (0.8 + 0.45 * len(scenarios))
    fig = Figure(figsize=(3.2 * columns, height_in))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax, kpi in zip(axes.flat, kpis, strict=False):
        part = comparison[comparison["kpi"] == kpi].set_index("scenario").reindex(scenarios)
        y = np.arange(len(scenarios))
        low = (part["difference"] - part["ci_low"]).to_numpy()
        high = (part["ci_high"] - part["difference"]).to_numpy()
        ax.errorbar(part["difference"], y, xerr=[low, high], fmt="o", capsize=3)
        ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.set_yticks(y, scenarios if ax in axes[:, 0] else [""] * len(scenarios))
        ax.set_title(kpi, fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(kpis) :]:
        ax.set_visible(False)
    fig.suptitle("Difference from the base case (mean and 95 % CI, paired replications)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _clock_labels(start_hour: int, n_hours: int) -> list[str]:
    return [f"{(start_hour + i) % 24:02d}" for i in range(n_hours)]


def _kpi_table(intervals: pd.DataFrame) -> str:
    rows = ["<table><tr><th>KPI</th><th>mean</th><th>95 % CI</th><th>n</th></tr>"]
    for kpi, row in intervals.iterrows():
        ci = "–" if math.isnan(row["ci_low"]) else f"{row['ci_low']:.4g} – {row['ci_high']:.4g}"
        rows.append(f"<tr><td>{html.escape(str(kpi))}</td><td>{row['mean']:.4g}</td>"
                    f"<td>{ci}</td><td>{int(row['n'])}</td></tr>")  # fmt: skip
    rows.append("</table>")
    return "".join(rows)


def _bars(hours: list[str], simulated: np.ndarray, profile: np.ndarray, ylabel: str) -> str:
    fig = Figure(figsize=(9, 3.2))
    ax = fig.subplots()
    x = np.arange(len(hours))
    ax.bar(x, simulated, color="#8ab", label="simulated (mean)")
    ax.step(x, profile[: len(hours)], where="mid", color="#c33", label="profile rate")
    _hour_axis(ax, hours, ylabel)
    ax.legend(fontsize=8)
    return _png(fig)


def _lines(hours: list[str], table: pd.DataFrame, ylabel: str, upper: float | None = None) -> str:
    fig = Figure(figsize=(9, 3.6))
    ax = fig.subplots()
    for name in table.columns:
        ax.plot(np.arange(len(hours)), table[name], marker=".", label=name)
    if upper is not None:
        ax.set_ylim(0, upper)
    _hour_axis(ax, hours, ylabel)
    ax.legend(fontsize=8, ncol=3)
    return _png(fig)


def _hour_axis(ax, hours: list[str], ylabel: str) -> None:
    ax.set_xticks(np.arange(len(hours)), hours, fontsize=8)
    ax.set_xlabel("clock hour")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=90)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
