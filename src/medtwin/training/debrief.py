"""The debrief: a self-contained HTML report of one run, read from its log.

One file with no scripts, fonts or pictures from elsewhere (the charts are inline SVG),
so it opens offline: the verdict and score, the handover, the timeline of the actions
against the vitals with the phases as bands, the expected actions with their time to
action, the team's call-outs with the expected call-outs they met, what was missed or
late, the critical errors, the score by objective, the coach's prompts, the highest
NEWS2 with the response it calls for, the case's debrief points (marked where they are
about what went wrong) and its sources.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

from medtwin.training.loading import LoadedCase
from medtwin.training.news2 import RESPONSES
from medtwin.training.runlog import RunLog
from medtwin.training.scoring import Score, callout_rows
from medtwin.training.svg import Mark, Series, panel
from medtwin.training.times import clock

CHARTED = (
    ("heart_rate", "heart rate (/min)"),
    ("mean_arterial_pressure", "MAP (mmHg)"),
    ("spo2", "SpO2 (%)"),
    ("etco2", "EtCO2 (mmHg)"),
    ("respiratory_rate", "respiratory rate (/min)"),
    ("news2", "NEWS2"),
)
SOURCE_COLOURS = {
    "trainee": "#1f5fa8",
    "case": "#c77700",
    "instructor": "#c77700",
    "physiology": "#b3261e",
    "schedule": "#777",
}
STATUS_CLASS = {
    "on time": "good",
    "avoided": "good",
    "done": "good",
    "late": "fair",
    "early": "fair",
    "missed": "poor",
    "penalised": "poor",
}
CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 62em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
.good { background: #dff0d8; } .fair { background: #fcf8e3; } .poor { background: #f2dede; }
.verdict { font-size: 1.3em; font-weight: bold; }
svg { width: 100%; height: auto; display: block; margin-bottom: 0.3em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
blockquote { border-left: 4px solid #ccd; margin: 0.5em 0; padding: 0.2em 1em; }
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def observations(log: RunLog, signal: str) -> tuple[list[float], list[float]]:
    """Times and values of one observed signal (None read as NaN)."""
    rows = log.of("observation")
    values = [math.nan if r.get(signal) is None else float(r.get(signal)) for r in rows]
    return [r.time_s for r in rows], values


def phase_bands(log: RunLog) -> list[tuple[float, float, str]]:
    """(start, end, phase) of every visit to a phase."""
    entries = log.of("phase")
    end_s = log.end.time_s if log.end else log.entries[-1].time_s
    stops = [entry.time_s for entry in entries[1:]] + [end_s]
    return [
        (entry.time_s, stop, entry["phase"]) for entry, stop in zip(entries, stops, strict=True)
    ]


def action_marks(log: RunLog) -> list[Mark]:
    return [
        Mark(
            entry.time_s,
            f"{clock(entry.time_s)} {entry['order']} ({entry['source']})",
            SOURCE_COLOURS.get(entry["source"], "#444"),
        )
        for entry in log.of("action")
    ]


def timeline_html(log: RunLog, other: RunLog | None = None, other_label: str = "") -> str:
    """The charts of the run (with a second run dashed, for a what-if)."""
    end_s = max(
        log.end.time_s if log.end else 0.0, other.end.time_s if other and other.end else 0.0
    )
    charts = []
    for signal, title in CHARTED:
        series = [Series("this run", *observations(log, signal))]
        if other is not None:
            series.append(
                Series(other_label, *observations(other, signal), colour="#b3261e", dashed=True)
            )
        marks = action_marks(log) + (action_marks(other) if other is not None else [])
        charts.append(panel(title, series, end_s, phase_bands(log), marks))
    return "".join(charts)


def _actions_table(log: RunLog) -> str:
    rows = "".join(
        f"<tr><td>{clock(entry.time_s)}</td><td>{e(entry['order'])}</td><td>{e(entry['source'])}</td>"
        f"<td>{e(entry.get('note') or '')}</td></tr>"
        for entry in log.of("action")
    )
    refused = "".join(
        f"<tr class='poor'><td>{clock(entry.time_s)}</td><td>{e(entry['order'])}</td>"
        f"<td>refused</td><td>{e(entry['reason'])}</td></tr>"
        for entry in log.of("refused")
    )
    head = "<tr><th>time</th><th>order</th><th>by</th><th>note</th></tr>"
    return f"<table>{head}{rows}{refused}</table>"


def expected_table(score: Score) -> str:
    rows = []
    for result in score.actions:
        if result.status == "not due":
            continue
        window = result.window_s
        shown = (
            ""
            if window is None
            else f"{clock(window[0])}–{'end' if window[1] is None else clock(window[1])}"
        )
        tta = result.time_to_action_s
        rows.append(
            f"<tr class='{STATUS_CLASS.get(result.status, '')}'><td>{e(result.phase)}</td>"
            f"<td>{e(result.item.text)}</td><td>{e(result.item.action_class)}</td><td>{shown}</td>"
            f"<td>{e(result.status)}</td><td>{'' if tta is None else f'{tta:.0f} s'}</td></tr>"
        )
    return (
        "<table><tr><th>phase</th><th>expected action</th><th>class</th><th>window</th>"
        f"<th>result</th><th>time to action</th></tr>{''.join(rows)}</table>"
    )


def callouts_table(log: RunLog, score: Score) -> str:
    """The team's call-outs: message, who, when, and the expected call-out it met."""
    rows = []
    for row in callout_rows(log, score):
        met = "; ".join(f"{m['text']} ({m['status']})" for m in row["met"])
        rows.append(
            f"<tr class='{'good' if met else ''}'><td>{clock(row['time_s'])}</td>"
            f"<td>{e(row['author'])}</td><td>{e(row['text'])}</td><td>{e(met)}</td></tr>"
        )
    if not rows:
        return "<p>No call-outs.</p>"
    head = "<tr><th>time</th><th>who</th><th>message</th><th>expected call-out met</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def objectives_table(score: Score) -> str:
    rows = "".join(
        f"<tr><td>{e(o.text)}</td><td>{o.weight:g}</td>"
        f"<td>{'n/a' if o.score is None else f'{o.score:.0%}'}</td>"
        f"<td>{o.earned:g} of {o.possible:g}"
        + (f", less {o.penalty:g}" if o.penalty else "")
        + "</td></tr>"
        for o in score.objectives
    )
    return (
        f"<table><tr><th>objective</th><th>weight</th><th>score</th><th>points</th></tr>{rows}"
        f"<tr><th>total</th><td></td><th>{score.total:.0%}</th>"
        f"<td>pass at {score.pass_score:.0%}</td></tr></table>"
    )


def _problems(score: Score) -> str:
    missed = [r for r in score.actions if r.status in ("missed", "late", "early", "penalised")]
    items = [f"<li>{e(r.status)}: {e(r.item.text)} ({e(r.item.action_class)})</li>" for r in missed]
    items += [
        f"<li class='poor'>critical error"
        f"{'' if err.time_s is None else f' at {clock(err.time_s)}'}: "
        f"{e(err.text)}</li>"
        for err in score.errors
    ]
    return f"<ul>{''.join(items)}</ul>" if items else "<p>Nothing missed, nothing late.</p>"


def _prompts(log: RunLog) -> str:
    prompts = log.of("prompt")
    if not prompts:
        return f"<p>Coach: {e(log.start.get('coach', 'off'))}; no prompts.</p>"
    rows = "".join(
        f"<tr><td>{clock(p.time_s)}</td><td>{e(p['level'])}</td><td>{e(p['text'])}</td></tr>"
        for p in prompts
    )
    return f"<table><tr><th>time</th><th>level</th><th>prompt</th></tr>{rows}</table>"


def _news2(log: RunLog) -> str:
    rows = [r for r in log.of("observation") if r.get("news2") is not None]
    if not rows:
        return ""
    peak = max(rows, key=lambda r: r["news2"])
    from medtwin.training.news2 import news2 as score_news2

    vitals = {k: (math.nan if v is None else v) for k, v in peak.data.items() if k != "rhythm"}
    risk = score_news2(vitals).risk
    return (
        f"<p>Highest NEWS2 {peak['news2']} at {clock(peak.time_s)} (risk {e(risk)}): "
        f"{e(RESPONSES[risk])} (Royal College of Physicians, NEWS2, 2017)</p>"
    )


def _debrief_points(loaded: LoadedCase, score: Score) -> str:
    wrong = {
        r.item.id for r in score.actions if r.status in ("missed", "late", "early", "penalised")
    }
    wrong |= {err.id for err in score.errors}
    items = []
    for point in loaded.case.debrief:
        flagged = point.about in wrong
        items.append(
            f"<li{' class=poor' if flagged else ''}>"
            f"{'<b>For this run:</b> ' if flagged else ''}{e(point.text)}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def debrief_html(loaded: LoadedCase, log: RunLog, score: Score) -> str:
    case, start, end = loaded.case, log.start, log.end
    verdict = "PASS" if score.passed else "FAIL"
    ended = f", ended at {clock(end.time_s)} ({e(end['reason'])})" if end else ""
    gates = (
        f"<p>Gates failed: {e(', '.join(score.gate_failures))}</p>" if score.gate_failures else ""
    )
    sources = "".join(f"<li>{e(s)}</li>" for s in (*case.guidelines, *case.sources))
    return (
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<title>Debrief: {e(case.title)}</title>"
        f"<style>{CSS}</style><h1>{e(case.title)}</h1>"
        f"<p class='verdict {'good' if score.passed else 'poor'}'>"
        f"{verdict}: score {score.total:.0%}, "
        f"patient {'alive' if score.alive else 'dead'}{ended}</p>{gates}"
        f"<p>Trainee: {e(start.get('trainee'))}; coach: {e(start.get('coach'))}; "
        f"seed {e(start.get('seed'))}; "
        f"patient {e(start.get('patient'))}.</p>"
        f"<h2>Handover</h2><p>{e(case.history)}</p><blockquote>{e(case.handover)}</blockquote>"
        f"<h2>Timeline</h2><p>Bands: phases; dashed marks: actions (blue trainee, orange case or "
        f"instructor, red physiology; hover for the order).</p>{timeline_html(log)}"
        f"<h2>What was done</h2>{_actions_table(log)}"
        f"<h2>Expected actions</h2>{expected_table(score)}"
        f"<h2>Call-outs</h2>{callouts_table(log, score)}"
        f"<h2>Missed, late and critical</h2>{_problems(score)}"
        f"<h2>Score by objective</h2>{objectives_table(score)}"
        f"<h2>Coach</h2>{_prompts(log)}<h2>Early warning</h2>{_news2(log)}"
        f"<h2>Debrief points</h2>{_debrief_points(loaded, score)}"
        f"<h2>Sources</h2><ul>{sources}</ul></html>"
    )


def write_debrief(loaded: LoadedCase, log: RunLog, score: Score, path: str | Path) -> Path:
    """Write the debrief of a run to `path` (HTML)."""
    path = Path(path)
    path.write_text(debrief_html(loaded, log, score), encoding="utf-8")
    return path
