"""The scenario validation report: a table per scenario and a plot of its signals."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from medtwin.scenario_validation.model import ScenarioResult

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 60em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }
.good { background: #dff0d8; } .fair { background: #fcf8e3; } .poor { background: #f2dede; }
img { max-width: 100%; }
"""


def _plot_png(result: ScenarioResult) -> str:
    """The scenario's plotted signals against time, as a base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    signals = [s for s in result.scenario.plotted if s in result.run.history]
    figure, axes = plt.subplots(len(signals), 1, figsize=(8, 1.6 * len(signals)), sharex=True)
    axes = [axes] if len(signals) == 1 else axes
    minutes = result.run.history["time_s"] / 60.0
    for ax, signal in zip(axes, signals, strict=True):
        ax.plot(minutes, result.run.history[signal], linewidth=1)
        ax.set_ylabel(signal.replace("_", " "), fontsize=8)
    axes[-1].set_xlabel("minutes")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _verdict(row) -> str:
    gap = row.expectation.known_gap
    return row.grade.verdict + (f" (known gap: {html.escape(gap)})" if gap else "")


def _section(result: ScenarioResult) -> str:
    scenario = result.scenario
    rows = "".join(
        f"<tr class='{row.grade.verdict}'><td>{html.escape(row.expectation.what)}</td>"
        f"<td>{row.value:.3g}</td><td>{html.escape(row.expectation.expected_text())}</td>"
        f"<td>{_verdict(row)}</td><td>{html.escape(row.expectation.source)}</td></tr>"
        for row in result.rows
    )
    return (
        f"<h2>{html.escape(scenario.title)}: {result.verdict}</h2>"
        f"<p>{html.escape(scenario.description)}</p>"
        "<table><tr><th>expectation</th><th>model</th><th>expected</th><th>grade</th>"
        f"<th>source</th></tr>{rows}</table>"
        f"<img alt='{html.escape(scenario.name)}' src='data:image/png;base64,{_plot_png(result)}'>"
    )


def write_scenario_report(results: list[ScenarioResult], path: str | Path) -> Path:
    """Write the HTML report of `results` (one plot per scenario) to `path`."""
    path = Path(path)
    body = "".join(_section(result) for result in results)
    path.write_text(
        "<!doctype html><meta charset='utf-8'><title>medtwin scenario validation</title>"
        f"<style>{_CSS}</style><h1>Scenario validation</h1>"
        "<p>Grades by the shared reference README's rule: under 10 % from the expected "
        f"range good, 10-30 % fair, over 30 % poor.</p>{body}",
        encoding="utf-8",
    )
    return path
